import { shutdownAzureMonitor, useAzureMonitor, type AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import { createNexusExporters, type NexusExporterOptions } from '@nexus-otel/exporter';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';

export interface DistroOptions {
  /** Nexus exporter options; what is not given comes from NEXUS_API_KEY, NEXUS_BASE_URL… */
  nexus?: NexusExporterOptions;
  /**
   * `useAzureMonitor` samples every trace, for every processor, with a rate-limited sampler: at most
   * `tracesPerSecond` (default 5) traces a second reach Application Insights, and Nexus. `true` sets
   * `tracesPerSecond: 0` (switches to the `samplingRatio` sampler) with `samplingRatio: 1`: every trace.
   */
  keepEveryTrace?: boolean;
  /** Passed to `useAzureMonitor` as is (connection string, sampling, instrumentations…). */
  azureMonitor?: AzureMonitorOpenTelemetryOptions;
}

/**
 * Nexus beside the Azure Monitor OpenTelemetry distro: its span and log-record processors are
 * added to the providers `useAzureMonitor` builds, so Nexus sees the same spans and log records
 * as Application Insights, after the distro's sampler.
 */
export function startWithAzureMonitor(options: DistroOptions = {}): { shutdown(): Promise<void> } {
  const { spanExporter, logRecordExporter } = createNexusExporters(options.nexus);
  useAzureMonitor({
    ...options.azureMonitor,
    ...(options.keepEveryTrace ? { tracesPerSecond: 0, samplingRatio: 1 } : {}),
    spanProcessors: [...(options.azureMonitor?.spanProcessors ?? []), new BatchSpanProcessor(spanExporter)],
    logRecordProcessors: [...(options.azureMonitor?.logRecordProcessors ?? []), new BatchLogRecordProcessor({ exporter: logRecordExporter })],
  });
  return { shutdown: async () => { await shutdownAzureMonitor(); } };
}
