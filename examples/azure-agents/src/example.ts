import type { NexusExporterOptions } from '@nexus-otel/exporter';
import { runWeatherMathAgent } from './agent.js';
import { connectProject } from './project.js';
import { startTracing } from './tracing.js';

export interface AzureAgentsExampleOptions {
  /** Nexus exporter options; what is not given comes from NEXUS_API_KEY, NEXUS_BASE_URL… */
  nexus?: NexusExporterOptions;
  /** Also print every span with the console exporter. */
  console?: boolean;
  /** Where AZURE_AI_PROJECT_ENDPOINT and AZURE_AI_MODEL_DEPLOYMENT_NAME are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Told where the run goes, before it starts. */
  log?: (line: string) => void;
}

export interface AzureAgentsExampleResult {
  answer: string;
  /** The OTel trace id of the run (`otel_trace_id` in the Nexus trace's metadata). */
  traceId: string;
}

/**
 * The whole example: tracing on, one agent run against Azure or the local stub, and everything
 * flushed before it returns, so the run is in Nexus when the promise resolves. Needs Node >= 22
 * (and >= 22.19 for the local stub): see node-support.ts.
 */
export async function runAzureAgentsExample(options: AzureAgentsExampleOptions = {}): Promise<AzureAgentsExampleResult> {
  const tracing = startTracing({ ...(options.nexus ? { nexus: options.nexus } : {}), console: options.console ?? false });
  try {
    const target = await connectProject(options.env ?? process.env);
    try {
      options.log?.(`running agent against the ${target.description}`);
      return await runWeatherMathAgent(target.project, tracing.tracer, target.model);
    } finally {
      await target.close();
    }
  } finally {
    await tracing.shutdown();
  }
}
