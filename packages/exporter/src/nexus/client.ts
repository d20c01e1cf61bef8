import { backoffMillis, sleep } from './backoff.js';
import { classify, type Failure, type Outcome } from './outcome.js';
import type { HttpTransport } from './http.js';
import type { Limiter } from './limiter.js';
import type { CreateSpanBody, CreateTraceBody, PatchTraceBody } from './api-types.js';

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMillis: number;
}

/** Stops a retry loop early (the trace was dropped, or shutdown ran out of time). */
export type Cancelled = () => boolean;

interface Call<T> {
  method: string;
  path: string;
  body?: unknown;
  read: (json: unknown) => T | undefined;
  /** Looks for the item a lost answer may have created; undefined when it is not there. */
  lookup?: () => Promise<Outcome<T | undefined>>;
  /** A previous call's outcome is unknown: look before the first send. */
  uncertain?: boolean;
  /**
   * Asked after the second 5xx answer in a row: is the body itself the likely cause (a row too big
   * for the server's database)? Then the call ends as `body_rejected` instead of retrying like an outage.
   */
  suspectBody?: () => boolean;
}

/** Pages of a lost trace's lookup before the exporter stops and says it could not rule out a duplicate. */
const MAX_LOOKUP_PAGES = 50;
const LOOKUP_PAGE = 200;

/**
 * The Nexus REST API with retries. 5xx and network failures are retried with jittered exponential
 * backoff; a request that may have been written (timed out or reset after it left) is never re-sent
 * blindly: the item is looked up first, since Nexus has no idempotency key.
 */
export class NexusClient {
  requests = 0;

  constructor(
    private readonly transport: HttpTransport,
    private readonly limiter: Limiter,
    private readonly policy: RetryPolicy,
  ) {}

  /** Called once when a lost create could not be looked up to the end (a trace may be doubled). */
  onLookupExhausted: (agent: string) => void = () => undefined;

  createTrace(body: CreateTraceBody, otelTraceId: string, uncertain: boolean, cancelled: Cancelled): Promise<Outcome<string>> {
    return this.call(
      {
        method: 'POST',
        path: '/api/v1/traces',
        body,
        uncertain,
        read: (json) => stringField(json, 'trace_id'),
        lookup: () => this.findTrace(body, otelTraceId),
      },
      cancelled,
    );
  }

  patchTrace(nexusTraceId: string, body: PatchTraceBody, cancelled: Cancelled): Promise<Outcome<string>> {
    // A PATCH repeats harmlessly: it sets the same fields again.
    return this.call({ method: 'PATCH', path: `/api/v1/traces/${encodeURIComponent(nexusTraceId)}`, body, read: () => nexusTraceId }, cancelled);
  }

  createSpan(
    nexusTraceId: string,
    body: CreateSpanBody,
    claimed: ReadonlySet<string>,
    uncertain: boolean,
    cancelled: Cancelled,
    suspectBody?: () => boolean,
  ): Promise<Outcome<string>> {
    return this.call(
      {
        method: 'POST',
        path: `/api/v1/traces/${encodeURIComponent(nexusTraceId)}/spans`,
        body,
        uncertain,
        ...(suspectBody ? { suspectBody } : {}),
        read: (json) => stringField(json, 'span_id'),
        lookup: () => this.findSpan(nexusTraceId, body, claimed),
      },
      cancelled,
    );
  }

  /**
   * A trace this exporter created for `otelTraceId`: among the agent's traces that started at exactly
   * the `started_at` text sent (the server compares times as text, so since = until = that text is an
   * exact match), the one whose metadata carries the OTel trace id. Paged to the end of that window:
   * a busy agent may start hundreds of traces in one millisecond.
   */
  private async findTrace(body: CreateTraceBody, otelTraceId: string): Promise<Outcome<string | undefined>> {
    const query = new URLSearchParams({
      agent_id: body.agent_id,
      since: body.started_at,
      until: body.started_at,
      limit: String(LOOKUP_PAGE),
    });
    for (let page = 0; page < MAX_LOOKUP_PAGES; page += 1) {
      const result = await this.send('GET', `/api/v1/traces?${query.toString()}`);
      if (!result.ok) return result;
      const items = Array.isArray(result.json) ? (result.json as unknown[]) : [];
      for (const item of items) {
        if (metadataTraceId(item) === otelTraceId) return { ok: true, value: stringField(item, 'id') };
      }
      const lastId = stringField(items.at(-1), 'id');
      if (items.length < LOOKUP_PAGE || !lastId) return { ok: true, value: undefined };
      query.set('after', lastId);
    }
    this.onLookupExhausted(body.agent_id);
    return { ok: true, value: undefined };
  }

