// Shared by the OTLP/gRPC receiver tests: a fake ingest target, real SDK spans and log records, the
// real OTLP/gRPC exporters, a raw gRPC client, and an independent decoder of the status details.
import net from 'node:net';
import { Client, credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import type { ExportResult } from '@opentelemetry/core';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import type { Ingest as GrpcIngest, Ingested as GrpcIngested, Refusal as GrpcRefusal } from '../../src/ingest.js';
import type { SpoolEntry as GrpcIngestEntry } from '../../src/spool/index.js';
import { encodeLogsResponse, encodeTraceResponse } from '../../src/otlp/index.js';

export type IngestAnswer = GrpcIngested | GrpcRefusal;
type Admission = ReturnType<GrpcIngest['admit']>;

/** Records every call; answers from its queues, else admits and accepts everything. */
export class FakeIngest implements GrpcIngest {
  readonly admitted: (string | undefined)[] = [];
  readonly entries: (GrpcIngestEntry & { at: number })[] = [];
  readonly admitAnswers: Admission[] = [];
  readonly ingestAnswers: (IngestAnswer | (() => Promise<IngestAnswer>))[] = [];

  admit(apiKey: string | undefined): Admission {
    this.admitted.push(apiKey);
    return this.admitAnswers.shift() ?? { ok: true };
  }

  async ingest(entry: GrpcIngestEntry): Promise<IngestAnswer> {
    this.entries.push({ ...entry, body: Uint8Array.from(entry.body), at: Date.now() });
    const next = this.ingestAnswers.shift();
    if (typeof next === 'function') return next();
    return next ?? accepted(entry.signal);
  }
}

/** What the bridge answers a request it took whole. */
export function accepted(signal: GrpcIngestEntry['signal'], rejected = 0, reason?: string): GrpcIngested {
  const response =
    signal === 'traces'
      ? encodeTraceResponse({ rejectedSpans: rejected, errorMessage: reason }, 'protobuf')
      : encodeLogsResponse({ rejectedLogRecords: rejected, errorMessage: reason }, 'protobuf');
  return { ok: true, response, rejected, ...(reason !== undefined ? { rejectedReason: reason } : {}) };
}

/** Real SDK spans with these names (and, when given, a `payload` attribute on each). */
export async function spansNamed(names: string[], payload?: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('grpc-receiver-test');
  for (const name of names) {
    const span = tracer.startSpan(name);
    if (payload !== undefined) span.setAttribute('payload', payload);
    span.end();
  }
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

/** Real SDK log records with these bodies. */
export async function logRecords(bodies: string[]): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger('grpc-receiver-test');
  for (const body of bodies) logger.emit({ body });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

interface Exporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
}

export function exportWith<T>(exporter: Exporter<T>, items: T[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items, resolve));
}

export interface RawAnswer {
  error: ServiceError | null;
  response: Buffer | undefined;
}

/** One unary call with a plain gRPC client: bytes in, bytes (or the error with its trailers) out. */
export function rawCall(port: number, path: string, body: Uint8Array, metadata?: Metadata): Promise<RawAnswer> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise<RawAnswer>((resolve) => {
    const done = (error: ServiceError | null, response?: Buffer): void => {
      client.close();
      resolve({ error, response });
    };
    const identity = (bytes: Buffer): Buffer => bytes;
    const args = [path, (bytes: Uint8Array) => Buffer.from(bytes), identity, body] as const;
    if (metadata) client.makeUnaryRequest(...args, metadata, done);
    else client.makeUnaryRequest(...args, done);
  });
}

// Parsed from .proto text, independently of the reflection-built types the receiver encodes with.
const detailsRoot = protobuf.parse(
  `syntax = "proto3";
   package check;
   message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
   message Any { string type_url = 1; bytes value = 2; }
   message RetryInfo { Duration retry_delay = 1; }
   message Duration { int64 seconds = 1; int32 nanos = 2; }`,
  { keepCase: true },
).root;

export interface StatusDetails {
  code: number;
  message: string;
  details: { type_url: string; retryDelay?: { seconds: number; nanos: number } }[];
}

/** The `google.rpc.Status` in an error's `grpc-status-details-bin` trailer (RetryInfo details decoded). */
export function statusDetailsOf(error: ServiceError): StatusDetails | undefined {
  const raw = error.metadata?.get('grpc-status-details-bin')[0];
  if (raw === undefined) return undefined;
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw;
  const toPlain = { longs: Number, defaults: true, arrays: true } as const;
  const status = detailsRoot.lookupType('check.Status').toObject(detailsRoot.lookupType('check.Status').decode(bytes), toPlain) as {
    code: number;
    message: string;
    details: { type_url: string; value: Uint8Array }[];
  };
  const retryInfo = detailsRoot.lookupType('check.RetryInfo');
  return {
    code: status.code,
    message: status.message,
    details: status.details.map((any) => {
      if (!any.type_url.endsWith('/google.rpc.RetryInfo')) return { type_url: any.type_url };
      const info = retryInfo.toObject(retryInfo.decode(any.value), toPlain) as { retry_delay: { seconds: number; nanos: number } };
      return { type_url: any.type_url, retryDelay: info.retry_delay };
    }),
  };
}

/** A TCP relay to 127.0.0.1:`target` counting the bytes sent towards it (the compressed size on the wire). */
export async function countingRelay(target: number): Promise<{ port: number; bytesUp(): number; close(): Promise<void> }> {
  let up = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => {
      up += chunk.length;
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    bytesUp: () => up,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
