import { trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operationIds, spanItems, startIngestionStub, type IngestionStub } from '@nexus-otel/appinsights-local';
import { OPENSSL } from '../../../test-support/requirements.js';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { runAgentTurn } from '../src/agent.js';
import { startWithAzureMonitor } from '../src/azure-monitor-distro.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stub: IngestionStub;
let nexus: NexusLocal;
let key: string;
let distro: { shutdown(): Promise<void> } | undefined;

beforeEach(async () => {
  vi.stubEnv('APPLICATION_INSIGHTS_NO_STATSBEAT', 'true');
  // The distro reads OTEL_TRACES_SAMPLER(_ARG) too; the tests set sampling in code only.
  vi.stubEnv('OTEL_TRACES_SAMPLER', '');
  stub = await startIngestionStub();
  key = generateKey();
  nexus = await startNexusLocal({ keys: { [key]: {} } });
});

afterEach(async () => {
  await distro?.shutdown();
  distro = undefined;
  await stub.close();
  await nexus.close();
  vi.unstubAllEnvs();
});

/** useAzureMonitor pointed at the local endpoints; only what the test is about is left to the caller. */
function start(keepEveryTrace: boolean): void {
  distro = startWithAzureMonitor({
    nexus: { apiKey: key, baseUrl: nexus.url },
    keepEveryTrace,
    azureMonitor: {
      azureMonitorExporterOptions: { connectionString: stub.connectionString, agent: stub.agent, disableOfflineStorage: true },
      resource: resourceFromAttributes({ 'service.name': 'weather-agent' }),
      // Live metrics and metrics are beside the point here, and would only add requests.
      enableLiveMetrics: false,
      enableStandardMetrics: false,
      enablePerformanceCounters: false,
    },
  });
}

/** `count` single-span traces, evenly spread over `millis`: a burst at count/millis traces a second. */
async function burst(count: number, millis: number): Promise<string[]> {
  const tracer = trace.getTracer('burst');
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const span = tracer.startSpan(`invoke_agent burst-${i}`, { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
    ids.push(span.spanContext().traceId);
    span.end();
    await sleep(millis / count);
  }
  return ids;
}

const nexusTraceIds = () => nexus.traces().map((stored) => String((stored.metadata as Record<string, unknown>)['otel_trace_id']));

describe.skipIf(OPENSSL.unmet)('useAzureMonitor({ spanProcessors, logRecordProcessors }) with Nexus beside it', OPENSSL.options, () => {
  it('one run lands in Application Insights and in Nexus, with the same trace id', async () => {
    start(true);
    const { traceId } = await runAgentTurn(trace.getTracer('weather-app'));
    await distro?.shutdown();

    expect(operationIds(stub.envelopes())).toEqual([traceId]);
    expect(spanItems(stub.envelopes())).toHaveLength(4);
    const [stored] = nexus.traces();
    expect(nexus.traces()).toHaveLength(1);
    expect(stored?.name).toBe('invoke_agent weather-agent');
    expect(stored?.spans).toHaveLength(4);
    expect(stored?.metadata).toMatchObject({ otel_trace_id: traceId, service_name: 'weather-agent' });
  });

  it('by default its rate-limited sampler (5 a second) thins a burst of 40 traces at 20 a second, for Nexus too', async () => {
    start(false);
    const started = await burst(40, 2_000);
    await distro?.shutdown();

    const inNexus = nexusTraceIds();
    const inAppInsights = operationIds(stub.envelopes());
    expect(inNexus.length).toBeGreaterThan(0);
    expect(inNexus.length).toBeLessThan(30);
    // Nexus gets exactly what the sampler kept for Application Insights.
    expect(new Set(inNexus)).toEqual(new Set(inAppInsights));
    expect(inNexus.every((id) => started.includes(id))).toBe(true);
  });

  it('tracesPerSecond: 0 with samplingRatio: 1 keeps all 40, in both', async () => {
    start(true);
    const started = await burst(40, 2_000);
    await distro?.shutdown();

    expect(new Set(nexusTraceIds())).toEqual(new Set(started));
    expect(new Set(operationIds(stub.envelopes()))).toEqual(new Set(started));
  });
});
