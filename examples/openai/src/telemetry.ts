import { context, logs, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createNexusExporters } from '@nexus-otel/exporter';

export interface Telemetry {
  /** Flushes log records, then spans, to Nexus. */
  shutdown(): Promise<void>;
}

/**
 * The app's OTel setup for `openai` on the OTel JS 3.x line: a global TracerProvider and a global
 * LoggerProvider, both exporting to Nexus through one pipeline (createNexusExporters), and the
 * OpenAI instrumentation with content capture. The instrumentation writes prompts and completions
 * as log records, not on the chat span: without the log-record exporter Nexus would show no content.
 * In this line the Logs API is `logs` from `@opentelemetry/api` 1.10, where the instrumentation looks.
 */
export function startTelemetry(): Telemetry {
  const { spanExporter, logRecordExporter } = createNexusExporters(); // NEXUS_API_KEY, NEXUS_BASE_URL… from the env
  const resource = resourceFromAttributes({ 'service.name': 'openai-weather' });
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: logRecordExporter })] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  // captureMessageContent in code; OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false still turns it off.
  registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })] });

  return {
    shutdown: async () => {
      // Logs first: the records join spans the exporter still holds.
      await loggerProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}
