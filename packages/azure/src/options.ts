import type { AzureMonitorExporterOptions } from '@azure/monitor-opentelemetry-exporter';
import type { NexusExporterOptions } from '@nexus-otel/exporter';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * What `enableAzureTracing` needs of an `AIProjectClient` (`@azure/ai-projects` 2.x). Typed by shape,
 * so this package does not pin the Azure SDK: any object with this method will do.
 */
export interface ProjectWithTelemetry {
  telemetry: { getApplicationInsightsConnectionString(): Promise<string> };
}

export interface AzureTracingOptions {
  /**
   * Options of the Nexus exporters. What is not given comes from the environment (NEXUS_API_KEY,
   * NEXUS_BASE_URL, …). Without an API key here or in NEXUS_API_KEY, nothing goes to Nexus.
   */
  nexus?: NexusExporterOptions;
  /**
   * Options of the Azure Monitor exporters (a `credential` for Entra ID ingestion, an `agent`,
   * `storageDirectory`, …). The connection string comes from the project.
   */
  azureMonitor?: Omit<AzureMonitorExporterOptions, 'connectionString'>;
  /** Also print every span with OTel's ConsoleSpanExporter. Default false. */
  console?: boolean;
  /** Resource `service.name`: the agent name in Nexus, the cloud role in Application Insights. Default: OTEL_SERVICE_NAME, else the SDK's default. */
  serviceName?: string;
  /** Spans for the Azure SDK clients' HTTP calls (`@azure/opentelemetry-instrumentation-azure-sdk`). Default true. */
  instrumentAzureSdk?: boolean;
  /** Where the one-line notices go (no connection string, no Nexus key). Default: console.warn. */
  onNotice?: (line: string) => void;
}

/** Where the telemetry goes, as decided by `enableAzureTracing`. */
export interface AzureTracingDestinations {
  nexus: boolean;
  applicationInsights: boolean;
  console: boolean;
}

export interface AzureTracing {
  /** The global tracer provider now (registered), for `getTracer()`. */
  tracerProvider: NodeTracerProvider;
  /** The global logger provider now: user feedback, evaluations and message content written as logs. */
  loggerProvider: LoggerProvider;
  destinations: AzureTracingDestinations;
  /** Sends what is held to every destination. */
  forceFlush(): Promise<void>;
  /** Flushes, shuts every exporter down, and leaves the OTel globals as they were before. */
  shutdown(): Promise<void>;
}
