import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { runAzureAgentsExample } from '@nexus-otel/example-azure-agents';
import { generateKey, startNexusLocal, type NexusLocal, type StoredTrace } from '@nexus-otel/local';
import { exitReason, howToKeepServing, untilInterrupted } from './hold.js';
import type { DemoOptions } from './options.js';
import { traceSummary } from './summary.js';

const log = (line: string): void => console.log(`[demo] ${line}`);

function findRun(local: NexusLocal, otelTraceId: string): StoredTrace | undefined {
  return local.traces().find((t) => (t.metadata as Record<string, unknown> | null)?.['otel_trace_id'] === otelTraceId);
}

/**
 * The demo: the azure-agents example (a real @azure/ai-projects agent with code interpreter and a
 * function tool) against the local Foundry stub, exported to a local Nexus started here (and with
 * --console to the console), then the run as Nexus stored it and the URL of its trace view, served
 * until Ctrl+C / SIGTERM. With NEXUS_API_KEY set, the same run goes to the real Nexus
 * (NEXUS_BASE_URL, if set) and no local server starts.
 */
export async function runDemo(options: DemoOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  // `env: {}`: always the local Foundry stub, even where AZURE_AI_PROJECT_ENDPOINT is set.
  const example = { console: options.console, env: {}, log };

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
    // The summary replaced the span dump; say where it went.
    if (!options.console) log('to also print every span as the OTel console exporter does: npm run demo -- --console');
    const reason = exitReason(options, env);
    if (reason) {
      log(`exiting (${reason}): the trace view stops with the demo; ${howToKeepServing(reason)}`);
    } else {
      const stopped = untilInterrupted();
      log(`serving the trace view at ${local.url} until Ctrl+C / SIGTERM`);
      log(`stopped (${await stopped})`);
    }
  } finally {
    await local.close();
  }
}
