// The demo: a local Nexus-compatible server, an instrumented agent run, and the trace it became.
// With NEXUS_API_KEY set, the same run ships to the real Nexus (NEXUS_BASE_URL) instead.
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { runAgent } from './agent.js';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

const real = Boolean(process.env['NEXUS_API_KEY']);
const key = process.env['NEXUS_API_KEY'] ?? generateKey();
const local = real ? undefined : await startNexusLocal({ keys: { [key]: {} } });
const baseUrl = local?.url ?? process.env['NEXUS_BASE_URL'];

const nexus = new NexusSpanExporter({ apiKey: key, ...(baseUrl ? { baseUrl } : {}) });
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
  spanProcessors: [
    new BatchSpanProcessor(nexus),
    ...(process.env['DEMO_CONSOLE'] === '1' ? [new SimpleSpanProcessor(new ConsoleSpanExporter())] : []),
  ],
});

const answer = await runAgent(provider.getTracer('demo'), 'Where is my order #1042?');
console.log(`agent answered: ${answer}`);
await provider.shutdown();

if (local) {
  const [trace] = local.traces();
  if (!trace) throw new Error('the run did not reach the local Nexus');
  console.log(`\nNexus trace "${trace.name}" (${trace.status}) of agent ${trace.agentName}, ${trace.spans.length} spans:`);
  const children = (parent: string | null, depth: number): void => {
    for (const span of trace.spans.filter((s) => s.parentSpanId === parent)) {
      const ms = span.endedAt ? Date.parse(span.endedAt) - Date.parse(span.startedAt) : 0;
      console.log(`${'  '.repeat(depth)}- ${span.name} [${span.status}] ${ms} ms${span.error ? `  error: ${span.error}` : ''}`);
      children(span.id, depth + 1);
    }
  };
  children(null, 1);
  console.log(`\nNexus trace id ${trace.id}; metadata ${trace.metadataText ?? '{}'}`);
  await local.close();
} else {
  console.log(`sent to ${baseUrl ?? 'https://nexus.keylightdigital.dev'}: open the Nexus dashboard to see the run`);
}
