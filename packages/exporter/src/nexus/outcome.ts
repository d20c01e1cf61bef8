import type { HttpResult } from './http.js';

/** What a Nexus answer means for the item sent, per the error table of the API. */
export type Failure =
  | { kind: 'invalid'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'agent_limit'; message: string }
  | { kind: 'monthly_limit'; message: string }
  | { kind: 'not_found'; message: string }
  /**
   * 5xx or a failure before the request left: nothing was written, a re-send is safe. `retryAfterMillis`:
   * a 503 or a proxy's 429 said when to come back (`Retry-After`, capped at 60 s).
   */
  | { kind: 'transient'; message: string; status?: number; retryAfterMillis?: number }
  /** 5xx answered again and again to one body the server cannot store (a span row too big): not an outage. */
  | { kind: 'body_rejected'; message: string }
  /** Timed out or reset after the request left: it may have been written. */
  | { kind: 'unknown'; message: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** A `Retry-After` longer than this is cut to it: a typo or a misconfigured proxy must not stall delivery for hours. */
export const MAX_RETRY_AFTER_MILLIS = 60_000;

/** How long a 503 or 429 asks the client to wait (`Retry-After`: seconds or an HTTP date), capped; undefined when it does not say. */
export function retryAfterOf(result: HttpResult, now: number = Date.now()): number | undefined {
  if (result.kind !== 'response' || (result.response.status !== 503 && result.response.status !== 429)) return undefined;
  const header = result.response.headers['retry-after'];
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!raw) return undefined;
  const millis = /^\d+$/.test(raw) ? Number(raw) * 1_000 : Date.parse(raw) - now;
  if (!Number.isFinite(millis)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MILLIS, Math.max(0, millis));
}

export function classify(result: HttpResult, now: number = Date.now()): { ok: true; status: number; json: unknown } | { ok: false; failure: Failure } {
  if (result.kind === 'failure') {
    const kind = result.sent || result.timedOut ? 'unknown' : 'transient';
    return { ok: false, failure: { kind, message: result.message } };
  }
  const { status, body } = result.response;
  const json = parseJson(body);
  if (status >= 200 && status < 300) return { ok: true, status, json };
  const message = describe(status, json, body);
  if (status === 400 || status === 413 || status === 422) return { ok: false, failure: { kind: 'invalid', message } };
  if (status === 401) return { ok: false, failure: { kind: 'unauthorized', message } };
  if (status === 403) return { ok: false, failure: { kind: 'agent_limit', message } };
  if (status === 404) return { ok: false, failure: { kind: 'not_found', message } };
  const retryAfter = retryAfterOf(result, now);
  const after = retryAfter === undefined ? {} : { retryAfterMillis: retryAfter };
  // Nexus's 429 is the monthly quota; any other 429 (a proxy's rate limit) is worth a retry.
  if (status === 429) return { ok: false, failure: /month/i.test(message) ? { kind: 'monthly_limit', message } : { kind: 'transient', message, ...after } };
  if (status >= 500 || status === 408) return { ok: false, failure: { kind: 'transient', message, status, ...after } };
  return { ok: false, failure: { kind: 'invalid', message } };
}

function parseJson(body: string): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `400 Validation failed: started_at: must be …` — the server's words, cut short, never the request. */
function describe(status: number, json: unknown, body: string): string {
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    const parts = [typeof record['error'] === 'string' ? record['error'] : undefined];
    const fields = record['fields'];
    if (fields && typeof fields === 'object') {
      parts.push(Object.entries(fields as Record<string, unknown>).map(([field, text]) => `${field}: ${String(text)}`).join('; '));
    }
    if (typeof record['upgrade_url'] === 'string') parts.push(`upgrade at ${record['upgrade_url']}`);
    const text = parts.filter(Boolean).join(': ');
    if (text) return `${status} ${text}`.slice(0, 500);
  }
  const plain = body.trim().startsWith('<') ? '' : body.trim();
  return `${status}${plain ? ` ${plain}` : ''}`.slice(0, 300);
}
