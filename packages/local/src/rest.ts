// The /api/v1 REST handlers. Each turns an authenticated request into a Reply; the order of
// checks is auth → JSON body → fields → plan limits / trace lookup (assumption: the doc gives none).
import { bearerToken, planRefusal, type KeyRegistry, type Plan } from './keys.js';
import { json, traceNotFound, type Reply } from './reply.js';
import type { NewTrace, SpanRecord, Store, TraceRecord } from './store.js';
import { durationMs, parseInstant } from './time.js';
import {
  FieldChecker,
  MESSAGES,
  SPAN_STATUSES,
  TRACE_STATUSES,
  isTimestamp,
  parseJsonObject,
  validationFailed,
  type FieldErrors,
  type TraceStatus,
} from './validate.js';

export interface ApiContext {
  store: Store;
  keys: KeyRegistry;
  now: () => Date;
  freeTraceLimit: number;
  metadataAs: 'json' | 'text';
}

export interface Caller {
  key: string;
  plan: Plan;
}

/** REST auth is Bearer only; x-api-key is accepted on the OTLP route alone. */
export function authenticateBearer(keys: KeyRegistry, authorization: string | undefined): Caller | null {
  const key = bearerToken(authorization);
  const plan = key === null ? null : keys.resolve(key);
  return key !== null && plan !== null ? { key, plan } : null;
}

/** The plan check and the insert, shared by POST /api/v1/traces and the OTLP route. */
export function createTraceWithinPlan(
  ctx: ApiContext,
  caller: Caller,
  input: NewTrace,
): { ok: true; record: TraceRecord } | { ok: false; reply: Reply } {
  const now = ctx.now();
  const refusal = planRefusal(caller.plan, ctx.store.usage(caller.key, input.agentName, now), ctx.freeTraceLimit);
  if (refusal) return { ok: false, reply: refusal };
  return { ok: true, record: ctx.store.createTrace(caller.key, input, now.getTime()) };
}

export function createTrace(ctx: ApiContext, caller: Caller, rawBody: string): Reply {
  const parsed = parseJsonObject(rawBody);
  if (!parsed.ok) return parsed.reply;
  const check = new FieldChecker(parsed.value);
  const input: NewTrace = {
    agentName: check.requiredString('agent_id'),
    name: check.requiredString('name'),
    status: check.requiredEnum('status', TRACE_STATUSES),
    startedAt: check.requiredTimestamp('started_at'),
    endedAt: check.optionalTimestamp('ended_at') ?? null,
    metadata: parsed.value.metadata,
  };
  if (!check.ok) return validationFailed(check.errors);
  const created = createTraceWithinPlan(ctx, caller, input);
  return created.ok ? json(201, { trace_id: created.record.id }) : created.reply;
}

/**
 * Only status and ended_at can change. `ended_at: null` counts as not given (so an end time can
 * never be cleared); a present status must be valid, null included (assumption).
 */
export function patchTrace(ctx: ApiContext, caller: Caller, id: string, rawBody: string): Reply {
  const parsed = parseJsonObject(rawBody);
  if (!parsed.ok) return parsed.reply;
  const check = new FieldChecker(parsed.value);
  const status = check.optionalEnum('status', TRACE_STATUSES);
  const endedAt = check.optionalTimestamp('ended_at') ?? undefined;
  if (!check.ok) return validationFailed(check.errors);
  if (status === undefined && endedAt === undefined) return json(400, { error: 'No fields to update' });
  const record = ctx.store.find(caller.key, id);
  if (!record) return traceNotFound();
  ctx.store.patchTrace(record, { status, endedAt });
  return json(200, { trace_id: record.id });
}

/** Works on any trace of the key, ended or not. parent_span_id is stored without any check. */
export function addSpan(ctx: ApiContext, caller: Caller, traceId: string, rawBody: string): Reply {
  const parsed = parseJsonObject(rawBody);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const check = new FieldChecker(body);
  const name = check.requiredString('name');
  const status = check.requiredEnum('status', SPAN_STATUSES);
  const startedAt = check.requiredTimestamp('started_at');
  const endedAt = check.optionalTimestamp('ended_at') ?? null;
  const parentSpanId = check.optionalString('parent_span_id');
  if (!check.ok) return validationFailed(check.errors);
  const record = ctx.store.find(caller.key, traceId);
  if (!record) return traceNotFound();
  const span = ctx.store.addSpan(
    record,
    {
      name,
      status,
      startedAt,
      endedAt,
      parentSpanId,
      input: body.input,
      output: body.output,
      // The hosted server stores String(error): an object becomes "[object Object]".
      error: body.error === undefined || body.error === null ? null : String(body.error),
    },
    ctx.now().getTime(),
  );
  return json(201, { span_id: span.id });
}

const STATUS_FILTERS: Record<string, readonly TraceStatus[]> = {
  ok: ['success'],
  error: ['error', 'timeout'],
  running: ['running'],
  success: ['success'],
  timeout: ['timeout'],
};

function traceItem(ctx: ApiContext, record: TraceRecord): Record<string, unknown> {
  // Never `name`: the hosted API leaves it out of every GET.
  return {
    id: record.id,
    agent_name: record.agentName,
    status: record.status,
    started_at: record.startedAt,
    ended_at: record.endedAt,
    duration_ms: durationMs(record.startedAt, record.endedAt),
    span_count: record.spans.length,
    metadata: ctx.metadataAs === 'text' ? record.metadataText : record.metadata,
  };
}

function spanItem(span: SpanRecord): Record<string, unknown> {
  return {
    id: span.id,
    trace_id: span.traceId,
    parent_span_id: span.parentSpanId,
    name: span.name,
    status: span.status,
    started_at: span.startedAt,
    ended_at: span.endedAt,
    input: span.input,
    output: span.output,
    error: span.error,
  };
}

/** Empty query values count as absent, as with `if (query.x)` in a JS handler (assumption). */
export function listTraces(ctx: ApiContext, caller: Caller, params: URLSearchParams): Reply {
  const get = (name: string): string | undefined => {
    const value = params.get(name);
    return value === null || value === '' ? undefined : value;
  };
  const fields: FieldErrors = {};
  const status = get('status');
  const statuses = status === undefined ? undefined : STATUS_FILTERS[status];
  if (status !== undefined && statuses === undefined) fields.status = MESSAGES.oneOf(Object.keys(STATUS_FILTERS));
  const limitText = get('limit');
  const limit = limitText === undefined ? 50 : /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= 200)) fields.limit = MESSAGES.limit;
  const since = get('since');
  const until = get('until');
  for (const [field, value] of [['since', since], ['until', until]] as const) {
    if (value !== undefined && !(isTimestamp(value) && parseInstant(value))) fields[field] = MESSAGES.timestamp;
  }
  if (Object.keys(fields).length > 0) return validationFailed(fields);

  const { total, items } = ctx.store.list(caller.key, {
    agentName: get('agent_id'),
    statuses,
    since,
    until,
    limit,
    after: get('after'),
  });
  return json(
    200,
    items.map((record) => traceItem(ctx, record)),
    { 'X-Total-Count': String(total) },
  );
}

export function getTrace(ctx: ApiContext, caller: Caller, id: string): Reply {
  const record = ctx.store.find(caller.key, id);
  if (!record) return traceNotFound();
  return json(200, { ...traceItem(ctx, record), spans: ctx.store.orderedSpans(record).map(spanItem) });
}
