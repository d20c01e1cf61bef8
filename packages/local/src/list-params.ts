// The query string of GET /api/v1/traces: read the real server's way (strict) or this server's
// older, friendlier way (lenient). Either gives the store's ListQuery or a 400.
import { json } from './reply.js';
import type { ListQuery } from './store.js';
import { parseInstant } from './time.js';
import { isTimestamp, validationFailed, type FieldErrors, type Parsed, type TraceStatus } from './validate.js';
import { LENIENT_WORDING, REAL_WORDING } from './wording.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** A Map, so that `status=constructor` finds nothing instead of Object.prototype's function. */
const REAL_STATUS_FILTERS = new Map<string, readonly TraceStatus[]>([
  ['ok', ['success']],
  ['error', ['error', 'timeout']],
]);

const LENIENT_STATUS_FILTERS = new Map<string, readonly TraceStatus[]>([
  ...REAL_STATUS_FILTERS,
  ['running', ['running']],
  ['success', ['success']],
  ['timeout', ['timeout']],
]);

/**
 * Strict, as the real server reads it: a parameter given empty is still given (`status=`,
 * `since=`, `limit=` are 400), except `agent_id` and `after`, which an empty value leaves out.
 * `limit` goes through parseInt (`5abc` is 5, `1.9` is 1). `since`/`until` only have to pass the
 * timestamp regex (month 13 is fine: compared as text, it simply matches nothing).
 */
function strictListQuery(params: URLSearchParams): Parsed<ListQuery> {
  const fields: FieldErrors = {};
  const status = params.get('status') ?? undefined;
  const statuses = status === undefined ? undefined : REAL_STATUS_FILTERS.get(status);
  if (status !== undefined && statuses === undefined) fields.status = REAL_WORDING.oneOf([...REAL_STATUS_FILTERS.keys()]);
  const since = params.get('since') ?? undefined;
  const until = params.get('until') ?? undefined;
  if (since !== undefined && !isTimestamp(since)) fields.since = REAL_WORDING.timestamp;
  if (until !== undefined && !isTimestamp(until)) fields.until = REAL_WORDING.timestamp;
  const limit = Number.parseInt(params.get('limit') ?? String(DEFAULT_LIMIT), 10);
  if (Number.isNaN(limit) || limit < 1 || limit > MAX_LIMIT) fields.limit = REAL_WORDING.limit;
  if (Object.keys(fields).length > 0) return { ok: false, reply: json(400, { error: 'Invalid query parameters', fields }) };
  const value = { agentName: params.get('agent_id') || undefined, statuses, since, until, limit, after: params.get('after') || undefined };
  return { ok: true, value };
}

/**
 * Lenient: empty values count as absent (as with `if (query.x)`); `status` also takes the stored
 * values; `limit` must be all digits; `since`/`until` must name a real time.
 */
function lenientListQuery(params: URLSearchParams): Parsed<ListQuery> {
  const get = (name: string): string | undefined => params.get(name) || undefined;
  const fields: FieldErrors = {};
  const status = get('status');
  const statuses = status === undefined ? undefined : LENIENT_STATUS_FILTERS.get(status);
  if (status !== undefined && statuses === undefined) fields.status = LENIENT_WORDING.oneOf([...LENIENT_STATUS_FILTERS.keys()]);
  const limitText = get('limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) fields.limit = LENIENT_WORDING.limit;
  const since = get('since');
  const until = get('until');
  for (const [field, value] of [['since', since], ['until', until]] as const) {
    if (value !== undefined && !(isTimestamp(value) && parseInstant(value))) fields[field] = LENIENT_WORDING.timestamp;
  }
  if (Object.keys(fields).length > 0) return { ok: false, reply: validationFailed(fields) };
  return { ok: true, value: { agentName: get('agent_id'), statuses, since, until, limit, after: get('after') } };
}

export function readListQuery(params: URLSearchParams, strict: boolean): Parsed<ListQuery> {
  return strict ? strictListQuery(params) : lenientListQuery(params);
}
