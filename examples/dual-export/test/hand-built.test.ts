import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { itemName, operationIds, spanItems, startIngestionStub, type IngestionStub } from '@nexus-otel/appinsights-local';
import { OPENSSL } from '../../../test-support/requirements.js';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { runAgentTurn, tracerOf } from '../src/agent.js';
import { startHandBuilt, type HandBuilt } from '../src/hand-built.js';

let stub: IngestionStub;
let nexus: NexusLocal;
let key: string;
let setup: HandBuilt | undefined;

beforeEach(async () => {
  vi.stubEnv('APPLICATION_INSIGHTS_NO_STATSBEAT', 'true');
  stub = await startIngestionStub();
  key = generateKey();
  nexus = await startNexusLocal({ keys: { [key]: {} } });
});

afterEach(async () => {
  await setup?.shutdown();
  setup = undefined;
  await stub.close();
  await nexus.close();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe.skipIf(OPENSSL.unmet)('a hand-built NodeTracerProvider: AzureMonitorTraceExporter + NexusSpanExporter + ConsoleSpanExporter', OPENSSL.options, () => {
  it('one run lands in Application Insights, Nexus and the console with the same trace id', async () => {
    const printed: unknown[] = [];
    vi.spyOn(console, 'dir').mockImplementation((value: unknown) => void printed.push(value));
    setup = startHandBuilt({
      connectionString: stub.connectionString,
      azureMonitor: { agent: stub.agent, disableOfflineStorage: true },
      nexus: { apiKey: key, baseUrl: nexus.url },
      console: true,
    });

    const { traceId } = await runAgentTurn(tracerOf());
    await setup.shutdown();

    // Nexus: one trace, the run's spans, the OTel trace id in its metadata.
    const traces = nexus.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0]?.name).toBe('invoke_agent weather-agent');
    expect(traces[0]?.spans.map((span) => span.name).sort()).toEqual(['chat gpt-4o', 'chat gpt-4o', 'execute_tool get_weather', 'invoke_agent weather-agent']);
    expect(traces[0]?.metadata).toMatchObject({ otel_trace_id: traceId, service_name: 'weather-agent' });

    // Application Insights: every span an item whose operation_Id (ai.operation.id) is that trace id.
    const items = spanItems(stub.envelopes());
    expect(operationIds(items)).toEqual([traceId]);
    expect(items.map(itemName).sort()).toEqual(['chat gpt-4o', 'chat gpt-4o', 'execute_tool get_weather', 'invoke_agent weather-agent']);
    expect(items.every((item) => item.tags['ai.cloud.role'] === 'weather-agent')).toBe(true);

    // The console: the same four spans, the same trace id.
    const consoleSpans = printed as Array<{ traceId?: string; name?: string }>;
    expect(consoleSpans).toHaveLength(4);
    expect(new Set(consoleSpans.map((span) => span.traceId))).toEqual(new Set([traceId]));
  });

  it('without a Nexus key the Application Insights side is untouched', async () => {
    vi.stubEnv('NEXUS_API_KEY', '');
    setup = startHandBuilt({ connectionString: stub.connectionString, azureMonitor: { agent: stub.agent, disableOfflineStorage: true } });
    const { traceId } = await runAgentTurn(tracerOf());
    await setup.shutdown();
    expect(operationIds(stub.envelopes())).toEqual([traceId]);
    expect(spanItems(stub.envelopes())).toHaveLength(4);
    expect(nexus.traces()).toEqual([]);
  });
});
