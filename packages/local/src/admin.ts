// Control routes for another process (the CLI's users, demos): not part of the Nexus API, not
// under /api, no auth, loopback callers only. They bypass faults, latency and the request log so
// that arming a fault never consumes it.
import type { Faults, RequestMatch } from './faults.js';
import { json, notFoundPage, type Reply } from './reply.js';
import { parseJsonObject, type JsonObject } from './validate.js';

export const ADMIN_PREFIX = '/_local/';

export interface AdminStats {
  requests: number;
  connections: number;
  traces: number;
  spans: number;
}

export interface AdminContext {
  faults: Faults;
  stats: () => AdminStats;
}

type Action = (faults: Faults) => void;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** {method?, path?, pathRegex?} → RequestMatch; pathRegex is our extension for id-bearing paths. */
function readMatch(spec: JsonObject): RequestMatch | string {
  const match: RequestMatch = {};
  if (spec.method !== undefined) {
    if (typeof spec.method !== 'string') return 'method must be a string';
    match.method = spec.method;
  }
  if (spec.path !== undefined && spec.pathRegex !== undefined) return 'give path or pathRegex, not both';
  if (spec.path !== undefined) {
    if (typeof spec.path !== 'string') return 'path must be a string';
    match.path = spec.path;
  }
  if (spec.pathRegex !== undefined) {
    if (typeof spec.pathRegex !== 'string') return 'pathRegex must be a string';
    try {
      match.path = new RegExp(spec.pathRegex);
    } catch {
      return 'pathRegex is not a valid regular expression';
    }
  }
  return match;
}

/** Validates the whole request before applying anything, so a bad request changes nothing. */
function readFaultActions(body: JsonObject): Action[] | string {
  const actions: Action[] = [];
  if (body.clear !== undefined) {
    if (body.clear !== true && body.clear !== false) return 'clear must be a boolean';
    if (body.clear) actions.push((f) => f.clear());
  }
  if (body.latencyMs !== undefined) {
    const ms = body.latencyMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return 'latencyMs must be a non-negative number';
    actions.push((f) => f.latency(ms));
  }
  for (const kind of ['failNext', 'resetNext', 'dropResponseNext'] as const) {
    const spec = body[kind];
    if (spec === undefined) continue;
    if (!isObject(spec)) return `${kind} must be an object`;
    const n = spec.n;
    if (!count(n)) return `${kind}.n must be a non-negative integer`;
    const match = readMatch(spec);
    if (typeof match === 'string') return `${kind}.${match}`;
    if (kind === 'failNext') {
      const status = spec.status;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
        return 'failNext.status must be an HTTP status (100-599)';
      }
      const opts = spec.body === undefined ? { match } : { match, body: spec.body };
      actions.push((f) => f.failNext(n, status, opts));
    } else if (kind === 'resetNext') {
      actions.push((f) => f.resetNext(n, { match }));
    } else {
      actions.push((f) => f.dropResponseNext(n, { match }));
    }
  }
  return actions;
}

export function isLoopback(address: string | undefined): boolean {
  return address === '::1' || address === '127.0.0.1' || (address?.startsWith('::ffff:127.') ?? false) || (address?.startsWith('127.') ?? false);
}

export function handleAdmin(ctx: AdminContext, method: string, pathname: string, rawBody: string): Reply {
  if (method === 'GET' && pathname === '/_local/stats') return json(200, ctx.stats());
  if (method === 'POST' && pathname === '/_local/faults') {
    const parsed = parseJsonObject(rawBody);
    if (!parsed.ok) return parsed.reply;
    const actions = readFaultActions(parsed.value);
    if (typeof actions === 'string') return json(400, { error: actions });
    for (const action of actions) action(ctx.faults);
    return json(200, { ok: true });
  }
  return notFoundPage();
}