  /** A span of the trace with the same name, parent and start that no other local span claimed. */
  private async findSpan(nexusTraceId: string, body: CreateSpanBody, claimed: ReadonlySet<string>): Promise<Outcome<string | undefined>> {
    const result = await this.send('GET', `/api/v1/traces/${encodeURIComponent(nexusTraceId)}`);
    if (!result.ok) return result;
    const spans = (result.json as { spans?: unknown } | undefined)?.spans;
    if (!Array.isArray(spans)) return { ok: true, value: undefined };
    const start = Date.parse(body.started_at);
    for (const span of spans as Array<Record<string, unknown>>) {
      const id = stringField(span, 'id');
      if (!id || claimed.has(id)) continue;
      if (span['name'] !== body.name || (span['parent_span_id'] ?? null) !== (body.parent_span_id ?? null)) continue;
      if (span['started_at'] === body.started_at || Date.parse(String(span['started_at'])) === start) {
        return { ok: true, value: id };
      }
    }
    return { ok: true, value: undefined };
  }

  private async call<T>(call: Call<T>, cancelled: Cancelled): Promise<Outcome<T>> {
    let uncertain = call.uncertain === true;
    let last: Failure = { kind: 'transient', message: 'not attempted' };
    let serverErrors = 0;
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt += 1) {
      if (cancelled()) return { ok: false, failure: { kind: 'transient', message: 'cancelled' } };
      // A 503 or a proxy's 429 that said when to come back is not asked again sooner.
      if (attempt > 1) await sleep(Math.max(backoffMillis(attempt - 1, this.policy.retryBaseMillis), waitAsked(last)));
      if (uncertain && call.lookup) {
        const found = await call.lookup();
        if (!found.ok) {
          last = found.failure;
          if (isRetryable(found.failure)) continue;
          return found as Outcome<T>;
        }
        if (found.value !== undefined) return { ok: true, value: found.value };
        uncertain = false;
      }
      const result = await this.send(call.method, call.path, call.body);
      if (result.ok) {
        const value = call.read(result.json);
        if (value !== undefined) return { ok: true, value };
        last = { kind: 'transient', message: `unexpected answer to ${call.method} (HTTP ${result.status})` };
        continue;
      }
      last = result.failure;
      if (!isRetryable(last)) return { ok: false, failure: last };
      if (last.kind === 'unknown') uncertain = true;
      serverErrors = last.kind === 'transient' && (last.status ?? 0) >= 500 ? serverErrors + 1 : 0;
      if (serverErrors >= 2 && call.suspectBody?.() === true) {
        return { ok: false, failure: { kind: 'body_rejected', message: last.message } };
      }
    }
    // Still unknown after the last attempt: report it as such, so the next try looks first.
    return { ok: false, failure: uncertain && last.kind !== 'unknown' ? { kind: 'unknown', message: last.message } : last };
  }

  private async send(method: string, path: string, body?: unknown): Promise<{ ok: true; status: number; json: unknown } | { ok: false; failure: Failure }> {
    return this.limiter.run(async () => {
      this.requests += 1;
      return classify(await this.transport.request(method, path, body));
    });
  }
}

function waitAsked(failure: Failure): number {
  return failure.kind === 'transient' ? (failure.retryAfterMillis ?? 0) : 0;
}

export function isRetryable(failure: Failure): boolean {
  return failure.kind === 'transient' || failure.kind === 'unknown';
}

function stringField(json: unknown, key: string): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const value = (json as Record<string, unknown>)[key];
  return typeof value === 'string' && value ? value : undefined;
}

/** Nexus stores metadata as text: a GET may return it parsed or as the JSON string. */
function metadataTraceId(item: unknown): string | undefined {
  if (!item || typeof item !== 'object') return undefined;
  let metadata = (item as Record<string, unknown>)['metadata'];
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      return undefined;
    }
  }
  return stringField(metadata, 'otel_trace_id');
}
