// The native OTLP/HTTP JSON route's mapping (the baseline a user could pick instead of the
// exporter): each OTel trace id in ONE request becomes a NEW Nexus trace, links resolved only
// within the request, events dropped, attributes flattened to strings.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { invalidApiKey, json, type Reply } from './reply.js';
import { authenticateBearer, createTraceWithinPlan, type ApiContext, type Caller } from './rest.js';
import type { NewSpan, NewTrace } from './store.js';
import { parseRequestBody, validationFailed, type FieldErrors, type JsonObject } from './validate.js';

export interface PlannedSpan {
  id: string;
  span: NewSpan;
}

export interface PlannedTrace {
  trace: NewTrace;
  spans: PlannedSpan[];
}

export type OtlpPlan = { ok: true; traces: PlannedTrace[] } | { ok: false; fields: FieldErrors };

/** OTel's own default when a resource has no service.name (assumption: the doc does not say). */
export const UNKNOWN_SERVICE = 'unknown_service';

const STATUS_CODE_ERROR = 2;

interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  serviceName: string;
  source: JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] | null {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : null;
}

/** An OTLP AnyValue as plain JSON (int64 stays a string when it does not fit a double exactly). */
export function anyValueToPlain(value: unknown): unknown {
  if (!isObject(value)) return null;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) {
    const raw = value.intValue;
    if (typeof raw === 'string' && /^-?\d+$/.test(raw)) {
      const n = Number(raw);
      return Number.isSafeInteger(n) ? n : raw;
    }
    return raw;
  }
  if ('doubleValue' in value) return value.doubleValue;
  if ('bytesValue' in value) return value.bytesValue; // base64 text, kept as sent
  if ('arrayValue' in value) {
    const values = isObject(value.arrayValue) ? list(value.arrayValue.values) : [];
    return (values ?? []).map(anyValueToPlain);
  }
  if ('kvlistValue' in value) {
    const values = isObject(value.kvlistValue) ? list(value.kvlistValue.values) : [];
    return attributesToPlain(values ?? []);
  }
  return null;
}

function attributesToPlain(attributes: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const attribute of attributes) {
    if (isObject(attribute) && typeof attribute.key === 'string') out[attribute.key] = anyValueToPlain(attribute.value);
  }
  return out;
}

/** Scalars via String(); arrays and kvlists as JSON text; an empty AnyValue as ''. */
export function anyValueToString(value: unknown): string {
  const plain = anyValueToPlain(value);
  if (plain === null || plain === undefined) return '';
  if (typeof plain === 'object') return JSON.stringify(plain);
  return String(plain);
}

/** A KeyValue list as a flat {key: string} object: what Nexus keeps of OTel attributes. */
export function attributesToStrings(attributes: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const attribute of list(attributes) ?? []) {
    if (isObject(attribute) && typeof attribute.key === 'string') out[attribute.key] = anyValueToString(attribute.value);
  }
  return out;
}

/** Unix nanoseconds (string or number) → ISO text with millisecond precision; null if absent/0/bad. */
export function nanosToIso(value: unknown): string | null {
  let nanos: bigint | null = null;
  if (typeof value === 'string' && /^\d+$/.test(value)) nanos = BigInt(value);
  // A JSON number this large is only exact to ~256 ns: round to the microsecond so that a value
  // meant as a whole millisecond does not truncate to the one before.
  else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) nanos = BigInt(Math.round(value / 1000)) * 1000n;
  if (nanos === null || nanos === 0n) return null;
  const ms = Number(nanos / 1_000_000n);
  return ms <= 8.64e15 ? new Date(ms).toISOString() : null;
}

function isError(status: unknown): boolean {
  if (!isObject(status)) return false;
  return status.code === STATUS_CODE_ERROR || status.code === 'STATUS_CODE_ERROR';
}

function statusMessage(status: unknown): string | null {
  return isObject(status) && typeof status.message === 'string' && status.message.length > 0 ? status.message : null;
}

