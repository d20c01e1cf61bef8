import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { runAzureAgentsExample } from '@nexus-otel/example-azure-agents';
import { generateKey, startNexusLocal, type NexusLocal, type StoredTrace } from '@nexus-otel/local';
import { shouldKeepServing, untilInterrupted } from './hold.js';
import { traceSummary } from './summary.js';

const log = (line: string): void => console.log(`[demo] ${line}`);

function findRun(local: NexusLocal, otelTraceId: string): StoredTrace | undefined {
  return local.traces().find((t) => (t.metadata as Record<string, unknown> | null)?.['otel_trace_id'] === otelTraceId);
}

/**
 * The demo: the azure-agents example (a real @azure/ai-projects agent with code interpreter and a
 * function tool) against the local Foundry stub, exported to the console and to a local Nexus
 * started here, then the URL of that run in the local trace view. With NEXUS_API_KEY set, the same
 * run goes to the real Nexus (NEXUS_BASE_URL, if set) and no local server starts.
 */
export async function runDemo(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  // `env: {}`: always the local Foundry stub, even where AZURE_AI_PROJECT_ENDPOINT is set.
  const example = { console: true, env: {}, log };

  if (env['NEXUS_API_KEY']) {
    const base = env['NEXUS_BASE_URL'] || 'https://nexus.keylightdigital.dev';
    log(`NEXUS_API_KEY is set: the run goes to ${base} (no local server)`);
    const run = await runAzureAgentsExample(example);
    log(`agent answered: ${run.answer}`);
    log(`sent to ${base}: open the Nexus dashboard and find the trace "weather-math-question" (otel_trace_id ${run.traceId} in its metadata)`);
    return;
  }

  const key = generateKey();
  const local = await startNexusLocal({ keys: { [key]: {} } });
  try {
    log(`local Nexus at ${local.url}`);
    const run = await runAzureAgentsExample({ ...example, nexus: { apiKey: key, baseUrl: local.url } });
    log(`agent answered: ${run.answer}`);
    const stored = findRun(local, run.traceId);
    if (!stored) throw new Error(`the run (OTel trace ${run.traceId}) did not reach the local Nexus`);
    console.log(`\n${traceSummary(stored).join('\n')}\n`);
    console.log(`Trace view: ${local.viewUrl(stored.id)}`);
    if (shouldKeepServing(env)) {
      console.log('Serving the local Nexus for the browser; press Ctrl+C to stop.');
      await untilInterrupted();
    }
  } finally {
    await local.close();
  }
}
