// `exportMode: 'immediate'`, for serverless functions: `export()` answers once the batch is in Nexus,
// so the `await provider.forceFlush()` that ends a handler is enough, even when the process ends
// right after it. The default (`background`) answers at once and loses what was still uploading:
// the contrast docs/serverless.md describes.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { context, diag, trace } from '@opentelemetry/api';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { createNexusExporters, NexusSpanExporter, type NexusExporterOptions } from '../src/index.js';
import { recordUserFeedback } from '../src/feedback.js';
import { captureDiag, depthByName, SpanFactory } from './helpers.js';
import { deadPort } from './net.js';

const HANDLER = fileURLToPath(new URL('./fixtures/serverless-handler.ts', import.meta.url));
const run = promisify(execFile);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  trace.disable();
  context.disable();
  diag.disable();
});

async function nexus(latencyMs = 15): Promise<{ server: NexusLocal; key: string }> {
  const key = generateKey();
  // 15 ms an answer, like the hosted Nexus: an upload takes a few round trips.
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } }, latencyMs });
  cleanups.push(() => server.close());
  return { server, key };
}


function exporterTo(server: NexusLocal, key: string, options: NexusExporterOptions = {}): NexusSpanExporter {
  const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url, spanFilter: 'all', retryBaseMillis: 5, ...options });
  cleanups.push(() => exporter.shutdown());
  return exporter;
}

/** Runs the handler fixture in its own process; returns the OTel trace id of its run. */
async function invoke(server: NexusLocal, key: string, env: Record<string, string>): Promise<string> {
  const base = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith('NEXUS_') || name.startsWith('OTEL_')) delete base[name];
  const { stdout } = await run(process.execPath, ['--import', 'tsx', HANDLER], {
    env: { ...base, NEXUS_API_KEY: key, NEXUS_BASE_URL: server.url, ...env },
    timeout: 30_000,
  }).catch((error: { stderr?: string }) => {
    throw new Error(`the handler failed: ${error.stderr ?? String(error)}`);
  });
  // A request the process sent just before it ended still lands in the server after.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { traceId: string }).traceId;
}

function runOf(server: NexusLocal, traceId: string): { status: string; spans: string[] } | undefined {
  const stored = server.traces().find((t) => (t.metadata as { otel_trace_id?: string } | null)?.otel_trace_id === traceId);
  return stored && { status: stored.status, spans: stored.spans.map((span) => span.name).sort() };
}

const WHOLE_RUN = { status: 'success', spans: ['chat gpt-4o', 'chat gpt-4o', 'execute_tool lookup', 'invoke_agent support'] };

describe('a serverless handler that ends its process right after `await provider.forceFlush()`', () => {
  it("exportMode: 'immediate': the whole run is in Nexus, every span and the final status", async () => {
    const { server, key } = await nexus();
    const traceId = await invoke(server, key, { HANDLER_MODE: 'option' });
    expect(runOf(server, traceId)).toEqual(WHOLE_RUN);
  }, 40_000);

  it('NEXUS_EXPORT_MODE=immediate does the same, with no code change', async () => {
    const { server, key } = await nexus();
    const traceId = await invoke(server, key, { HANDLER_MODE: 'env', NEXUS_EXPORT_MODE: 'immediate' });
    expect(runOf(server, traceId)).toEqual(WHOLE_RUN);
  }, 40_000);

  it('the default (background) loses it: export() answered before the upload, and the process ended', async () => {
    const { server, key } = await nexus();
    const traceId = await invoke(server, key, { HANDLER_MODE: 'background' });
    // Nothing, or a trace cut short (`running`, spans missing): never the whole run.
    expect(runOf(server, traceId)).not.toEqual(WHOLE_RUN);
  }, 40_000);
});

