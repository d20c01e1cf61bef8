// The /api/v1 REST handlers. Each turns an authenticated request into a Reply. Order of checks:
// strict (the real server's): auth → (PATCH, spans: trace lookup) → JSON body → fields → plan
// limits; lenient: auth → JSON body → fields → plan limits or trace lookup.
import { bearerToken, planRefusal, type KeyRegistry, type Plan } from './keys.js';
import { readListQuery } from './list-params.js';
import { json, traceNotFound, type Reply } from './reply.js';
import type { NewTrace, SpanRecord, Store, TraceRecord } from './store.js';
import { errorColumn, jsonAnswer, jsonColumn } from './stored-text.js';
import { durationMs } from './time.js';
import { FieldChecker, SPAN_STATUSES, TRACE_STATUSES, parseRequestBody, validationFailed } from './validate.js';
import { wordingFor } from './wording.js';

export interface ApiContext {
  store: Store;
  keys: KeyRegistry;
  now: () => Date;
  freeTraceLimit: number;
  metadataAs: 'json' | 'text';
  /** The real server's behaviour (default); false: this server's older, lenient reading of the docs. */
  strict: boolean;
}

export interface Caller {
  key: string;
  plan: Plan;
}

/** REST auth is Bearer only; x-api-key is accepted on the OTLP route alone. */
export function authenticateBearer(keys: KeyRegistry, authorization: string | undefined, strict: boolean): Caller | null {
  const key = bearerToken(authorization, strict);
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
  const usage = ctx.store.usage(caller.key, input.agentName, now);
  const refusal = planRefusal(caller.plan, usage, ctx.freeTraceLimit, ctx.strict);
  if (refusal) return { ok: false, reply: refusal };
  return { ok: true, record: ctx.store.createTrace(caller.key, input, now.getTime()) };
}

export function createTrace(ctx: ApiContext, caller: Caller, rawBody: string): Reply {
  const parsed = parseRequestBody(rawBody, ctx.strict);
  if (!parsed.ok) return parsed.reply;
  const check = new FieldChecker(parsed.value, wordingFor(ctx.strict));
  const input: NewTrace = {
    agentName: check.requiredString('agent_id'),
    name: check.requiredString('name'),
    status: check.requiredEnum('status', TRACE_STATUSES),
    startedAt: check.requiredTimestamp('started_at'),
    endedAt: check.optionalTimestamp('ended_at') ?? null,
    metadataText: jsonColumn(parsed.value.metadata, ctx.strict),
  };
  if (!check.ok) return validationFailed(check.errors);
  const created = createTraceWithinPlan(ctx, caller, input);
  return created.ok ? json(201, { trace_id: created.record.id }) : created.reply;
}

/**
 * Only status and ended_at can change. `ended_at: null` counts as not given (so an end time can
 * never be cleared); a present status must be valid, null included.
 */
export function patchTrace(ctx: ApiContext, caller: Caller, id: string, rawBody: string): Reply {
  // Strict: the real server looks the trace up before it reads the body.
  const found = ctx.strict ? ctx.store.find(caller.key, id) : undefined;
  if (ctx.strict && !found) return traceNotFound();
  const parsed = parseRequestBody(rawBody, ctx.strict);
  if (!parsed.ok) return parsed.reply;
  const check = new FieldChecker(parsed.value, wordingFor(ctx.strict));
  const status = check.optionalEnum('status', TRACE_STATUSES);
  const endedAt = check.optionalTimestamp('ended_at') ?? undefined;
  if (!check.ok) return validationFailed(check.errors);
  if (status === undefined && endedAt === undefined) return json(400, { error: 'No fields to update' });
  const record = found ?? ctx.store.find(caller.key, id);
  if (!record) return traceNotFound();
  ctx.store.patchTrace(record, { status, endedAt });
  return json(200, { trace_id: record.id });
}

/** Works on any trace of the key, ended or not. parent_span_id is stored without any check. */
export function addSpan(ctx: ApiContext, caller: Caller, traceId: string, rawBody: string): Reply {
  // Strict: the real server looks the trace up before it reads the body.
  const found = ctx.strict ? ctx.store.find(caller.key, traceId) : undefined;
  if (ctx.strict && !found) return traceNotFound();
  const parsed = parseRequestBody(rawBody, ctx.strict);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const check = new FieldChecker(body, wordingFor(ctx.strict));
  const name = check.requiredString('name');
  const status = check.requiredEnum('status', SPAN_STATUSES);
  const startedAt = check.requiredTimestamp('started_at');
  const endedAt = check.optionalTimestamp('ended_at') ?? null;
  const parentSpanId = check.optionalString('parent_span_id');
  if (!check.ok) return validationFailed(check.errors);
  const record = found ?? ctx.store.find(caller.key, traceId);
  if (!record) return traceNotFound();
  const span = ctx.store.addSpan(
    record,
    {
      name,
      status,
      startedAt,
      endedAt,
      parentSpanId,
      inputText: jsonColumn(body.input, ctx.strict),
      outputText: jsonColumn(body.output, ctx.strict),
      error: errorColumn(body.error, ctx.strict),
    },
    ctx.now().getTime(),
  );
  return json(201, { span_id: span.id });
}

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
    metadata: ctx.metadataAs === 'text' ? record.metadataText : jsonAnswer(record.metadataText),
  };
}

/** Strict: no `trace_id` (the real server does not select it); lenient: with it. */
function spanItem(span: SpanRecord, strict: boolean): Record<string, unknown> {
  return {
    id: span.id,
    ...(strict ? {} : { trace_id: span.traceId }),
    parent_span_id: span.parentSpanId,
    name: span.name,
    status: span.status,
    started_at: span.startedAt,
    ended_at: span.endedAt,
    input: jsonAnswer(span.inputText),
    output: jsonAnswer(span.outputText),
    error: span.error,
  };
}

export function listTraces(ctx: ApiContext, caller: Caller, params: URLSearchParams): Reply {
  const query = readListQuery(params, ctx.strict);
  if (!query.ok) return query.reply;
  // Strict: the real server looks the cursor up (after the other checks) and refuses an unknown one.
  const after = query.value.after;
  if (ctx.strict && after !== undefined && !ctx.store.find(caller.key, after)) {
    return json(400, { error: 'Invalid cursor: trace not found' });
  }
  const { total, items } = ctx.store.list(caller.key, query.value);
  return json(
    200,
    items.map((record) => traceItem(ctx, record)),
    { 'X-Total-Count': String(total) },
  );
}

export function getTrace(ctx: ApiContext, caller: Caller, id: string): Reply {
  const record = ctx.store.find(caller.key, id);
  if (!record) return traceNotFound();
  const spans = ctx.store.orderedSpans(record).map((span) => spanItem(span, ctx.strict));
  return json(200, { ...traceItem(ctx, record), spans });
}