function collect(body: JsonObject, fields: FieldErrors): RawSpan[] {
  const spans: RawSpan[] = [];
  const resourceSpans = list(body.resourceSpans);
  if (!resourceSpans) {
    fields.resourceSpans = 'must be an array';
    return spans;
  }
  resourceSpans.forEach((rs, i) => {
    const at = `resourceSpans[${i}]`;
    if (!isObject(rs)) return void (fields[at] = 'must be an object');
    const resourceAttributes = isObject(rs.resource) ? attributesToStrings(rs.resource.attributes) : {};
    const serviceName = resourceAttributes['service.name'] || UNKNOWN_SERVICE;
    const scopeSpans = list(rs.scopeSpans);
    if (!scopeSpans) return void (fields[`${at}.scopeSpans`] = 'must be an array');
    scopeSpans.forEach((ss, j) => {
      const atScope = `${at}.scopeSpans[${j}]`;
      if (!isObject(ss)) return void (fields[atScope] = 'must be an object');
      const rawSpans = list(ss.spans);
      if (!rawSpans) return void (fields[`${atScope}.spans`] = 'must be an array');
      rawSpans.forEach((span, k) => {
        const atSpan = `${atScope}.spans[${k}]`;
        if (!isObject(span)) return void (fields[atSpan] = 'must be an object');
        const { traceId, spanId, parentSpanId } = span;
        let ok = true;
        if (typeof traceId !== 'string' || traceId.length === 0) {
          fields[`${atSpan}.traceId`] = 'must be a non-empty hex string';
          ok = false;
        }
        if (typeof spanId !== 'string' || spanId.length === 0) {
          fields[`${atSpan}.spanId`] = 'must be a non-empty hex string';
          ok = false;
        }
        if (ok) {
          spans.push({
            traceId: String(traceId),
            spanId: String(spanId),
            parentSpanId: typeof parentSpanId === 'string' ? parentSpanId : '',
            serviceName,
            source: span,
          });
        }
      });
    });
  });
  return spans;
}

/**
 * Plans the Nexus traces for one OTLP request without touching the store. `now` stands in for a
 * missing or unreadable start time (assumption); a missing end time gives ended_at null.
 */
export function planOtlp(body: JsonObject, now: Date): OtlpPlan {
  const fields: FieldErrors = {};
  const raw = collect(body, fields);
  if (Object.keys(fields).length > 0) return { ok: false, fields };

  const groups = new Map<string, RawSpan[]>(); // insertion order = first appearance in the request
  for (const span of raw) {
    const group = groups.get(span.traceId);
    if (group) group.push(span);
    else groups.set(span.traceId, [span]);
  }

  const traces: PlannedTrace[] = [];
  for (const group of groups.values()) {
    // Ids first, so a child listed before its parent (the usual OTLP order) still links to it.
    const ids = new Map<string, string>();
    const planned = group.map((span) => {
      const id = randomUUID();
      if (!ids.has(span.spanId)) ids.set(span.spanId, id);
      return { id, raw: span };
    });
    const root = planned.find((p) => p.raw.parentSpanId === '') ?? planned[0];
    if (!root) continue;
    const spanOf = ({ id, raw: span }: { id: string; raw: RawSpan }): PlannedSpan => ({
      id,
      span: {
        name: typeof span.source.name === 'string' ? span.source.name : '',
        status: isError(span.source.status) ? 'error' : 'ok',
        startedAt: nanosToIso(span.source.startTimeUnixNano) ?? now.toISOString(),
        endedAt: nanosToIso(span.source.endTimeUnixNano),
        parentSpanId: span.parentSpanId === '' ? null : (ids.get(span.parentSpanId) ?? null),
        inputText: JSON.stringify(attributesToStrings(span.source.attributes)),
        outputText: null,
        error: statusMessage(span.source.status),
      },
    });
    const spans = planned.map(spanOf);
    const rootSpan = spans[planned.indexOf(root)] ?? spanOf(root);
    traces.push({
      trace: {
        agentName: root.raw.serviceName,
        name: rootSpan.span.name,
        status: rootSpan.span.status === 'error' ? 'error' : 'success',
        startedAt: rootSpan.span.startedAt,
        endedAt: rootSpan.span.endedAt,
        metadataText: JSON.stringify(attributesToStrings(root.raw.source.attributes)),
      },
      spans,
    });
  }
  return { ok: true, traces };
}

/** x-api-key first, then `Authorization: Bearer` (both work on this route only). */
export function otlpCaller(ctx: ApiContext, headers: IncomingHttpHeaders): Caller | null {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) {
    const plan = ctx.keys.resolve(apiKey);
    return plan === null ? null : { key: apiKey, plan };
  }
  return authenticateBearer(ctx.keys, headers.authorization, ctx.strict);
}

/**
 * POST /v1/traces. Traces are created one by one with the free-plan checks; the first refusal
 * ends the request with that 403/429 and earlier traces stay stored (assumption: no transaction).
 */
export function handleOtlp(ctx: ApiContext, headers: IncomingHttpHeaders, rawBody: string): Reply {
  const caller = otlpCaller(ctx, headers);
  if (!caller) return invalidApiKey();
  const parsed = parseRequestBody(rawBody, ctx.strict);
  if (!parsed.ok) return parsed.reply;
  const plan = planOtlp(parsed.value, ctx.now());
  if (!plan.ok) return validationFailed(plan.fields);
  for (const planned of plan.traces) {
    const created = createTraceWithinPlan(ctx, caller, planned.trace);
    if (!created.ok) return created.reply;
    const createdAt = ctx.now().getTime();
    for (const { id, span } of planned.spans) ctx.store.addSpan(created.record, span, createdAt, id);
  }
  return json(200, { partialSuccess: {} });
}
