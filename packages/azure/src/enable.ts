import { context, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AzureMonitorLogExporter, AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { createNexusExporters } from '@nexus-otel/exporter';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { instrumentAzureSdk } from './azure-sdk.js';
import { resolveConnectionString } from './connection-string.js';
import { withOperationLink } from './operation-link.js';
import type { AzureTracing, AzureTracingOptions, ProjectWithTelemetry } from './options.js';

const PREFIX = '[@nexus-otel/azure]';

/**
 * Traces an Azure AI Foundry app to Nexus and to the project's Application Insights, side by side:
 * reads the connection string from the project, registers a global NodeTracerProvider (OTel JS 2.x)
 * and LoggerProvider with the Azure Monitor and Nexus exporters (and the console on request), and
 * turns on the Azure SDK instrumentation. Every Nexus trace carries `appinsights_operation_id` (its
 * OTel trace id, the `operation_Id` in Application Insights) and a KQL query for the same run.
 *
 * Call it before the first client call. Nothing throws: without a connection string it exports to
 * Nexus only, without a Nexus key to Application Insights only, each said in one line.
 */
export async function enableAzureTracing(project: ProjectWithTelemetry, options: AzureTracingOptions = {}): Promise<AzureTracing> {
  const notice = options.onNotice ?? ((line: string) => console.warn(line));
  const found = await resolveConnectionString(project);
  const nexusKey = (options.nexus?.apiKey ?? process.env['NEXUS_API_KEY'] ?? '').trim();
  const nexus = Boolean(nexusKey);

  const spanProcessors: SpanProcessor[] = [];
  const logProcessors: LogRecordProcessor[] = [];
  let appInsightsOff = found.problem;
  if (found.connectionString !== undefined) {
    if (found.problem) notice(`${PREFIX} ${found.problem}; using APPLICATIONINSIGHTS_CONNECTION_STRING.`);
    try {
      const azure = { ...options.azureMonitor, connectionString: found.connectionString };
      const traceExporter = new AzureMonitorTraceExporter(azure);
      const logExporter = new AzureMonitorLogExporter(azure);
      spanProcessors.push(new BatchSpanProcessor(traceExporter));
      logProcessors.push(new BatchLogRecordProcessor({ exporter: logExporter }));
      appInsightsOff = undefined;
    } catch (error) {
      // The Azure exporter throws on a connection string without a valid instrumentation key.
      appInsightsOff = `the Azure Monitor exporter refused the connection string (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const applicationInsights = appInsightsOff === undefined;
  if (nexus) {
    // Each Nexus trace points at its twin in Application Insights, when there is one.
    const nexusOptions = applicationInsights ? withOperationLink(options.nexus ?? {}) : (options.nexus ?? {});
    const { spanExporter, logRecordExporter } = createNexusExporters(nexusOptions);
    spanProcessors.push(new BatchSpanProcessor(spanExporter));
    logProcessors.push(new BatchLogRecordProcessor({ exporter: logRecordExporter }));
  }
  if (options.console) spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));

  if (!applicationInsights) {
    const then = nexus ? 'Exporting to Nexus only.' : 'NEXUS_API_KEY is not set either: nothing is exported.';
    notice(`${PREFIX} Application Insights is off: ${appInsightsOff}. Connect an Application Insights resource to the project, or set APPLICATIONINSIGHTS_CONNECTION_STRING. ${then}`);
  } else if (!nexus) {
    notice(`${PREFIX} NEXUS_API_KEY is not set: exporting to Application Insights only.`);
  }
  const destinations = { nexus, applicationInsights, console: Boolean(options.console) };

  const resource = resourceOf(options.serviceName);
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors });
  // Global, because the Azure AI SDKs make their GenAI spans with the global tracer.
  tracerProvider.register();
  logs.setGlobalLoggerProvider(loggerProvider);
  const uninstrument = options.instrumentAzureSdk === false ? () => {} : instrumentAzureSdk();

  let stopped: Promise<void> | undefined;
  return {
    tracerProvider,
    loggerProvider,
    destinations,
    forceFlush: async () => {
      await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
    },
    shutdown: () =>
      (stopped ??= (async () => {
        uninstrument();
        try {
          await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
          logs.disable();
        }
      })()),
  };
}

/** The SDK's default resource, OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, then the option. */
function resourceOf(serviceName: string | undefined): Resource {
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  if (serviceName) resource = resource.merge(resourceFromAttributes({ 'service.name': serviceName }));
  return resource;
}
