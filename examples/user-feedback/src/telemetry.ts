import { context, trace, type Tracer } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createNexusExporters, type NexusExporterOptions } from '@nexus-otel/exporter';

export interface Telemetry {
  tracer: Tracer;
  /** Sends what is held now: the trace of an answer is in Nexus once this resolves. */
  forceFlush(): Promise<void>;
  /** Flushes both pipelines and leaves the OTel globals as they were. */
  shutdown(): Promise<void>;
}

/**
 * The app's OTel setup on the OTel JS 2.x line (Node >= 20.6): a registered NodeTracerProvider and a
 * registered LoggerProvider, exporting to Nexus through one pipeline. Feedback is a log record, so
 * without the LoggerProvider and the log-record exporter it would never reach Nexus; sharing the
 * pipeline (createNexusExporters) is what lets the record find the answer it rates.
 */
export function startTelemetry(nexus: NexusExporterOptions = {}): Telemetry {
  const { spanExporter, logRecordExporter } = createNexusExporters(nexus); // NEXUS_API_KEY, NEXUS_BASE_URL… for what is not given
  const resource = resourceFromAttributes({ 'service.name': 'support-bot' });
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spanExporter)] });
  tracerProvider.register();
  // sdk-logs processors take an options object, unlike the 2.x span processors.
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: logRecordExporter })] });
  logs.setGlobalLoggerProvider(loggerProvider);

  return {
    tracer: tracerProvider.getTracer('support-bot'),
    forceFlush: async () => {
      await tracerProvider.forceFlush();
      await loggerProvider.forceFlush();
      // A BatchSpanProcessor's forceFlush hands its spans to the exporter but does not call the
      // exporter's own forceFlush, and the Nexus exporter uploads in the background (a finished
      // trace waits logWaitMillis for its log records). This call waits until Nexus has them.
      await spanExporter.forceFlush();
    },
    shutdown: async () => {
      try {
        await loggerProvider.shutdown();
        await tracerProvider.shutdown();
      } finally {
        logs.disable();
        trace.disable();
        context.disable();
      }
    },
  };
}
