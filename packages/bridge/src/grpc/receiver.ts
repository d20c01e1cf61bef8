/**
 * An OTLP/gRPC receiver beside the bridge's OTLP/HTTP one: the unary `Export` methods of
 * `opentelemetry.proto.collector.trace.v1.TraceService` and `...logs.v1.LogsService`, as the
 * OpenTelemetry Collector's `otlp` and `load_balancing` exporters send them. The request bytes go to
 * the bridge's `ingest` as they came (protobuf; decoded there, once), and its protobuf
 * `Export*ServiceResponse` (partial success included) goes back as they came.
 *
 * Plaintext (h2c) only: TLS, where wanted, is the job of the operator's proxy in front of the bridge,
 * as for the OTLP/HTTP side. Compressed requests (`grpc-encoding: gzip` or `deflate`) are taken:
 * @grpc/grpc-js decompresses them, bounded by `maxBodyBytes` (as is the message on the wire).
 */
import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type handleUnaryCall,
  type Metadata,
  type MethodDefinition,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { bearerMatches } from '../http/auth.js';
import type { Ingest, Ingested } from '../ingest.js';
import type { SpoolEntry } from '../spool/index.js';
import { grpcError, grpcErrorOf, type GrpcError } from './status.js';

export interface GrpcReceiverOptions {
  host: string;
  /** 0 = any free port (see the returned `port`). */
  port: number;
  /** When set, every call must carry `authorization: Bearer <token>` metadata. */
  token?: string | undefined;
  /** Bound on a request message, compressed and decompressed. */
  maxBodyBytes: number;
  /** What the receiver feeds: `NexusBridge` (its `admit` and `ingest`). */
  target: Ingest;
}

export interface GrpcReceiver {
  /** The port listened on. */
  port: number;
  /**
   * Stops taking calls (later ones are answered UNAVAILABLE) and waits, at most `waitMillis`
   * (default 10 s), for the calls under way to be answered; then closes every connection.
   */
  close(waitMillis?: number): Promise<void>;
}

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const KEY_METADATA = 'x-nexus-api-key';
const DEFAULT_CLOSE_WAIT_MILLIS = 10_000;

type Bytes = Uint8Array;

/** One unary method whose messages stay bytes both ways: no (de)serialization here. */
function bytesMethod(path: string): MethodDefinition<Bytes, Bytes> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: asBuffer,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: asBuffer,
    responseDeserialize: (bytes: Buffer) => bytes,
  };
}

function asBuffer(bytes: Bytes): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const traceService: ServiceDefinition = { Export: bytesMethod(TRACE_EXPORT_PATH) };
const logsService: ServiceDefinition = { Export: bytesMethod(LOGS_EXPORT_PATH) };

/** Listens; rejects, saying where, when it cannot. */
export async function startGrpcReceiver(options: GrpcReceiverOptions): Promise<GrpcReceiver> {
  const server = new Server({ 'grpc.max_receive_message_length': options.maxBodyBytes });
  let closing: Promise<void> | undefined;
  const calls = new Set<Promise<unknown>>();

  const exportOf = (signal: SpoolEntry['signal']): handleUnaryCall<Bytes, Bytes> => (call, callback) => {
    if (closing) {
      callback(grpcError(GrpcStatus.UNAVAILABLE, 'the bridge is shutting down; retry against another one'));
      return;
    }
    const answer = answerOf(options, signal, call.metadata, call.request).then(
      (result) => ('code' in result ? callback(result) : callback(null, result.response)),
      (error: unknown) => callback(grpcError(GrpcStatus.INTERNAL, `internal error: ${String(error).slice(0, 200)}`)),
    );
    const tracked = answer.finally(() => calls.delete(tracked));
    calls.add(tracked);
  };
  server.addService(traceService, { Export: exportOf('traces') });
  server.addService(logsService, { Export: exportOf('logs') });

  const address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      // Insecure on purpose: TLS is terminated by the operator's proxy (see the file comment).
      server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
  } catch (error) {
    server.forceShutdown();
    throw new Error(`nexus-otel-bridge: cannot listen for OTLP/gRPC on ${address}: ${(error as Error).message}`);
  }

  return {
    port,
    close(waitMillis = DEFAULT_CLOSE_WAIT_MILLIS) {
      closing ??= (async () => {
        const timeUp = new Promise<void>((resolve) => setTimeout(resolve, waitMillis).unref());
        // Graceful: no new connections, GOAWAY on open ones, which close once their calls are answered.
        await Promise.race([new Promise<void>((resolve) => server.tryShutdown(() => resolve())), timeUp]);
        server.forceShutdown();
        await Promise.race([Promise.allSettled([...calls]), timeUp]);
      })();
      return closing;
    },
  };
}

/** The response bytes for one call, or the gRPC status refusing it. */
async function answerOf(options: GrpcReceiverOptions, signal: SpoolEntry['signal'], metadata: Metadata, body: Bytes): Promise<Ingested | GrpcError> {
  if (options.token && !bearerMatches(textOf(metadata, 'authorization'), options.token)) {
    return grpcError(GrpcStatus.UNAUTHENTICATED, 'a bearer token is required (authorization: Bearer <NEXUS_BRIDGE_TOKEN>)');
  }
  const apiKey = textOf(metadata, KEY_METADATA);
  const admitted = options.target.admit(apiKey);
  if (!admitted.ok) return grpcErrorOf(admitted);
  const result = await options.target.ingest({ signal, encoding: 'protobuf', body, ...(apiKey !== undefined ? { apiKey } : {}) });
  return result.ok ? result : grpcErrorOf(result);
}

/** The first value of an ASCII metadata key, trimmed; undefined when absent or blank. */
function textOf(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  const text = (typeof value === 'string' ? value : value?.toString('utf8'))?.trim();
  return text ? text : undefined;
}
