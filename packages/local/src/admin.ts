// Control routes for another process (the CLI's users, demos): not part of the Nexus API, not
// under /api, no auth, loopback callers only. They bypass faults, latency and the request log so
// that arming a fault never consumes it.
import type { Faults, OutageMode, RandomFaultOptions, RequestMatch } from './faults.js';
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
  /** Runs `run` after `ms`, unless the server is closed first. */
  after: (ms: number, run: () => void) => void;
}

/** An admin answer, and what to do once it has been sent (an outage would cut it off). */
export interface AdminAnswer {
  reply: Reply;
  afterSent?: () => void;
}

type Action = (faults: Faults) => void;

interface FaultRequest {
  actions: Action[];
  outage: { mode: OutageMode; forMs: number } | undefined;
}

const RANDOM_FIELDS = new Set(['failRate', 'failStatus', 'failBody', 'resetRate', 'dropResponseRate', 'seed', 'method', 'path', 'pathRegex']);
const DOWN_FIELDS = new Set(['mode', 'forMs']);
/** setTimeout's limit: a longer delay would fire at once. */
const MAX_OUTAGE_MS = 2_147_483_647;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

function probability(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

/** A misspelt option would otherwise be ignored silently (a rate of 0: no faults at all). */
function unknownField(spec: JsonObject, known: ReadonlySet<string>): string | undefined {
  return Object.keys(spec).find((field) => !known.has(field));
}

/** {failRate?, failStatus?, failBody?, resetRate?, dropResponseRate?, seed?, method?, path?, pathRegex?} */
function readRandom(spec: JsonObject): RandomFaultOptions | string {
  const unknown = unknownField(spec, RANDOM_FIELDS);
  if (unknown !== undefined) return `random.${unknown} is not a known field`;
  const options: RandomFaultOptions = {};
  for (const field of ['failRate', 'resetRate', 'dropResponseRate'] as const) {
    const rate = spec[field];
    if (rate === undefined) continue;
    if (!probability(rate)) return `random.${field} must be a number between 0 and 1`;
    options[field] = rate;
  }
  const sum = (options.failRate ?? 0) + (options.resetRate ?? 0) + (options.dropResponseRate ?? 0);
  // Same tolerance as faults.random(), so that nothing passing here can throw there.
  if (sum > 1 + 1e-9) return `random.failRate + random.resetRate + random.dropResponseRate must be at most 1, got ${sum}`;
  if (spec.failStatus !== undefined) {
    if (!isStatus(spec.failStatus)) return 'random.failStatus must be an HTTP status (100-599)';
    options.failStatus = spec.failStatus;
  }
  if (spec.failBody !== undefined) options.failBody = spec.failBody;
  if (spec.seed !== undefined) {
    if (typeof spec.seed !== 'number' || !Number.isInteger(spec.seed)) return 'random.seed must be an integer';
    options.seed = spec.seed;
  }
  const match = readMatch(spec);
  if (typeof match === 'string') return `random.${match}`;
  options.match = match;
  return options;
}

/** {mode?, forMs}: a duration is required, since no admin request can reach a server that is down to bring it up. */
function readDown(spec: JsonObject): { mode: OutageMode; forMs: number } | string {
  const unknown = unknownField(spec, DOWN_FIELDS);
  if (unknown !== undefined) return `down.${unknown} is not a known field`;
  const mode = spec.mode ?? 'refuse';
  if (mode !== 'refuse' && mode !== 'reset') return "down.mode must be 'refuse' or 'reset'";
  const forMs = spec.forMs;
  if (typeof forMs !== 'number' || !Number.isFinite(forMs) || forMs < 0 || forMs > MAX_OUTAGE_MS) {
    return `down.forMs must be a number of milliseconds between 0 and ${MAX_OUTAGE_MS}`;
  }
  return { mode, forMs };
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
function readFaultActions(body: JsonObject): FaultRequest | string {
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
      if (!isStatus(status)) return 'failNext.status must be an HTTP status (100-599)';
      const opts = spec.body === undefined ? { match } : { match, body: spec.body };
      actions.push((f) => f.failNext(n, status, opts));
    } else if (kind === 'resetNext') {
      actions.push((f) => f.resetNext(n, { match }));
    } else {
      actions.push((f) => f.dropResponseNext(n, { match }));
    }
  }
  if (body.random !== undefined) {
    if (body.random === null) {
      actions.push((f) => f.random(null));
    } else {
      if (!isObject(body.random)) return 'random must be an object or null';
      const options = readRandom(body.random);
      if (typeof options === 'string') return options;
      actions.push((f) => f.random(options));
    }
  }
  let outage: FaultRequest['outage'];
  if (body.down !== undefined) {
    if (!isObject(body.down)) return 'down must be an object';
    const down = readDown(body.down);
    if (typeof down === 'string') return down;
    outage = down;
  }
  return { actions, outage };
}

/**
 * Down now (the answer is already sent), up again `forMs` after the server went down. Failures have
 * nobody left to report to: down() fails only once the server is closed, up() only if another
 * process took the port meanwhile.
 */
function outageFor(ctx: AdminContext, mode: OutageMode, forMs: number): void {
  const up = (): void => {
    ctx.faults.up().catch(() => undefined);
  };
  ctx.faults.down({ mode }).then(
    () => ctx.after(forMs, up),
    () => undefined,
  );
}

export function isLoopback(address: string | undefined): boolean {
  return address === '::1' || address === '127.0.0.1' || (address?.startsWith('::ffff:127.') ?? false) || (address?.startsWith('127.') ?? false);
}

export function handleAdmin(ctx: AdminContext, method: string, pathname: string, rawBody: string): AdminAnswer {
  if (method === 'GET' && pathname === '/_local/stats') return { reply: json(200, ctx.stats()) };
  if (method === 'POST' && pathname === '/_local/faults') {
    const parsed = parseJsonObject(rawBody);
    if (!parsed.ok) return { reply: parsed.reply };
    const request = readFaultActions(parsed.value);
    if (typeof request === 'string') return { reply: json(400, { error: request }) };
    for (const action of request.actions) action(ctx.faults);
    const outage = request.outage;
    if (!outage) return { reply: json(200, { ok: true }) };
    // `connection: close`: the outage destroys this socket, so a client must not reuse it.
    return { reply: json(200, { ok: true }, { connection: 'close' }), afterSent: () => outageFor(ctx, outage.mode, outage.forMs) };
  }
  return { reply: notFoundPage() };
}
