import { context, propagation, trace } from '@opentelemetry/api';
import { AzureMonitorTraceExporter, type AzureMonitorExporterOptions } from '@azure/monitor-opentelemetry-exporter';
import { NexusSpanExporter, type NexusExporterOptions } from '@nexus-otel/exporter';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';

export interface HandBuiltOptions {
  /** Application Insights connection string (else APPLICATIONINSIGHTS_CONNECTION_STRING). */
  connectionString?: string;
  /** More Azure Monitor exporter options (an `agent`, a `credential`, `storageDirectory`…). */
  azureMonitor?: Omit<AzureMonitorExporterOptions, 'connectionString'>;
  /** Nexus exporter options; what is not given comes from NEXUS_API_KEY, NEXUS_BASE_URL… */
  nexus?: NexusExporterOptions;
  /** Also print every span on the console. */
  console?: boolean;
  serviceName?: string;
}

export interface HandBuilt {
  provider: NodeTracerProvider;
  /** Flushes every exporter, shuts them down, and leaves the OTel globals as they were. */
  shutdown(): Promise<void>;
}

/**
 * Application Insights, Nexus and the console side by side on one NodeTracerProvider (OTel JS 2.x).
 * Each processor gets every span: the exporters do not know about each other, and the trace id they
 * all see is the Nexus trace's `otel_trace_id` and the Application Insights `operation_Id`.
 */
export function startHandBuilt(options: HandBuiltOptions = {}): HandBuilt {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'weather-agent' }),
    spanProcessors: [
      new BatchSpanProcessor(new AzureMonitorTraceExporter({ ...options.azureMonitor, ...(options.connectionString ? { connectionString: options.connectionString } : {}) })),
      new BatchSpanProcessor(new NexusSpanExporter(options.nexus)),
      ...(options.console ? [new SimpleSpanProcessor(new ConsoleSpanExporter())] : []),
    ],
  });
  provider.register();

  let stopped: Promise<void> | undefined;
  return {
    provider,
    shutdown: () =>
      (stopped ??= (async () => {
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
        }
      })()),
  };
}
