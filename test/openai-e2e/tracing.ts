import { createRequire } from 'node:module';
import { context, logs, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';

type OpenAIModule = typeof import('openai');

export interface OpenAiTracing {
  /** The CommonJS `openai` module, whose client classes the instrumentation patched. */
  openai: OpenAIModule;
  /** The app's tracer, for the root span that makes one trace of the whole scenario. */
  tracer: Tracer;
  /** Every span as it ended, beside the Nexus exporter: lets a test find the chat span's context. */
  spans: InMemorySpanExporter;
  /** Flushes log records, then spans: the exporters get all that was emitted so far. */
  forceFlush(): Promise<void>;
  /** Shuts the logger provider, then the tracer provider, down, and leaves the OTel globals as they were. */
  shutdown(): Promise<void>;
}

export interface OpenAiTracingOptions {
  spanExporter: SpanExporter;
  logRecordExporter: LogRecordExporter;
  /** The instrumentation's `captureMessageContent`: prompts and completions in the log records. */
  captureMessageContent: boolean;
}

/**
 * One instrumentation per worker, created on first use. Its require hook is one entry of
 * `@opentelemetry/instrumentation`'s process-wide require-in-the-middle singleton, which caches the
 * exports it patched: a second `OpenAIInstrumentation` would never see `openai` again (the
 * require is served from that cache), so each test re-points this one at its own providers and
 * enables it (`enable()` re-patches the exports it remembers) and disables it (unpatches) after.
 */
let instrumentation: OpenAIInstrumentation | undefined;

/**
 * What an app does to trace the OpenAI SDK with `@opentelemetry/instrumentation-openai` 0.22: the
 * OTel JS 3.x line (the instrumentation needs `@opentelemetry/instrumentation` 0.300, whose peer
 * is `@opentelemetry/api` 1.10), a global TracerProvider with an AsyncLocalStorage context manager,
 * and a global LoggerProvider. The instrumentation emits prompts and completions as log records
 * through the Logs API in `@opentelemetry/api` 1.10 (`logs`), not through `@opentelemetry/api-logs`,
 * whose global is a different slot: a provider set there would never get them.
 *
 * How `openai` gets hooked: the instrumentation registers a require hook (require-in-the-middle)
 * and an ESM hook (import-in-the-middle). The ESM hook only sees imports once its loader is
 * registered (`node --import @opentelemetry/instrumentation/hook.mjs`), which a vitest worker does
 * not get; and vitest loads `openai` from node_modules with Node's native `import`, i.e. its ESM
 * build (`index.mjs`). That copy is never patched, so `await import('openai')` gives a client
 * that makes no span at all. Unlike `@azure/core-tracing` (see test/azure-e2e/tracing.ts), the
 * openai CommonJS and ESM builds share no state: patching `OpenAI.Chat.Completions.prototype` of
 * one does not reach the other. So the app itself uses the CommonJS build, required (through
 * `createRequire`, which goes through the hooked `Module.prototype.require`) after the
 * instrumentation is enabled: that is the copy the instrumentation patched.
 */
export function startOpenAiTracing(options: OpenAiTracingOptions): OpenAiTracing {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  // SimpleSpanProcessor: each span reaches the exporter as it ends; the Nexus exporter buffers by
  // trace itself and uploads when the root ends.
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: options.spanExporter }), new SimpleSpanProcessor({ exporter: spans })],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: options.logRecordExporter })] });
  logs.setGlobalLoggerProvider(loggerProvider);

  // Created disabled: registerInstrumentations gives it the providers, then enables it (it enables
  // only an instrumentation whose config says `enabled: false`).
  instrumentation ??= new OpenAIInstrumentation({ enabled: false });
  // setConfig, not the constructor: the constructor lets OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT
  // override the config, and each test here sets capture itself, whatever the environment says.
  instrumentation.setConfig({ enabled: false, captureMessageContent: options.captureMessageContent });
  const unregister = registerInstrumentations({ instrumentations: [instrumentation], tracerProvider, loggerProvider });
  const openai = createRequire(import.meta.url)('openai') as OpenAIModule;

  let stopped: Promise<void> | undefined;
  return {
    openai,
    tracer: tracerProvider.getTracer('openai-e2e-app'),
    spans,
    forceFlush: async () => {
      await loggerProvider.forceFlush();
      await tracerProvider.forceFlush();
    },
    shutdown: () =>
      (stopped ??= (async () => {
        unregister();
        try {
          // Logs first: a record flushed after its span was uploaded must still find the trace.
          await loggerProvider.shutdown();
          await tracerProvider.shutdown();
        } finally {
          logs.disable();
          trace.disable();
          context.disable();
        }
      })()),
  };
}
