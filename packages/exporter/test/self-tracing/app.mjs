// An ESM app with the HTTP instrumentation on (loaded with `--import ./hooks.mjs`): node:http is
// patched for every ES module, the exporter's own `import * as http` included. The exporter is
// imported after the instrumentation is enabled, as an app's bootstrap file would order it.
// It makes one traced HTTP call of its own, then shuts down; the test reads what reached Nexus.
import { trace } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
const { NexusSpanExporter } = await import('@nexus-otel/exporter');
const http = await import('node:http');

// 'all': HTTP spans too, so a traced upload would reach Nexus as a trace of its own.
const exporter = new NexusSpanExporter({ spanFilter: 'all', maxTraceWaitMillis: 200 });
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

await trace.getTracer('app').startActiveSpan('work', async (span) => {
  await new Promise((resolve, reject) => {
    http.get(`${process.env.NEXUS_BASE_URL}/_local/stats`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  span.end();
});
// Long enough for the uploads, and for spans of those uploads (if any) to be uploaded in turn.
for (let i = 0; i < 4; i += 1) {
  await exporter.forceFlush();
  await new Promise((resolve) => setTimeout(resolve, 300));
}
await provider.shutdown();
process.stdout.write(`${JSON.stringify({ stats: exporter.getStats() })}\n`);
