import { enableAzureTracing, type ProjectWithTelemetry } from '@nexus-otel/azure';
import { itemName, operationIdOf, spanItems, startIngestionStub, type IngestionStub } from '@nexus-otel/appinsights-local';
import { generateKey, startNexusLocal, type NexusLocal, type StoredTrace } from '@nexus-otel/local';
import { runAgentTurn, tracerOf } from './agent.js';
import { startHandBuilt } from './hand-built.js';

export interface ExampleRun {
  setup: 'hand-built' | '@nexus-otel/azure';
  traceId: string;
  /** What the local Nexus stored for the run (undefined against the real Nexus). */
  nexus: StoredTrace | undefined;
  /** Span items with this operation id at the local ingestion endpoint (undefined against real Application Insights). */
  appInsightsItems: string[] | undefined;
  /** Whether the run reached each local stand-in that was used. */
  landed: boolean;
}

type Log = (line: string) => void;

/**
 * Runs one agent turn through each dual-export setup and shows where it landed. Without
 * NEXUS_API_KEY, Nexus is `@nexus-otel/local` in this process; without
 * APPLICATIONINSIGHTS_CONNECTION_STRING, Application Insights is `@nexus-otel/appinsights-local`.
 */
export async function runExample(log: Log = console.log): Promise<ExampleRun[]> {
  const env = process.env;
  const realKey = env['NEXUS_API_KEY']?.trim() || undefined;
  const realConnectionString = env['APPLICATIONINSIGHTS_CONNECTION_STRING']?.trim() || undefined;
  const realNexus = realKey !== undefined;
  const key = realKey ?? generateKey();
  const local: NexusLocal | undefined = realNexus ? undefined : await startNexusLocal({ keys: { [key]: {} } });
  // The local endpoint is not Azure: keep the exporter's own usage stats (statsbeat, sent to
  // Microsoft's hosts) off the network. The exporter reads this when it is created.
  if (!realConnectionString) env['APPLICATION_INSIGHTS_NO_STATSBEAT'] ??= 'true';
  const stub: IngestionStub | undefined = realConnectionString ? undefined : await startIngestionStub();
  const connectionString = realConnectionString ?? (stub as IngestionStub).connectionString;
  const nexus = { apiKey: key, ...(local ? { baseUrl: local.url } : {}) };
  // Only the local endpoint needs this: an https.Agent that trusts its self-signed certificate.
  const azureMonitor = stub ? { agent: stub.agent } : {};
  const consoleToo = env['DEMO_CONSOLE'] === '1';

  const runs: ExampleRun[] = [];
  try {
    log('== 1. A hand-built NodeTracerProvider: Azure Monitor + Nexus (+ console) span processors');
    const handBuilt = startHandBuilt({ connectionString, azureMonitor, nexus, console: consoleToo });
    const first = await runAgentTurn(tracerOf());
    await handBuilt.shutdown();
    runs.push(await report('hand-built', first.traceId));

    log('\n== 2. @nexus-otel/azure: enableAzureTracing(project)');
    // A stand-in for `new AIProjectClient(endpoint, credential)`: all the call reads of it is the
    // connection string of the Application Insights resource connected to the project.
    const project: ProjectWithTelemetry = { telemetry: { getApplicationInsightsConnectionString: async () => connectionString } };
    const tracing = await enableAzureTracing(project, { nexus, azureMonitor, console: consoleToo, serviceName: 'weather-agent' });
    const second = await runAgentTurn(tracerOf());
    await tracing.shutdown();
    runs.push(await report('@nexus-otel/azure', second.traceId));
  } finally {
    await stub?.close();
    await local?.close();
  }
  return runs;

  async function report(setup: ExampleRun['setup'], traceId: string): Promise<ExampleRun> {
    log(`OTel trace id ${traceId}`);
    const stored = local?.traces().find((trace) => (trace.metadata as Record<string, unknown> | null)?.['otel_trace_id'] === traceId);
    if (local) {
      if (stored) {
        log(`Nexus: trace "${stored.name}" (${stored.status}), spans ${stored.spans.map((span) => span.name).join(', ')}`);
        log(`       metadata ${stored.metadataText ?? '{}'}`);
      } else log('Nexus: the run did not arrive');
    } else log(`Nexus: sent to ${env['NEXUS_BASE_URL'] ?? 'https://nexus.keylightdigital.dev'}; find the trace whose otel_trace_id is ${traceId}`);

    let items: string[] | undefined;
    if (stub) {
      items = spanItems(stub.envelopes())
        .filter((item) => operationIdOf(item) === traceId)
        .map((item) => `${item.data.baseType === 'RequestData' ? 'request' : 'dependency'} ${itemName(item) ?? '?'}`);
      log(`Application Insights (local ingestion endpoint): ${items.length} items with operation_Id ${traceId}: ${items.join(', ')}`);
    } else log('Application Insights: sent with the connection string of APPLICATIONINSIGHTS_CONNECTION_STRING');
    log(`In Application Insights → Logs: union requests, dependencies | where operation_Id == "${traceId}"`);
    const landed = (!local || stored !== undefined) && (!items || items.length > 0);
    return { setup, traceId, nexus: stored, appInsightsItems: items, landed };
  }
}
