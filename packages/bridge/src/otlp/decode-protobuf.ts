import { ExportLogsServiceRequest, ExportTraceServiceRequest } from './generated.js';
import { messageOf } from './rejections.js';
import type { WireLogsRequest, WireTraceRequest } from './wire.js';

export type WireDecoding<T> = { ok: true; request: T } | { ok: false; reason: string };

/** An OTLP/HTTP protobuf body (`application/x-protobuf`) as an `ExportTraceServiceRequest`, by the generated decoder. */
export function decodeTraceRequestProtobuf(body: Uint8Array): WireDecoding<WireTraceRequest> {
  try {
    return { ok: true, request: ExportTraceServiceRequest.decode(body) };
  } catch (error) {
    return { ok: false, reason: `invalid protobuf ExportTraceServiceRequest: ${messageOf(error)}` };
  }
}

/** An OTLP/HTTP protobuf body as an `ExportLogsServiceRequest`, by the generated decoder. */
export function decodeLogsRequestProtobuf(body: Uint8Array): WireDecoding<WireLogsRequest> {
  try {
    return { ok: true, request: ExportLogsServiceRequest.decode(body) };
  } catch (error) {
    return { ok: false, reason: `invalid protobuf ExportLogsServiceRequest: ${messageOf(error)}` };
  }
}
