// Shared test helpers: real HTTP against an in-process server.
import { generateKey, type NexusLocal } from '../src/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

export interface CallOptions {
  key?: string | null; // null: no Authorization header
  body?: unknown; // JSON-encoded
  raw?: string; // sent as-is instead of `body`
  headers?: Record<string, string>;
}

export async function call(local: NexusLocal, method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let payload: string | undefined = opts.raw;
  if (payload === undefined && opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${local.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (HTML 404, plain-text faults)
  }
  return { status: res.status, headers: res.headers, text, body };
}

export const ISO = (ms: number): string => new Date(ms).toISOString();
export const T0 = Date.parse('2026-03-10T12:00:00.000Z');

export function traceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { agent_id: 'agent-a', name: 'run', status: 'running', started_at: ISO(T0), ...overrides };
}

export function spanBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'step', status: 'ok', started_at: ISO(T0), ...overrides };
}

export async function createTrace(local: NexusLocal, key: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody(overrides) });
  if (res.status !== 201) throw new Error(`createTrace: ${res.status} ${res.text}`);
  return (res.body as { trace_id: string }).trace_id;
}

export async function createSpan(
  local: NexusLocal,
  key: string,
  traceId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const res = await call(local, 'POST', `/api/v1/traces/${traceId}/spans`, { key, body: spanBody(overrides) });
  if (res.status !== 201) throw new Error(`createSpan: ${res.status} ${res.text}`);
  return (res.body as { span_id: string }).span_id;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export { generateKey };
