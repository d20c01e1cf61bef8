import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { NexusBridge } from '../../src/bridge.js';
import { LOGS_EXPORT_PATH, startGrpcReceiver, TRACE_EXPORT_PATH, type GrpcReceiver, type GrpcReceiverOptions } from '../../src/grpc/receiver.js';
import type { Ingest as GrpcIngest } from '../../src/ingest.js';
import { grpcCodeOf } from '../../src/grpc/status.js';
import { decodeLogs, decodeTraces } from '../../src/otlp/index.js';
import { accepted, countingRelay, exportWith, FakeIngest, logRecords, rawCall, spansNamed, statusDetailsOf, until, type IngestAnswer } from './helpers.js';

const TOKEN = 'grpc-test-token';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
// The exporters type it as an enum of a package they do not re-export; its value is the string.
const GZIP = 'gzip' as NonNullable<NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>['compression']>;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function receiver(options: Partial<GrpcReceiverOptions> = {}): Promise<{ fake: FakeIngest; receiver: GrpcReceiver; url: string }> {
  const fake = new FakeIngest();
  const started = await startGrpcReceiver({ host: '127.0.0.1', port: 0, maxBodyBytes: 4 * 1024 * 1024, target: fake, ...options });
  cleanups.push(() => started.close(1_000));
  return { fake, receiver: started, url: `http://127.0.0.1:${started.port}` };
}

function traceExporter(config: ConstructorParameters<typeof OTLPTraceExporter>[0]): OTLPTraceExporter {
  const exporter = new OTLPTraceExporter({ timeoutMillis: 10_000, ...config });
  cleanups.push(() => exporter.shutdown());
  return exporter;
}

