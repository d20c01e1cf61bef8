import { createTracingClient } from '@azure/core-tracing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { itemName, operationIdOf, operationIds, spanItems, startIngestionStub, type IngestionStub } from '@nexus-otel/appinsights-local';
import { OPENSSL } from '../../../test-support/requirements.js';
import { enableAzureTracing, type AzureTracing, type ProjectWithTelemetry } from '../src/index.js';
import { runAgentTurn, tracerOf } from './agent-turn.js';

/** What `AIProjectClient` answers, without Azure: a connection string, or the 404 of a project with none. */
function fakeProject(connectionString: string | undefined): ProjectWithTelemetry {
  return {
    telemetry: {
      getApplicationInsightsConnectionString: async () => {
        if (connectionString === undefined) throw Object.assign(new Error('No Application Insights connection found.'), { statusCode: 404 });
        return connectionString;
      },
    },
  };
}

let stub: IngestionStub;
let nexus: NexusLocal;
let key: string;
let tracing: AzureTracing | undefined;
let notices: string[];

beforeEach(async () => {
  // The Azure exporter's own usage stats go to Microsoft hosts, not to the stub.
  vi.stubEnv('APPLICATION_INSIGHTS_NO_STATSBEAT', 'true');
  vi.stubEnv('NEXUS_API_KEY', '');
  vi.stubEnv('APPLICATIONINSIGHTS_CONNECTION_STRING', '');
  stub = await startIngestionStub();
  key = generateKey();
  nexus = await startNexusLocal({ keys: { [key]: {} } });
  notices = [];
});

afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  await stub.close();
  await nexus.close();
  vi.unstubAllEnvs();
});

const options = (withNexus: boolean) => ({
  ...(withNexus ? { nexus: { apiKey: key, baseUrl: nexus.url } } : {}),
  // Trust for the stub's self-signed certificate, for this exporter only; no offline retry files.
  azureMonitor: { agent: stub.agent, disableOfflineStorage: true },
  serviceName: 'weather-agent',
  onNotice: (line: string) => notices.push(line),
});