describe("exportMode: 'immediate' in process", () => {
  it('a run the BatchSpanProcessor hands over in several batches keeps its nesting', async () => {
    const { server, key } = await nexus(5);
    const exporter = exporterTo(server, key, { exportMode: 'immediate' });
    // Two spans a batch: the children go in earlier batches than their parents.
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'batched' }),
      spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 2, scheduledDelayMillis: 60_000 })],
    });
    cleanups.push(() => provider.shutdown());
    const tracer = provider.getTracer('test');
    const root = tracer.startSpan('root');
    const rootContext = trace.setSpan(context.active(), root);
    const agent = tracer.startSpan('agent', {}, rootContext);
    const agentContext = trace.setSpan(context.active(), agent);
    for (let i = 0; i < 3; i += 1) tracer.startSpan(`step ${i}`, {}, agentContext).end();
    agent.end();
    root.end();

    await provider.forceFlush();
    // No waiting: by the time forceFlush() resolves, the trace is complete in Nexus.
    const [stored] = server.traces();
    expect(stored?.status).toBe('success');
    expect(depthByName(stored?.spans ?? [])).toEqual({ root: 1, agent: 2, 'step 0': 3, 'step 1': 3, 'step 2': 3 });
  });

  it('answers FAILED, naming the cause, when Nexus cannot be reached; the spans stay held', async () => {
    const lines = captureDiag();
    const port = await deadPort();
    const exporter = new NexusSpanExporter({
      apiKey: generateKey(),
      baseUrl: `http://127.0.0.1:${port}`,
      spanFilter: 'all',
      exportMode: 'immediate',
      flushTimeoutMillis: 600,
      retryBaseMillis: 5,
    });
    cleanups.push(() => exporter.shutdown());
    const spans = new SpanFactory().tree(2, 1, 'run');
    const started = Date.now();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(new RegExp(`not in Nexus within flushTimeoutMillis \\(600 ms\\).*cannot reach Nexus at 127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(exporter.getStats().heldSpans).toBe(spans.length);
    expect(lines.join('\n')).toContain('cannot reach Nexus');
  });

  it("then the provider's forceFlush() rejects with that cause: a handler catches it (docs/serverless.md)", async () => {
    captureDiag();
    const port = await deadPort();
    const exporter = new NexusSpanExporter({ apiKey: generateKey(), baseUrl: `http://127.0.0.1:${port}`, exportMode: 'immediate', flushTimeoutMillis: 300, retryBaseMillis: 5 });
    const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    cleanups.push(() => provider.shutdown());
    provider.getTracer('test').startSpan('run').end();
    const outcome = await provider.forceFlush().then(
      () => 'resolved',
      (errors: unknown) => String(errors),
    );
    expect(outcome).toMatch(/NexusSpanExporter: 1 span\(s\) were not in Nexus within flushTimeoutMillis \(300 ms\).*ECONNREFUSED/);
  });

  it('answers FAILED with the reason when Nexus refuses spans of the batch', async () => {
    const { server, key } = await nexus(0);
    captureDiag();
    const exporter = exporterTo(server, key, { exportMode: 'immediate' });
    server.faults.failNext(1, 400, { body: { error: 'Validation failed' }, match: { method: 'POST', path: /\/spans$/ } });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(new SpanFactory().tree(2, 1, 'run'), resolve));
    expect(result.code).toBe(1);
    expect(result.error?.message).toContain('spans of this batch were dropped (invalid=1)');
  });

  it('the log-record exporter too: feedback is in Nexus once the logger provider has flushed', async () => {
    const { server, key } = await nexus();
    const { spanExporter, logRecordExporter } = createNexusExporters({ apiKey: key, baseUrl: server.url, exportMode: 'immediate', retryBaseMillis: 5 });
    const resource = resourceFromAttributes({ 'service.name': 'support-bot' });
    const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(spanExporter)] });
    const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: logRecordExporter })] });
    cleanups.push(() => tracerProvider.shutdown(), () => loggerProvider.shutdown());
    const tracer = tracerProvider.getTracer('app');
    const root = tracer.startSpan('invoke_agent support-bot', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
    tracer.startSpan('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.id': 'resp-1' } }, trace.setSpan(context.active(), root)).end();
    root.end();
    await tracerProvider.forceFlush();
    expect(server.traces().map((t) => t.spans.length)).toEqual([2]);

    expect(recordUserFeedback({ responseId: 'resp-1', score: 1 }, { logger: loggerProvider.getLogger('app') })).toBe(true);
    await loggerProvider.forceFlush();
    expect(server.traces()[0]?.spans.map((span) => span.name).sort()).toEqual(['chat gpt-4o', 'feedback', 'invoke_agent support-bot']);
  });

  it('answers SUCCESS only once the trace is in Nexus with its final status', async () => {
    const { server, key } = await nexus();
    const exporter = exporterTo(server, key, { exportMode: 'immediate' });
    const code = await new Promise<number>((resolve) => exporter.export(new SpanFactory().tree(3, 2, 'run'), (result) => resolve(result.code)));
    expect(code).toBe(0);
    expect(server.traces().map((t) => [t.status, t.spans.length])).toEqual([['success', 7]]);
  });
});