function metadataOf(entries: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

function spanNamesOf(body: Uint8Array): string[] {
  const decoded = decodeTraces(body, 'protobuf');
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.spans.map((span) => span.name).sort();
}

function codeOf(error: Error | undefined): number | undefined {
  return (error as Partial<ServiceError> | undefined)?.code;
}

describe('the OTLP/gRPC receiver, with the OpenTelemetry JS OTLP/gRPC exporters', () => {
  it('hands the trace request bytes to ingest as protobuf, once, and the export succeeds', async () => {
    const { fake, url } = await receiver();
    const result = await exportWith(traceExporter({ url }), await spansNamed(['checkout', 'charge card']));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(fake.admitted).toEqual([undefined]);
    expect(fake.entries).toHaveLength(1);
    const [entry] = fake.entries;
    expect(entry).toMatchObject({ signal: 'traces', encoding: 'protobuf' });
    expect(entry).not.toHaveProperty('apiKey');
    expect(spanNamesOf(entry!.body)).toEqual(['charge card', 'checkout']);
  });

  it('takes the logs service too', async () => {
    const { fake, url } = await receiver();
    const exporter = new OTLPLogExporter({ url });
    cleanups.push(() => exporter.shutdown());
    const result = await exportWith(exporter, await logRecords(['first line', 'second line']));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(fake.entries).toHaveLength(1);
    expect(fake.entries[0]).toMatchObject({ signal: 'logs', encoding: 'protobuf' });
    const decoded = decodeLogs(fake.entries[0]!.body, 'protobuf');
    expect(decoded.ok && decoded.records.map((record) => record.body)).toEqual(['first line', 'second line']);
  });

  it('takes gzip-compressed requests (the exporter’s compression: gzip), compressed on the wire', async () => {
    const { fake, receiver: started } = await receiver();
    const relay = await countingRelay(started.port);
    cleanups.push(() => relay.close());
    const payload = 'the same words again and again; '.repeat(8_000); // 256 KB, compresses to ~1 KB
    const exporter = traceExporter({ url: `http://127.0.0.1:${relay.port}`, compression: GZIP });
    const result = await exportWith(exporter, await spansNamed(['big'], payload));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(fake.entries).toHaveLength(1);
    expect(spanNamesOf(fake.entries[0]!.body)).toEqual(['big']);
    expect(fake.entries[0]!.body.byteLength).toBeGreaterThan(payload.length);
    expect(relay.bytesUp()).toBeLessThan(payload.length / 10);
  });

  it('requires the bearer token when one is set: UNAUTHENTICATED, and neither admit nor ingest is asked', async () => {
    const { fake, url } = await receiver({ token: TOKEN });
    const spans = await spansNamed(['guarded']);

    const without = await exportWith(traceExporter({ url }), spans);
    expect(without.code).toBe(ExportResultCode.FAILED);
    expect(codeOf(without.error)).toBe(GrpcStatus.UNAUTHENTICATED);

    const wrong = await exportWith(traceExporter({ url, metadata: metadataOf({ authorization: 'Bearer not-the-token' }) }), spans);
    expect(codeOf(wrong.error)).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(fake.admitted).toEqual([]);
    expect(fake.entries).toEqual([]);

    const right = await exportWith(traceExporter({ url, metadata: metadataOf({ authorization: `Bearer ${TOKEN}` }) }), spans);
    expect(right.code).toBe(ExportResultCode.SUCCESS);
    expect(fake.entries).toHaveLength(1);
  });

  it('passes x-nexus-api-key to admit and ingest', async () => {
    const { fake, url } = await receiver();
    const result = await exportWith(traceExporter({ url, metadata: metadataOf({ 'x-nexus-api-key': 'tenant-key-1' }) }), await spansNamed(['keyed']));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(fake.admitted).toEqual(['tenant-key-1']);
    expect(fake.entries[0]?.apiKey).toBe('tenant-key-1');
  });

  it('answers with ingest’s response bytes: a partial success reaches the exporter', async () => {
    const { fake, url, receiver: started } = await receiver();
    const partial = accepted('traces', 2, '2 spans have invalid ids');
    fake.ingestAnswers.push(partial, partial);

    const raw = await rawCall(started.port, TRACE_EXPORT_PATH, Uint8Array.of());
    expect(raw.error).toBeNull();
    expect(Buffer.from(partial.response).equals(raw.response!)).toBe(true);

    const warnings: string[] = [];
    diag.setLogger({ error: () => {}, warn: (...args: unknown[]) => warnings.push(args.join(' ')), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
    cleanups.push(async () => diag.disable());
    const result = await exportWith(traceExporter({ url }), await spansNamed(['half']));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(warnings.join('\n')).toMatch(/Partial Success.*2 spans have invalid ids/);
  });

  it('429 → RESOURCE_EXHAUSTED with RetryInfo; the JS exporter reports failure (it retries no gRPC status)', async () => {
    const { fake, url, receiver: started } = await receiver();
    fake.admitAnswers.push({ ok: false, status: 429, message: 'the bridge holds as many spans as it may; retry later', retryAfter: 1 });

    const raw = await rawCall(started.port, TRACE_EXPORT_PATH, Uint8Array.of());
    expect(raw.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(raw.error?.details).toBe('the bridge holds as many spans as it may; retry later');
    expect(statusDetailsOf(raw.error!)).toEqual({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      message: 'the bridge holds as many spans as it may; retry later',
      details: [{ type_url: RETRY_INFO, retryDelay: { seconds: 1, nanos: 0 } }],
    });
    expect(fake.entries).toHaveLength(0);

    // @opentelemetry/exporter-trace-otlp-grpc (0.223) sends once and reports any gRPC error as a
    // failure; the Collector's exporters do retry (collector.test.ts).
    fake.ingestAnswers.push({ ok: false, status: 429, message: 'too many Nexus keys in use at once', retryAfter: 1 });
    const result = await exportWith(traceExporter({ url }), await spansNamed(['throttled']));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(codeOf(result.error)).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(fake.entries).toHaveLength(1);
  });

  it('400 → INVALID_ARGUMENT without RetryInfo: one call, the export fails', async () => {
    const { fake, url } = await receiver();
    fake.ingestAnswers.push({ ok: false, status: 400, message: 'cannot decode the OTLP spans: bad wire type' });
    const result = await exportWith(traceExporter({ url }), await spansNamed(['broken']));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(codeOf(result.error)).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(statusDetailsOf(result.error as ServiceError)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.entries).toHaveLength(1);
  });

  it('503 → UNAVAILABLE with RetryInfo; 401 from admit → UNAUTHENTICATED', async () => {
    const { fake, receiver: started } = await receiver();
    fake.ingestAnswers.push({ ok: false, status: 503, message: 'not stored (full): the spool is full', retryAfter: 5 });
    const unavailable = await rawCall(started.port, LOGS_EXPORT_PATH, Uint8Array.of());
    expect(unavailable.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(statusDetailsOf(unavailable.error!)?.details).toEqual([{ type_url: RETRY_INFO, retryDelay: { seconds: 5, nanos: 0 } }]);
    expect(fake.entries[0]?.signal).toBe('logs');

    fake.admitAnswers.push({ ok: false, status: 401, message: 'no Nexus key: send it in the x-nexus-api-key header' });
    const unauthenticated = await rawCall(started.port, LOGS_EXPORT_PATH, Uint8Array.of());
    expect(unauthenticated.error?.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(unauthenticated.error?.details).toBe('no Nexus key: send it in the x-nexus-api-key header');
  });

  it('maps every refusal status per the OTLP spec', () => {
    expect([400, 401, 413, 415, 429, 503, 500].map(grpcCodeOf)).toEqual([
      GrpcStatus.INVALID_ARGUMENT,
      GrpcStatus.UNAUTHENTICATED,
      GrpcStatus.INVALID_ARGUMENT,
      GrpcStatus.INVALID_ARGUMENT,
      GrpcStatus.RESOURCE_EXHAUSTED,
      GrpcStatus.UNAVAILABLE,
      GrpcStatus.INTERNAL,
    ]);
  });

  it('a 429 without retryAfter still carries RetryInfo (1 s), so that it stays retryable', async () => {
    const { fake, receiver: started } = await receiver();
    fake.admitAnswers.push({ ok: false, status: 429, message: 'busy' });
    const raw = await rawCall(started.port, TRACE_EXPORT_PATH, Uint8Array.of());
    expect(statusDetailsOf(raw.error!)?.details).toEqual([{ type_url: RETRY_INFO, retryDelay: { seconds: 1, nanos: 0 } }]);
  });

  it('answers INTERNAL when ingest throws', async () => {
    const { fake, receiver: started } = await receiver();
    fake.ingestAnswers.push(() => Promise.reject(new Error('disk on fire')));
    const raw = await rawCall(started.port, TRACE_EXPORT_PATH, Uint8Array.of());
    expect(raw.error?.code).toBe(GrpcStatus.INTERNAL);
    expect(raw.error?.details).toMatch(/disk on fire/);
  });

  it('refuses messages over maxBodyBytes, on the wire and once decompressed, before ingest', async () => {
    const { fake, url } = await receiver({ maxBodyBytes: 4_096 });
    const plain = await exportWith(traceExporter({ url }), await spansNamed(['large'], 'x'.repeat(10_000)));
    expect(codeOf(plain.error)).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    const gzipped = await exportWith(traceExporter({ url, compression: GZIP }), await spansNamed(['bomb'], 'x'.repeat(50_000)));
    expect(codeOf(gzipped.error)).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(fake.entries).toHaveLength(0);
  });

  it('on close: answers the call under way, then UNAVAILABLE', async () => {
    const { fake, url, receiver: started } = await receiver();
    let release!: (answer: IngestAnswer) => void;
    fake.ingestAnswers.push(() => new Promise<IngestAnswer>((resolve) => (release = resolve)));
    const exporter = traceExporter({ url });
    const first = exportWith(exporter, await spansNamed(['in flight']));
    await until(() => fake.entries.length === 1);

    const closed = started.close();
    const later = await rawCall(started.port, TRACE_EXPORT_PATH, Uint8Array.of());
    expect(later.error?.code).toBe(GrpcStatus.UNAVAILABLE);
    release(accepted('traces'));
    expect((await first).code).toBe(ExportResultCode.SUCCESS);
    await closed;
    const after = await exportWith(exporter, await spansNamed(['too late']));
    expect(codeOf(after.error)).toBe(GrpcStatus.UNAVAILABLE);
    expect(fake.entries).toHaveLength(1);
  });

  it('rejects when it cannot listen', async () => {
    const { receiver: taken } = await receiver();
    await expect(startGrpcReceiver({ host: '127.0.0.1', port: taken.port, maxBodyBytes: 1024, target: new FakeIngest() })).rejects.toThrow(
      /cannot listen for OTLP\/gRPC on 127\.0\.0\.1:\d+/,
    );
  });

  it('NexusBridge is a GrpcIngest', () => {
    expectTypeOf<NexusBridge>().toMatchTypeOf<GrpcIngest>();
  });
});
