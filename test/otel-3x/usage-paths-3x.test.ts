// The 3.x snippets of docs/getting-started.md, run as written (Node ≥ 22.15; CI runs them on Node 22).
import { afterEach, describe, expect, it } from 'vitest';
import { context, logs, trace } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { createNexusExporters } from '@nexus-otel/exporter';
import { recordUserFeedback } from '@nexus-otel/exporter/feedback';
import { NODE_22_15 } from '../../test-support/requirements.js';

let server: NexusLocal | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const name of ['NEXUS_API_KEY', 'NEXUS_BASE_URL']) delete process.env[name];
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

function agentRun(): void {
  const tracer = trace.getTracer('app');
  const root = tracer.startSpan('invoke_agent support-bot', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
  tracer
    .startSpan('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.response.id': 'resp-3x' } }, trace.setSpan(context.active(), root))
    .end();
  root.end();
}

describe.skipIf(NODE_22_15.unmet)('usage paths, OpenTelemetry JS 3.x', NODE_22_15.options, () => {
  it('TracerProvider + LoggerProvider (processors take { exporter }): the run and its feedback land', async () => {
    const local = await nexus();

    // --- docs/getting-started.md: "OpenTelemetry JS 3.x" ---
    const { spanExporter, logRecordExporter } = createNexusExporters();
    const resource = resourceFromAttributes({ 'service.name': 'support-bot' });
    const tracerProvider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })] });
    const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: logRecordExporter })] });
    trace.setGlobalTracerProvider(tracerProvider);
    logs.setGlobalLoggerProvider(loggerProvider); // the 3.x Logs API lives in @opentelemetry/api
    // ---

    agentRun();
    expect(recordUserFeedback({ responseId: 'resp-3x', score: -1, comment: 'wrong' })).toBe(true);
    await loggerProvider.shutdown();
    await tracerProvider.shutdown();
    const [run] = local.traces();
    expect(run!.name).toBe('invoke_agent support-bot');
    expect(run!.spans.find((s) => s.name === 'feedback')?.input).toEqual({ score: -1, comment: 'wrong', response_id: 'resp-3x' });
  });

  it('NodeSDK 0.30x with spanProcessors and logRecordProcessors', async () => {
    const local = await nexus();
    const { spanExporter, logRecordExporter } = createNexusExporters();
    const sdk = new NodeSDK({
      serviceName: 'support-bot',
      spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })],
      logRecordProcessors: [new BatchLogRecordProcessor({ exporter: logRecordExporter })],
      instrumentations: [],
    });
    sdk.start();
    agentRun();
    recordUserFeedback({ responseId: 'resp-3x', score: 1 });
    await sdk.shutdown();
    const [run] = local.traces();
    expect(run).toMatchObject({ name: 'invoke_agent support-bot', agentName: 'support-bot' });
    expect(run!.spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'feedback', 'invoke_agent support-bot']);
  });
});
