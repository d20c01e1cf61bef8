import { trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operationIds, startIngestionStub, type IngestionStub } from '@nexus-otel/appinsights-local';
import { OPENSSL } from '../../../test-support/requirements.js';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { startWithAzureMonitor } from '../src/azure-monitor-distro.js';

// A file of its own: the distro reads OTEL_TRACES_SAMPLER once per process (a singleton), and
// vitest gives each test file a fresh module graph.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stub: IngestionStub;
let nexus: NexusLocal;
let key: string;

beforeEach(async () => {
  vi.stubEnv('APPLICATION_INSIGHTS_NO_STATSBEAT', 'true');
  stub = await startIngestionStub();
  key = generateKey();
  nexus = await startNexusLocal({ keys: { [key]: {} } });
});

afterEach(async () => {
  await stub.close();
  await nexus.close();
  vi.unstubAllEnvs();
});

describe.skipIf(OPENSSL.unmet)('useAzureMonitor with OTEL_TRACES_SAMPLER=always_on', OPENSSL.options, () => {
  it('keeps every trace without a code change: the environment wins over the distro\'s default', async () => {
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'always_on');
    const distro = startWithAzureMonitor({
      nexus: { apiKey: key, baseUrl: nexus.url },
      azureMonitor: {
        azureMonitorExporterOptions: { connectionString: stub.connectionString, agent: stub.agent, disableOfflineStorage: true },
        enableLiveMetrics: false,
        enableStandardMetrics: false,
        enablePerformanceCounters: false,
      },
    });
    const tracer = trace.getTracer('burst');
    const started: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const span = tracer.startSpan(`invoke_agent burst-${i}`, { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
      started.push(span.spanContext().traceId);
      span.end();
      await sleep(50);
    }
    await distro.shutdown();

    const inNexus = nexus.traces().map((stored) => String((stored.metadata as Record<string, unknown>)['otel_trace_id']));
    expect(new Set(inNexus)).toEqual(new Set(started));
    expect(new Set(operationIds(stub.envelopes()))).toEqual(new Set(started));
  });
});
