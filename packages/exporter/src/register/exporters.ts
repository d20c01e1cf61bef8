import { createNexusExporters, type NexusExporters } from '../factory.js';
import { errorText, loadFromApp, type LoadResult } from './load.js';
import { ctor, type Sdk } from './sdk.js';
import type { Env, LogExporterName, RegisterPlan, TraceExporterName } from './plan.js';

/** The processors handed to the SDK, and the names that were built (for the start-up summary). */
export interface Pipelines {
  spanProcessors: object[];
  logRecordProcessors: object[];
  traces: TraceExporterName[];
  logs: LogExporterName[];
}

const AZURE_MONITOR = '@azure/monitor-opentelemetry-exporter';

/**
 * Builds every exporter the plan names, each behind its processor: the console behind a simple
 * processor (printed as each span ends, as the SDK does), the others behind batch processors read
 * from OTEL_BSP_* / OTEL_BLRP_*. Nexus gets one pipeline for spans and log records
 * (createNexusExporters), so content and feedback written as logs join their spans. An exporter
 * that cannot be built is one line and is left out.
 */
export function buildPipelines(plan: RegisterPlan, sdk: Sdk, env: Env, say: (line: string) => void): Pipelines {
  let nexus: NexusExporters | undefined;
  const nexusExporters = (): NexusExporters => (nexus ??= createNexusExporters());
  let azure: LoadResult | undefined;
  const azureExporter = (name: 'AzureMonitorTraceExporter' | 'AzureMonitorLogExporter'): object | undefined => {
    azure ??= loadFromApp(AZURE_MONITOR);
    if (!azure.ok) {
      say(
        azure.missing
          ? `azuremonitor exporter off: ${AZURE_MONITOR} is not installed (npm install ${AZURE_MONITOR}). Nothing goes to Azure Monitor; the app runs on.`
          : `azuremonitor exporter off: ${AZURE_MONITOR} failed to load (${azure.error}). Nothing goes to Azure Monitor; the app runs on.`,
      );
      return undefined;
    }
    const Exporter = ctor(azure.loaded.exports, name);
    if (!Exporter) throw new Error(`${AZURE_MONITOR} has no ${name}`);
    return new Exporter({ connectionString: env['APPLICATIONINSIGHTS_CONNECTION_STRING']?.trim() });
  };

  const bsp = batchConfig(env, 'OTEL_BSP_');
  const blrp = batchConfig(env, 'OTEL_BLRP_');
  const result: Pipelines = { spanProcessors: [], logRecordProcessors: [], traces: [], logs: [] };

  for (const name of plan.traces) {
    const processor = attempt('OTEL_TRACES_EXPORTER', name, say, () => {
      switch (name) {
        case 'console':
          return sdk.simpleSpanProcessor(sdk.consoleSpanExporter());
        case 'nexus':
          return sdk.batchSpanProcessor(nexusExporters().spanExporter, bsp);
        case 'azuremonitor': {
          const exporter = azureExporter('AzureMonitorTraceExporter');
          return exporter && sdk.batchSpanProcessor(exporter, bsp);
        }
        case 'zipkin':
          return sdk.batchSpanProcessor(construct(sdk.load('@opentelemetry/exporter-zipkin'), 'ZipkinExporter'), bsp);
        case 'otlp':
          return sdk.batchSpanProcessor(otlpExporter(sdk, env, 'TRACES', 'trace', 'OTLPTraceExporter', say), bsp);
      }
    });
    if (processor) {
      result.spanProcessors.push(processor);
      result.traces.push(name);
    }
  }

  for (const name of plan.logs) {
    const processor = attempt('OTEL_LOGS_EXPORTER', name, say, () => {
      switch (name) {
        case 'console':
          return sdk.simpleLogRecordProcessor(sdk.consoleLogRecordExporter());
        case 'nexus':
          return sdk.batchLogRecordProcessor(nexusExporters().logRecordExporter, blrp);
        case 'azuremonitor': {
          const exporter = azureExporter('AzureMonitorLogExporter');
          return exporter && sdk.batchLogRecordProcessor(exporter, blrp);
        }
        case 'otlp':
          return sdk.batchLogRecordProcessor(otlpExporter(sdk, env, 'LOGS', 'logs', 'OTLPLogExporter', say), blrp);
      }
    });
    if (processor) {
      result.logRecordProcessors.push(processor);
      result.logs.push(name);
    }
  }
  return result;
}

function attempt(variable: string, name: string, say: (line: string) => void, build: () => object | undefined): object | undefined {
  try {
    return build();
  } catch (error) {
    say(`${variable}: the ${name} exporter failed to start (${errorText(error)}) and is left out. The app runs on.`);
    return undefined;
  }
}

/** The SDK's OTLP exporter for the protocol in OTEL_EXPORTER_OTLP_{SIGNAL}_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL. */
function otlpExporter(sdk: Sdk, env: Env, signal: 'TRACES' | 'LOGS', kind: 'trace' | 'logs', className: string, say: (line: string) => void): object {
  const variable = env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`]?.trim() ? `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL` : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  let protocol = env[variable]?.trim() || 'http/protobuf';
  const packages: Record<string, string> = { grpc: 'grpc', 'http/json': 'http', 'http/protobuf': 'proto' };
  if (!packages[protocol]) {
    say(`${variable}: unsupported protocol ${JSON.stringify(protocol.slice(0, 40))}, using http/protobuf.`);
    protocol = 'http/protobuf';
  }
  return construct(sdk.load(`@opentelemetry/exporter-${kind}-otlp-${packages[protocol]!}`), className);
}

function construct(module: LoadResult, className: string): object {
  if (!module.ok) throw new Error(module.missing ? 'its package is not installed with @opentelemetry/sdk-node' : module.error);
  const Exporter = ctor(module.loaded.exports, className);
  if (!Exporter) throw new Error(`no ${className} in its package`);
  return new Exporter();
}

/** OTEL_BSP_* / OTEL_BLRP_* as processor options (newer processors no longer read them themselves). */
function batchConfig(env: Env, prefix: 'OTEL_BSP_' | 'OTEL_BLRP_'): Record<string, number> {
  const config: Record<string, number> = {};
  const fields: Record<string, string> = {
    SCHEDULE_DELAY: 'scheduledDelayMillis',
    EXPORT_TIMEOUT: 'exportTimeoutMillis',
    MAX_QUEUE_SIZE: 'maxQueueSize',
    MAX_EXPORT_BATCH_SIZE: 'maxExportBatchSize',
  };
  for (const [suffix, field] of Object.entries(fields)) {
    const raw = env[`${prefix}${suffix}`]?.trim();
    const value = raw ? Number(raw) : NaN;
    if (Number.isFinite(value) && value >= 0) config[field] = value;
  }
  return config;
}
