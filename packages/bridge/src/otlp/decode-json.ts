/**
 * OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): the protobuf JSON
 * mapping with lowerCamelCase keys, trace and span ids as hex (not base64), enums as integers and
 * 64-bit integers as decimal strings or numbers. Unknown fields are ignored; a field of the wrong
 * type is read as unset.
 */
import type { WireDecoding } from './decode-protobuf.js';
import { messageOf } from './rejections.js';
import type {
  WireAnyValue,
  WireEvent,
  WireInt64,
  WireKeyValue,
  WireLink,
  WireLogRecord,
  WireLogsRequest,
  WireResource,
  WireScope,
  WireSpan,
  WireTraceRequest,
} from './wire.js';

type JsonObject = { readonly [key: string]: unknown };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const INTEGER = /^-?\d+$/;

/**
 * JSON.parse that keeps integers beyond 2^53 exact, as their decimal text, where the runtime gives
 * revivers the source text (Node >= 21). On Node 20 such a number (rare: OTLP/JSON senders write
 * 64-bit integers as strings) is as exact as a double.
 */
function parseJson(text: string): unknown {
  // Only when a bare number of 16+ digits appears (64-bit integers as strings do not count).
  if (!/[:,[]\s*-?\d{16}/.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && typeof context?.source === 'string' && INTEGER.test(context.source)
      ? context.source
      : value,
  );
}

function object(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Objects of a list; other entries are left out. */
function objects(value: unknown): JsonObject[] {
  return list(value).flatMap((entry) => {
    const o = object(entry);
    return o ? [o] : [];
  });
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An int32/uint32/enum field: a number, or a decimal string. */
function integer(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && INTEGER.test(value)) return Number(value);
  return undefined;
}

function int64(value: unknown): WireInt64 {
  return typeof value === 'number' || typeof value === 'string' ? value : undefined;
}

/** A double: a number, or one of the strings the JSON mapping allows ("NaN", "Infinity", "-Infinity", a number). */
function double(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isNaN(parsed) && value !== 'NaN' ? undefined : parsed;
}

/** A trace or span id: hex. Anything else is passed on as text, for the conversion to reject. */
function id(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function anyValue(value: unknown): WireAnyValue | null {
  const o = object(value);
  if (!o) return null;
  if (typeof o['stringValue'] === 'string') return { stringValue: o['stringValue'] };
  if (typeof o['boolValue'] === 'boolean') return { boolValue: o['boolValue'] };
  const int = int64(o['intValue']);
  if (int !== undefined) return { intValue: int };
  const dbl = double(o['doubleValue']);
  if (dbl !== undefined) return { doubleValue: dbl };
  const array = object(o['arrayValue']);
  if (array) return { arrayValue: { values: list(array['values']).map(anyValue) } };
  const kvlist = object(o['kvlistValue']);
  if (kvlist) return { kvlistValue: { values: keyValues(kvlist['values']) } };
  const bytes = string(o['bytesValue']);
  if (bytes !== undefined) return { bytesValue: new Uint8Array(Buffer.from(bytes, 'base64')) };
  return null;
}

function keyValues(value: unknown): WireKeyValue[] {
  return objects(value).map((kv) => ({ key: string(kv['key']) ?? '', value: anyValue(kv['value']) }));
}

function resource(value: unknown): WireResource | null {
  const o = object(value);
  return o ? { attributes: keyValues(o['attributes']), droppedAttributesCount: integer(o['droppedAttributesCount']) } : null;
}

function scope(value: unknown): WireScope | null {
  const o = object(value);
  return o
    ? {
        name: string(o['name']),
        version: string(o['version']),
        attributes: keyValues(o['attributes']),
        droppedAttributesCount: integer(o['droppedAttributesCount']),
      }
    : null;
}

function event(o: JsonObject): WireEvent {
  return {
    timeUnixNano: int64(o['timeUnixNano']),
    name: string(o['name']),
    attributes: keyValues(o['attributes']),
    droppedAttributesCount: integer(o['droppedAttributesCount']),
  };
}

function link(o: JsonObject): WireLink {
  return {
    traceId: id(o['traceId']),
    spanId: id(o['spanId']),
    traceState: string(o['traceState']),
    attributes: keyValues(o['attributes']),
    droppedAttributesCount: integer(o['droppedAttributesCount']),
    flags: integer(o['flags']),
  };
}

function span(value: unknown): WireSpan {
  // A span that is not an object still counts, as a span without ids (so it is rejected, not lost).
  const o = object(value) ?? {};
  const status = object(o['status']);
  return {
    traceId: id(o['traceId']),
    spanId: id(o['spanId']),
    traceState: string(o['traceState']),
    parentSpanId: id(o['parentSpanId']),
    flags: integer(o['flags']),
    name: string(o['name']),
    kind: integer(o['kind']),
    startTimeUnixNano: int64(o['startTimeUnixNano']),
    endTimeUnixNano: int64(o['endTimeUnixNano']),
    attributes: keyValues(o['attributes']),
    droppedAttributesCount: integer(o['droppedAttributesCount']),
    events: objects(o['events']).map(event),
    droppedEventsCount: integer(o['droppedEventsCount']),
    links: objects(o['links']).map(link),
    droppedLinksCount: integer(o['droppedLinksCount']),
    status: status ? { code: integer(status['code']), message: string(status['message']) } : null,
  };
}

function logRecord(value: unknown): WireLogRecord {
  const o = object(value) ?? {};
  return {
    timeUnixNano: int64(o['timeUnixNano']),
    observedTimeUnixNano: int64(o['observedTimeUnixNano']),
    severityNumber: integer(o['severityNumber']),
    severityText: string(o['severityText']),
    body: anyValue(o['body']),
    attributes: keyValues(o['attributes']),
    droppedAttributesCount: integer(o['droppedAttributesCount']),
    flags: integer(o['flags']),
    traceId: id(o['traceId']),
    spanId: id(o['spanId']),
    eventName: string(o['eventName']),
  };
}

/** The request object of a JSON body, or why there is none. */
function requestObject(body: Uint8Array, message: string, listKey: string): { ok: true; value: JsonObject } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = parseJson(utf8.decode(body));
  } catch (error) {
    return { ok: false, reason: `invalid JSON ${message}: ${messageOf(error)}` };
  }
  const o = object(parsed);
  if (!o) return { ok: false, reason: `invalid JSON ${message}: not an object` };
  const entries = o[listKey];
  if (entries !== undefined && entries !== null && !Array.isArray(entries)) {
    return { ok: false, reason: `invalid JSON ${message}: ${listKey} is not an array` };
  }
  return { ok: true, value: o };
}

/** An OTLP/HTTP JSON body (`application/json`) as an `ExportTraceServiceRequest`. */
export function decodeTraceRequestJson(body: Uint8Array): WireDecoding<WireTraceRequest> {
  try {
    const top = requestObject(body, 'ExportTraceServiceRequest', 'resourceSpans');
    if (!top.ok) return top;
    const request: WireTraceRequest = {
      resourceSpans: objects(top.value['resourceSpans']).map((rs) => ({
        resource: resource(rs['resource']),
        schemaUrl: string(rs['schemaUrl']),
        scopeSpans: objects(rs['scopeSpans']).map((ss) => ({
          scope: scope(ss['scope']),
          schemaUrl: string(ss['schemaUrl']),
          spans: list(ss['spans']).map(span),
        })),
      })),
    };
    return { ok: true, request };
  } catch (error) {
    return { ok: false, reason: `invalid JSON ExportTraceServiceRequest: ${messageOf(error)}` };
  }
}

/** An OTLP/HTTP JSON body as an `ExportLogsServiceRequest`. */
export function decodeLogsRequestJson(body: Uint8Array): WireDecoding<WireLogsRequest> {
  try {
    const top = requestObject(body, 'ExportLogsServiceRequest', 'resourceLogs');
    if (!top.ok) return top;
    const request: WireLogsRequest = {
      resourceLogs: objects(top.value['resourceLogs']).map((rl) => ({
        resource: resource(rl['resource']),
        schemaUrl: string(rl['schemaUrl']),
        scopeLogs: objects(rl['scopeLogs']).map((sl) => ({
          scope: scope(sl['scope']),
          schemaUrl: string(sl['schemaUrl']),
          logRecords: list(sl['logRecords']).map(logRecord),
        })),
      })),
    };
    return { ok: true, request };
  } catch (error) {
    return { ok: false, reason: `invalid JSON ExportLogsServiceRequest: ${messageOf(error)}` };
  }
}
