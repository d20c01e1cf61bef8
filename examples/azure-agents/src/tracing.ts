import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createNexusExporters, type NexusExporterOptions } from '@nexus-otel/exporter';

export interface TracingOptions {
  /** Options of the Nexus exporters; what is not given comes from NEXUS_API_KEY, NEXUS_BASE_URL… */
  nexus?: NexusExporterOptions;
  /** Also print every span with OTel's ConsoleSpanExporter. */
  console?: boolean;
}

export interface Tracing {
  tracer: Tracer;
  /** Flushes what is held to Nexus (and the console), and leaves the OTel globals as they were. */
  shutdown(): Promise<void>;
}

/**
 * The app's OTel setup, on the OTel JS 3.x line (`@opentelemetry/api` 1.10): a global
 * TracerProvider, an AsyncLocalStorage context manager and the W3C propagator. ai-projects makes its
 * GenAI spans with the global `@opentelemetry/api` tracer, so that is all it needs: no Azure SDK
 * instrumentation (which adds only the HTTP spans of the Azure core pipeline).
 *
 * Why 3.x: ai-projects depends on `@opentelemetry/api` ^1.9.1, and a package manager that does not
 * hoist (pnpm) may give it 1.10 while the app has 1.9. An API reads a global registered by an
 * equal or newer minor only: a 1.10 copy ignores a provider registered through 1.9, and every
 * GenAI span is silently lost. Registered through 1.10, the provider serves either copy.
 */
export function startTracing(options: TracingOptions = {}): Tracing {
  // The log-record exporter beside it carries user feedback and evaluations: see examples/user-feedback.
  const { spanExporter } = createNexusExporters(options.nexus);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'weather-math-agent' }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: spanExporter }),
      ...(options.console ? [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })] : []),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  let stopped: Promise<void> | undefined;
  return {
    tracer: provider.getTracer('azure-agents-example'),
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