describe.skipIf(OPENSSL.unmet)('enableAzureTracing(project)', OPENSSL.options, () => {
  it('one run lands in Nexus and in the project\'s Application Insights, and the Nexus trace names its operation id', async () => {
    tracing = await enableAzureTracing(fakeProject(stub.connectionString), options(true));
    expect(tracing.destinations).toEqual({ nexus: true, applicationInsights: true, console: false });

    const traceId = await runAgentTurn(tracerOf());
    await tracing.shutdown();

    const [trace] = nexus.traces();
    expect(nexus.traces()).toHaveLength(1);
    expect(trace?.name).toBe('invoke_agent weather-agent');
    expect(trace?.agentName).toBe('weather-agent');
    expect(trace?.metadata).toMatchObject({
      otel_trace_id: traceId,
      appinsights_operation_id: traceId,
      appinsights_query: `union requests, dependencies, traces, exceptions | where operation_Id == "${traceId}" | order by timestamp asc`,
    });

    const items = stub.envelopes();
    expect(operationIds(items)).toEqual([traceId]);
    expect(spanItems(items).map(itemName).sort()).toEqual(['chat gpt-4o', 'execute_tool get_weather', 'invoke_agent weather-agent']);
    expect(spanItems(items).every((item) => item.tags['ai.cloud.role'] === 'weather-agent')).toBe(true);
    // The log pipeline goes to Application Insights too, in the same operation.
    const message = items.find((item) => item.data.baseType === 'MessageData');
    expect(message && itemName(message)).toBe('answered the weather question');
    expect(message && operationIdOf(message)).toBe(traceId);
    expect(notices).toEqual([]);
  });

  it('Azure SDK client calls become spans of the run (the Azure SDK instrumentation, also under ESM)', async () => {
    tracing = await enableAzureTracing(fakeProject(stub.connectionString), options(true));
    // What every Azure SDK client does around an operation: a span through @azure/core-tracing.
    const client = createTracingClient({ namespace: 'Microsoft.CognitiveServices', packageName: '@azure/ai-projects', packageVersion: '2.10.0' });
    const traceId = await tracerOf().startActiveSpan('invoke_agent weather-agent', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } }, async (root) => {
      await client.withSpan('AIProjectClient.getAgent', {}, async () => 'agent');
      root.end();
      return root.spanContext().traceId;
    });
    await tracing.shutdown();

    const sdkSpan = spanItems(stub.envelopes()).find((item) => itemName(item) === 'AIProjectClient.getAgent');
    expect(sdkSpan && operationIdOf(sdkSpan)).toBe(traceId);
  });

  it('without a connection string: Nexus only, said in one line', async () => {
    tracing = await enableAzureTracing(fakeProject(undefined), options(true));
    expect(tracing.destinations).toEqual({ nexus: true, applicationInsights: false, console: false });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^\[@nexus-otel\/azure\] Application Insights is off: the project has no Application Insights connection string \(No Application Insights connection found\.\)\. .*Exporting to Nexus only\.$/);

    const traceId = await runAgentTurn(tracerOf());
    await tracing.shutdown();

    const [trace] = nexus.traces();
    expect(trace?.metadata).toMatchObject({ otel_trace_id: traceId });
    expect(trace?.metadata).not.toHaveProperty('appinsights_operation_id');
    expect(stub.envelopes()).toEqual([]);
  });

  it('the environment\'s APPLICATIONINSIGHTS_CONNECTION_STRING stands in for a project without one, and says so', async () => {
    vi.stubEnv('APPLICATIONINSIGHTS_CONNECTION_STRING', stub.connectionString);
    tracing = await enableAzureTracing(fakeProject(undefined), options(true));
    expect(tracing.destinations.applicationInsights).toBe(true);
    expect(notices).toEqual([expect.stringMatching(/no Application Insights connection string .*; using APPLICATIONINSIGHTS_CONNECTION_STRING\.$/)]);
    const traceId = await runAgentTurn(tracerOf());
    await tracing.shutdown();
    expect(operationIds(stub.envelopes())).toEqual([traceId]);
    expect(nexus.traces()[0]?.metadata).toMatchObject({ appinsights_operation_id: traceId });
  });

  it('without NEXUS_API_KEY: Application Insights only, said in one line', async () => {
    tracing = await enableAzureTracing(fakeProject(stub.connectionString), options(false));
    expect(tracing.destinations).toEqual({ nexus: false, applicationInsights: true, console: false });
    expect(notices).toEqual(['[@nexus-otel/azure] NEXUS_API_KEY is not set: exporting to Application Insights only.']);

    const traceId = await runAgentTurn(tracerOf());
    await tracing.shutdown();

    expect(operationIds(stub.envelopes())).toEqual([traceId]);
    expect(nexus.traces()).toEqual([]);
  });

  it('NEXUS_API_KEY from the environment is enough for Nexus', async () => {
    vi.stubEnv('NEXUS_API_KEY', key);
    vi.stubEnv('NEXUS_BASE_URL', nexus.url);
    tracing = await enableAzureTracing(fakeProject(stub.connectionString), options(false));
    expect(tracing.destinations.nexus).toBe(true);
    const traceId = await runAgentTurn(tracerOf());
    await tracing.shutdown();
    expect(nexus.traces()[0]?.metadata).toMatchObject({ appinsights_operation_id: traceId });
  });

  it('a connection string the Azure exporter refuses: Nexus only, said in one line, nothing thrown', async () => {
    tracing = await enableAzureTracing(fakeProject('InstrumentationKey=not-a-guid;IngestionEndpoint=https://127.0.0.1:1/'), options(true));
    expect(tracing.destinations).toEqual({ nexus: true, applicationInsights: false, console: false });
    expect(notices).toEqual([expect.stringMatching(/Application Insights is off: the Azure Monitor exporter refused the connection string \(Invalid instrumentation key.*Exporting to Nexus only\.$/)]);
  });
});
