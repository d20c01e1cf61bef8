// `node --import ./register.mjs app.mjs`: what an ES-module app does to trace @azure/ai-projects with
// @nexus-otel/instrumentation-azure-ai, before its first import of the SDK: a tracer provider, the
// instrumentation, and import-in-the-middle's loader hook so the instrumentation sees that import.
import { createRequire, register } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { AzureAIInstrumentation } from '@nexus-otel/instrumentation-azure-ai';

// The hook of the instrumentation's own @opentelemetry/instrumentation: loader and runtime must be
// one version of import-in-the-middle.
const fromInstrumentation = createRequire(import.meta.resolve('@nexus-otel/instrumentation-azure-ai'));
register(fromInstrumentation.resolve('@opentelemetry/instrumentation/hook.mjs'), import.meta.url);

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register();
registerInstrumentations({ instrumentations: [new AzureAIInstrumentation()], tracerProvider: provider });

// What the app's spans ended as, for the test: one JSON line when the app is done.
process.on('beforeExit', () => {
  const finished = spans.getFinishedSpans().map((span) => ({ name: span.name, status: span.status, errorType: span.attributes['error.type'] ?? null }));
  console.log(JSON.stringify({ spans: finished }));
  spans.reset();
});
