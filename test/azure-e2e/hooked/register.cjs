// `node --require ./register.cjs app.cjs`: what a CommonJS app does to trace the Azure AI SDKs with
// @nexus-otel/instrumentation-azure-ai, before its first require of the SDK (require-in-the-middle
// sees that require; no loader hook is needed).
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { AzureAIInstrumentation } = require('@nexus-otel/instrumentation-azure-ai');

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
provider.register();
registerInstrumentations({ instrumentations: [new AzureAIInstrumentation()], tracerProvider: provider });

process.on('beforeExit', () => {
  const finished = spans.getFinishedSpans().map((span) => ({ name: span.name, status: span.status, errorType: span.attributes['error.type'] ?? null }));
  console.log(JSON.stringify({ spans: finished }));
  spans.reset();
});
