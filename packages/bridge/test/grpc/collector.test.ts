// The OTLP/gRPC receiver behind a real OpenTelemetry Collector's `load_balancing` exporter (the client
// it exists for): gzip, bearer token, and the Collector's retries, which follow the OTLP spec
// (RESOURCE_EXHAUSTED is retried only with RetryInfo, after its delay; INVALID_ARGUMENT never).
// Skipped when the Collector cannot be built (no Go); see test/collector/README.md.
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGrpcReceiver } from '../../src/grpc/receiver.js';
import { decodeTraces } from '../../src/otlp/index.js';
import { buildCollector, type BuildResult } from '../collector/build.js';
import { loadBalancedConfig } from '../collector/configs.js';
import { startCollector } from '../collector/run.js';
import { exportWith, FakeIngest, spansNamed, until } from './helpers.js';

const TOKEN = 'collector-grpc-token';

let build: BuildResult = { ok: false, reason: 'not built yet' };
beforeAll(async () => {
  build = await buildCollector();
}, 20 * 60_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A receiver (token required) behind a load-balancing Collector; spans go in through the Collector. */
async function throughCollector(fake: FakeIngest): Promise<{ send(names: string[]): Promise<void>; logs(): string }> {
  if (!build.ok) throw new Error(build.reason);
  const receiver = await startGrpcReceiver({ host: '127.0.0.1', port: 0, token: TOKEN, maxBodyBytes: 4 * 1024 * 1024, target: fake });
  cleanups.push(() => receiver.close(1_000));
  const collector = await startCollector({
    binary: build.binary,
    config: loadBalancedConfig({
      backends: [`127.0.0.1:${receiver.port}`],
      signals: ['traces'],
      bearerToken: TOKEN,
      compression: 'gzip',
      batchTimeout: '50ms',
      retry: { initialInterval: '100ms', maxInterval: '5s', maxElapsedTime: '30s' },
    }),
  });
  cleanups.push(() => collector.stop());
  const exporter = new OTLPTraceExporter({ url: `http://${collector.otlpGrpcEndpoint}` });
  cleanups.push(() => exporter.shutdown());
  return {
    async send(names) {
      const result = await exportWith(exporter, await spansNamed(names));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
    },
    logs: () => collector.logs(),
  };
}

function spanNamesOf(body: Uint8Array): string[] {
  const decoded = decodeTraces(body, 'protobuf');
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.spans.map((span) => span.name).sort();
}

describe('the OTLP/gRPC receiver behind an OpenTelemetry Collector (load_balancing exporter)', () => {
  it('429 → RESOURCE_EXHAUSTED with RetryInfo 1 s: the Collector retries no sooner than 1 s, and the second call is taken', async (context) => {
    if (!build.ok) return context.skip(build.reason);
    const fake = new FakeIngest();
    fake.ingestAnswers.push({ ok: false, status: 429, message: 'the bridge holds as many spans as it may; retry later', retryAfter: 1 });
    const collector = await throughCollector(fake);
    await collector.send(['routed', 'by trace id']);
    await until(() => fake.entries.length >= 2, 20_000);
    const [first, second] = fake.entries;
    // The Collector read the RetryInfo ("Throttle (1s)") and waits at least that long (the larger of it
    // and its own backoff, 5 s at first for the load-balanced otlp exporter).
    expect(collector.logs()).toMatch(/Throttle \(1s\), error: rpc error: code = ResourceExhausted/);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
    expect(spanNamesOf(second!.body)).toEqual(['by trace id', 'routed']);
    expect(spanNamesOf(first!.body)).toEqual(spanNamesOf(second!.body));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.entries).toHaveLength(2);
    expect(collector.logs()).not.toMatch(/Exporting failed\. (Dropping data|The error is not retryable)/);
  });

  it('400 → INVALID_ARGUMENT: the Collector does not retry', async (context) => {
    if (!build.ok) return context.skip(build.reason);
    const fake = new FakeIngest();
    fake.ingestAnswers.push({ ok: false, status: 400, message: 'cannot decode the OTLP spans: bad wire type' });
    const collector = await throughCollector(fake);
    await collector.send(['undecodable']);
    await until(() => fake.entries.length >= 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(fake.entries).toHaveLength(1);
    expect(collector.logs()).toMatch(/InvalidArgument|cannot decode the OTLP spans/);
  });
});
