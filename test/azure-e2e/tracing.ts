import { createRequire } from 'node:module';
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { createAzureSdkInstrumentation } from '@azure/opentelemetry-instrumentation-azure-sdk';

export interface AzureTracing {
  /** The app's tracer, for the root span that makes one trace of the whole scenario. */
  tracer: Tracer;
  /** Flushes spans to the exporter, shuts it down, and leaves the OTel globals as they were. */
  shutdown(): Promise<void>;
}

/**
 * What an app does to trace the Azure SDKs: a global NodeTracerProvider (AsyncLocalStorage context,
 * W3C propagation) and `@azure/opentelemetry-instrumentation-azure-sdk`, registered before the first
 * import of an `@azure/*` client package.
 *
 * The instrumentation works by hooking `require('@azure/core-tracing')` and calling its
 * `useInstrumenter(new OpenTelemetryInstrumenter())`. Under vitest the SDKs are loaded as ESM (their
 * `import` export), which `require` hooks never see, and the ESM hook needs a `--import` loader we
 * cannot add to a vitest worker: hooked that way, the run produces no span at all. So we `require`
 * core-tracing once ourselves: the instrumentation's own hook patches the CommonJS copy, and
 * core-tracing keeps its instrumenter in a state object that its ESM build re-exports from the
 * CommonJS one (`dist/esm/state.js`), so the ESM clients see the same instrumenter. This needs the
 * one copy of `@azure/core-tracing` that pnpm dedupes to (the test fails on "no HTTP spans" if not).
 */
export function startAzureTracing(exporter: SpanExporter, ...beside: SpanExporter[]): AzureTracing {
  // SimpleSpanProcessor: each span reaches the exporter as it ends; NexusSpanExporter buffers by
  // trace itself and uploads when the root ends. `beside`: exporters an app runs next to it.
  const provider = new NodeTracerProvider({ spanProcessors: [exporter, ...beside].map((e) => new SimpleSpanProcessor(e)) });
  provider.register();
  const unregister = registerInstrumentations({ instrumentations: [createAzureSdkInstrumentation()], tracerProvider: provider });
  createRequire(import.meta.url)('@azure/core-tracing');

  let stopped: Promise<void> | undefined;
  return {
    tracer: provider.getTracer('azure-e2e-app'),
    shutdown: () =>
      (stopped ??= (async () => {
        unregister();
        try {
          await provider.shutdown();
        } finally {
          // core-tracing keeps the OpenTelemetryInstrumenter, which asks the global API for a tracer
          // per span: with the globals gone it only makes non-recording spans.
          trace.disable();
          context.disable();
          propagation.disable();
        }
      })()),
  };
}
