import { ExportLogsServiceResponse, ExportTraceServiceResponse, type LogsResponseMessage, type TraceResponseMessage } from './generated.js';
import type { OtlpEncoding } from './encoding.js';

export interface TraceResponse {
  /** Spans of the request that were not accepted (OTLP `partial_success.rejected_spans`). */
  rejectedSpans: number;
  errorMessage?: string | undefined;
}

export interface LogsResponse {
  /** Log records of the request that were not accepted (OTLP `partial_success.rejected_log_records`). */
  rejectedLogRecords: number;
  errorMessage?: string | undefined;
}

const encoder = new TextEncoder();

function rejectedCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

/**
 * Whether to set `partial_success` (OTLP spec): when something was rejected, or to carry a warning
 * (rejected 0 and a message). A full success leaves it unset.
 */
function wantsPartialSuccess(rejected: number, errorMessage: string | undefined): boolean {
  return rejected > 0 || Boolean(errorMessage);
}

/** An `ExportTraceServiceResponse` body, in the request's encoding, by the generated encoder. */
export function encodeTraceResponse(response: TraceResponse, encoding: OtlpEncoding): Uint8Array {
  const rejected = rejectedCount(response.rejectedSpans);
  const message: TraceResponseMessage = wantsPartialSuccess(rejected, response.errorMessage)
    ? { partialSuccess: { ...(rejected > 0 ? { rejectedSpans: rejected } : {}), ...(response.errorMessage ? { errorMessage: response.errorMessage } : {}) } }
    : {};
  return encoding === 'json'
    ? encoder.encode(JSON.stringify(ExportTraceServiceResponse.fromObject(message).toJSON()))
    : ExportTraceServiceResponse.encode(message).finish();
}

/** An `ExportLogsServiceResponse` body, in the request's encoding, by the generated encoder. */
export function encodeLogsResponse(response: LogsResponse, encoding: OtlpEncoding): Uint8Array {
  const rejected = rejectedCount(response.rejectedLogRecords);
  const message: LogsResponseMessage = wantsPartialSuccess(rejected, response.errorMessage)
    ? { partialSuccess: { ...(rejected > 0 ? { rejectedLogRecords: rejected } : {}), ...(response.errorMessage ? { errorMessage: response.errorMessage } : {}) } }
    : {};
  return encoding === 'json'
    ? encoder.encode(JSON.stringify(ExportLogsServiceResponse.fromObject(message).toJSON()))
    : ExportLogsServiceResponse.encode(message).finish();
}
