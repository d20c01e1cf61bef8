// The snippets of docs/getting-started.md, run as written (OpenTelemetry JS 2.x line, Node ≥ 20.6).
import { afterEach, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor, InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { createNexusExporters, NexusSpanExporter } from '../src/index.js';
import { recordUserFeedback } from '../src/feedback.js';
import { eventually } from './helpers.js';

let server: NexusLocal | undefined;
const saved = { ...process.env };
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const name of ['NEXUS_API_KEY', 'NEXUS_BASE_URL', 'NEXUS_AGENT']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  trace.disable();
  context.disable();
  logs.disable();
});

async function nexus(): Promise<NexusLocal> {
  const key = generateKey();
  server = await startNexusLocal({ keys: { [key]: {} } });
  Object.assign(process.env, { NEXUS_API_KEY: key, NEXUS_BASE_URL: server.url });
  return server;
}

/** What an instrumented agent does: a run with a model call that has a response id. */
async function agentRun(name: string): Promise<void> {
  const tracer = trace.getTracer('app');
  await tracer.startActiveSpan(`invoke_agent ${name}`, { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name } }, async (root) => {
    const chat = tracer.startSpan('chat gpt-4o', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.id': `resp-${name}`, 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 3 },
    });
    chat.end();
    root.end();
  });
}

describe('usage paths, OpenTelemetry JS 2.x', () => {
  it('NodeTracerProvider with spanProcessors, beside an existing exporter: both receive the run', async () => {
    const local = await nexus();
    const existing = new InMemorySpanExporter();

    // --- docs/getting-started.md: "NodeTracerProvider" ---
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
      spanProcessors: [new BatchSpanProcessor(new NexusSpanExporter()), new SimpleSpanProcessor(existing)],
    });
    provider.register();
    // ---

    await agentRun('support-bot');
    await provider.forceFlush();
    const seen = existing.getFinishedSpans(); // the in-memory exporter forgets on shutdown
    await provider.shutdown();
    const [run] = local.traces();
    expect(run).toMatchObject({ name: 'invoke_agent support-bot', agentName: 'support-bot', status: 'success' });
    expect(run!.metadata).toMatchObject({ input_tokens: 10, response_id: 'resp-support-bot' });
    expect(seen.map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'invoke_agent support-bot']);
    expect(run!.metadata).toMatchObject({ otel_trace_id: seen[0]!.spanContext().traceId });
  });

  it('NodeSDK 0.2xx with spanProcessors and logRecordProcessors: runs and feedback land', async () => {
    const local = await nexus();
    const existingLogs = new InMemoryLogRecordExporter();

    // --- docs/getting-started.md: "NodeSDK" ---
    const { spanExporter, logRecordExporter } = createNexusExporters();
    const sdk = new NodeSDK({
      serviceName: 'support-bot',
      spanProcessors: [new BatchSpanProcessor(spanExporter)],
      logRecordProcessors: [new BatchLogRecordProcessor({ exporter: logRecordExporter }), new SimpleLogRecordProcessor({ exporter: existingLogs })],
      instrumentations: [],
    });
    sdk.start();
    // ---

    await agentRun('support-bot');
    recordUserFeedback({ responseId: 'resp-support-bot', score: 1, comment: 'thanks' });
    // The simple processor exports once NodeSDK's resource detectors have settled: a later tick, not a fixed one.
    await eventually(() => existingLogs.getFinishedLogRecords().length > 0, 2_000);
    const records = existingLogs.getFinishedLogRecords().map((r) => r.eventName); // forgotten on shutdown
    await sdk.shutdown();
    const [run, ...others] = local.traces();
    expect(others).toHaveLength(0);
    expect(run!.name).toBe('invoke_agent support-bot');
    const feedback = run!.spans.find((s) => s.name === 'feedback');
    expect(feedback?.input).toEqual({ score: 1, comment: 'thanks', response_id: 'resp-support-bot' });
    expect(feedback?.parentSpanId).toBe(run!.spans.find((s) => s.name === 'chat gpt-4o')!.id);
    expect(records).toEqual(['gen_ai.evaluation.user_feedback']);
  });
});
