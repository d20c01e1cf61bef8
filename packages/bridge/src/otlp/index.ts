/**
 * The OTLP decoding layer of the bridge: OTLP/HTTP request bodies (protobuf or JSON) to the
 * `ReadableSpan`- and `ReadableLogRecord`-shaped objects the Nexus exporters take, and the OTLP
 * responses back. Pure functions: nothing here throws on malformed input.
 */
import { decodeLogsRequestJson, decodeTraceRequestJson } from './decode-json.js';
import { decodeLogsRequestProtobuf, decodeTraceRequestProtobuf, type WireDecoding } from './decode-protobuf.js';
import type { OtlpEncoding } from './encoding.js';
import { messageOf, Rejections } from './rejections.js';
import { logRecordsOf } from './to-log-record.js';
import { spansOf } from './to-readable-span.js';
import type { DecodedLogRecord, DecodedSpan } from './types.js';

export type { OtlpEncoding } from './encoding.js';
export { encodeLogsResponse, encodeTraceResponse, type LogsResponse, type TraceResponse } from './response.js';
export type {
  AttributeValue,
  DecodedAttributes,
  DecodedEvent,
  DecodedLink,
  DecodedLogRecord,
  DecodedResource,
  DecodedScope,
  DecodedSpan,
  DecodedSpanContext,
  HrTime,
  LogBodyValue,
  TraceStateLike,
} from './types.js';

/** The body could not be decoded at all (OTLP/HTTP answers 400). */
export interface DecodeFailure {
  ok: false;
  reason: string;
}

export interface TracesDecoded {
  ok: true;
  spans: DecodedSpan[];
  /** Spans of the request left out (bad ids, missing times): OTLP `partial_success.rejected_spans`. */
  rejected: number;
  /** Why, for `partial_success.error_message`; set when `rejected` > 0. */
  rejectedReason?: string;
}

export interface LogsDecoded {
  ok: true;
  records: DecodedLogRecord[];
  /** Log records left out (bad ids): OTLP `partial_success.rejected_log_records`. */
  rejected: number;
  rejectedReason?: string;
}

export type TracesDecodeResult = TracesDecoded | DecodeFailure;
export type LogsDecodeResult = LogsDecoded | DecodeFailure;

function unsupported(encoding: unknown): DecodeFailure {
  return { ok: false, reason: `unsupported OTLP encoding ${JSON.stringify(String(encoding))}: expected "protobuf" or "json"` };
}

function decodeWith<W, T>(
  body: Uint8Array,
  encoding: OtlpEncoding,
  decoders: { protobuf: (body: Uint8Array) => WireDecoding<W>; json: (body: Uint8Array) => WireDecoding<W> },
  convert: (request: W, rejections: Rejections) => T[],
  noun: string,
): { ok: true; items: T[]; rejected: number; rejectedReason?: string } | DecodeFailure {
  try {
    if (encoding !== 'protobuf' && encoding !== 'json') return unsupported(encoding);
    if (!(body instanceof Uint8Array)) return { ok: false, reason: 'the body is not bytes (a Uint8Array)' };
    const decoded = decoders[encoding](body);
    if (!decoded.ok) return decoded;
    const rejections = new Rejections();
    const items = convert(decoded.request, rejections);
    const rejectedReason = rejections.summary(noun);
    return { ok: true, items, rejected: rejections.count, ...(rejectedReason !== undefined ? { rejectedReason } : {}) };
  } catch (error) {
    return { ok: false, reason: `cannot decode the OTLP ${noun}s: ${messageOf(error)}` };
  }
}

/** An OTLP/HTTP traces body (`ExportTraceServiceRequest`) as spans; never throws. */
export function decodeTraces(body: Uint8Array, encoding: OtlpEncoding): TracesDecodeResult {
  const result = decodeWith(body, encoding, { protobuf: decodeTraceRequestProtobuf, json: decodeTraceRequestJson }, spansOf, 'span');
  if (!result.ok) return result;
  const { items, ...rest } = result;
  return { ...rest, spans: items };
}

/** An OTLP/HTTP logs body (`ExportLogsServiceRequest`) as log records; never throws. */
export function decodeLogs(body: Uint8Array, encoding: OtlpEncoding): LogsDecodeResult {
  const result = decodeWith(body, encoding, { protobuf: decodeLogsRequestProtobuf, json: decodeLogsRequestJson }, logRecordsOf, 'log record');
  if (!result.ok) return result;
  const { items, ...rest } = result;
  return { ...rest, records: items };
}
