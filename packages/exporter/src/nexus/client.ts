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
}

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

  createSpan(nexusTraceId: string, body: CreateSpanBody, claimed: ReadonlySet<string>, uncertain: boolean, cancelled: Cancelled): Promise<Outcome<string>> {
    return this.call(
      {
        method: 'POST',
        path: `/api/v1/traces/${encodeURIComponent(nexusTraceId)}/spans`,
        body,
        uncertain,
        read: (json) => stringField(json, 'span_id'),
        lookup: () => this.findSpan(nexusTraceId, body, claimed),
      },
      cancelled,
    );
  }

  /** A trace this exporter created for `otelTraceId`, found by agent, start time and metadata. */
  private async findTrace(body: CreateTraceBody, otelTraceId: string): Promise<Outcome<string | undefined>> {
    const start = Date.parse(body.started_at);
    const query = new URLSearchParams({
      agent_id: body.agent_id,
      since: new Date(start - 1_000).toISOString(),
      until: new Date(start + 1_000).toISOString(),
      limit: '200',
    });
    for (let page = 0; page < 5; page += 1) {
      const result = await this.send('GET', `/api/v1/traces?${query.toString()}`);
      if (!result.ok) return result;
      const items = Array.isArray(result.json) ? (result.json as unknown[]) : [];
      for (const item of items) {
        if (metadataTraceId(item) === otelTraceId) return { ok: true, value: stringField(item, 'id') };
      }
      const last = items.at(-1);
      const lastId = stringField(last, 'id');
      if (items.length < 200 || !lastId) break;
      query.set('after', lastId);
    }
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
      if (span['name'] !== body.name || (span['parent_span_id'] ?? null) !== body.parent_span_id) continue;
      if (span['started_at'] === body.started_at || Date.parse(String(span['started_at'])) === start) {
        return { ok: true, value: id };
      }
    }
    return { ok: true, value: undefined };
  }

  private async call<T>(call: Call<T>, cancelled: Cancelled): Promise<Outcome<T>> {
    let uncertain = call.uncertain === true;
    let last: Failure = { kind: 'transient', message: 'not attempted' };
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt += 1) {
      if (cancelled()) return { ok: false, failure: { kind: 'transient', message: 'cancelled' } };
      if (attempt > 1) await sleep(backoffMillis(attempt - 1, this.policy.retryBaseMillis));
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
