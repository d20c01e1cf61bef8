/**
 * The bridge's refusals (HTTP statuses, as OTLP/HTTP answers them) as OTLP/gRPC statuses, following
 * https://opentelemetry.io/docs/specs/otlp/#failures : a client retries UNAVAILABLE (and a few codes
 * the bridge never sends), and RESOURCE_EXHAUSTED only when the status carries a `google.rpc.RetryInfo`
 * detail; every other code is final. The retry delay travels as the gRPC rich-error trailer
 * `grpc-status-details-bin`, a serialized `google.rpc.Status` whose details hold the `RetryInfo`.
 */
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/** A request not taken: the fields of the bridge's `Refusal` this mapping reads. */
export interface RefusalLike {
  status: number;
  message: string;
  /** Seconds to wait before retrying. */
  retryAfter?: number | undefined;
}

/** The status a unary gRPC handler answers with: code, message and trailers. */
export interface GrpcError {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';
/** The delay a 429 without its own is given, so that it stays retryable (as HTTP 429 always is). */
const DEFAULT_THROTTLE_SECONDS = 1;

// The few well-known messages the trailer needs, built by reflection (field numbers as in
// google/rpc/status.proto, google/rpc/error_details.proto, google/protobuf/{any,duration}.proto).
const wellKnown = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            RetryInfo: { fields: { retry_delay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
      },
    },
  },
});
const StatusType = wellKnown.lookupType('google.rpc.Status');
const RetryInfoType = wellKnown.lookupType('google.rpc.RetryInfo');

/** The gRPC code a refusal with this HTTP status gets. */
export function grpcCodeOf(httpStatus: number): GrpcStatus {
  switch (httpStatus) {
    case 400: // undecodable request
    case 415: // (not reachable over gRPC: the content type is fixed)
      return GrpcStatus.INVALID_ARGUMENT;
    case 413:
      // Too large is final: INVALID_ARGUMENT, which no OTLP client version retries (RESOURCE_EXHAUSTED
      // without RetryInfo is final too by the current spec, but older clients retried it).
      return GrpcStatus.INVALID_ARGUMENT;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.INTERNAL;
  }
}

/**
 * The gRPC error for a refusal: 429 → RESOURCE_EXHAUSTED with RetryInfo (its `retryAfter`, else
 * 1 s, so that it stays retryable), 503 → UNAVAILABLE with RetryInfo when `retryAfter` is set.
 */
export function grpcErrorOf(refusal: RefusalLike): GrpcError {
  const code = grpcCodeOf(refusal.status);
  const retryAfter = refusal.status === 429 ? (refusal.retryAfter ?? DEFAULT_THROTTLE_SECONDS) : refusal.status === 503 ? refusal.retryAfter : undefined;
  return grpcError(code, refusal.message, retryAfter);
}

/** A gRPC error with this code and message, and a RetryInfo of `retryAfterSeconds` when given. */
export function grpcError(code: GrpcStatus, message: string, retryAfterSeconds?: number): GrpcError {
  const metadata = new Metadata();
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    metadata.set(STATUS_DETAILS_KEY, statusDetails(code, message, retryAfterSeconds));
  }
  return { code, details: message, metadata };
}

/** A serialized `google.rpc.Status{code, message, details: [Any(RetryInfo{retry_delay})]}`. */
export function statusDetails(code: GrpcStatus, message: string, retryAfterSeconds: number): Buffer {
  const whole = Math.floor(retryAfterSeconds);
  const nanos = Math.round((retryAfterSeconds - whole) * 1e9);
  const retryInfo = RetryInfoType.encode(RetryInfoType.create({ retry_delay: { seconds: whole, nanos } })).finish();
  const status = StatusType.encode(
    StatusType.create({ code, message, details: [{ type_url: RETRY_INFO_TYPE_URL, value: retryInfo }] }),
  ).finish();
  return Buffer.from(status.buffer, status.byteOffset, status.byteLength);
}
