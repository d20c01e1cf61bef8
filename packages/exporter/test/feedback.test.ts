import { afterEach, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { logs, type Logger } from '@opentelemetry/api-logs';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { createNexusExporters, type NexusExporterOptions, type NexusExporters } from '../src/index.js';
import { recordUserFeedback } from '../src/feedback.js';
import { captureDiag, depthByName, eventually } from './helpers.js';

interface World {
  server: NexusLocal;
  exporters: NexusExporters;
  tracer: ReturnType<BasicTracerProvider['getTracer']>;
  logger: Logger;
  diagLines: string[];
  flush(): Promise<void>;
  close(): Promise<void>;
}

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Real tracer and logger providers, both exporters on one pipeline, a local Nexus. */
async function setup(options: NexusExporterOptions = {}): Promise<World> {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: {} } });
  const diagLines = captureDiag();
  const exporters = createNexusExporters({ apiKey: key, baseUrl: server.url, logWaitMillis: 50, feedbackWaitMillis: 60_000, retryBaseMillis: 5, ...options });
  const resource = resourceFromAttributes({ 'service.name': 'support-bot' });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporters.spanExporter)] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: exporters.logRecordExporter })] });
  return {
    server,
    exporters,
    tracer: tracerProvider.getTracer('app'),
    logger: loggerProvider.getLogger('app'),
    diagLines,
    flush: () => exporters.spanExporter.forceFlush(),
    async close() {
      await loggerProvider.shutdown();
      await tracerProvider.shutdown();
      await server.close();
    },
  };
}

/** An agent run: invoke_agent → chat (with a response id) → the answer. */
function run(w: World, responseId = 'chatcmpl-42', events: Array<[string, Record<string, string | number>]> = []) {
  const root = w.tracer.startSpan('invoke_agent support-bot', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
  const chat = w.tracer.startSpan(
    'chat gpt-4o',
    { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.id': responseId } },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  for (const [name, attributes] of events) chat.addEvent(name, attributes);
  return { root, chat, end: () => (chat.end(), root.end()) };
}

const FEEDBACK = 'gen_ai.evaluation.user_feedback';

describe('user feedback and evaluations', () => {
  it('a feedback record after the trace was uploaded lands in that Nexus trace, under the rated span', async () => {
    world = await setup();
    const r = run(world);
    r.end();
    await world.flush();
    expect(world.server.traces()).toHaveLength(1);

    world.logger.emit({
      eventName: FEEDBACK,
      attributes: { 'gen_ai.response.id': 'chatcmpl-42', 'gen_ai.evaluation.score': 1 },
      body: { comment: 'Accurate and short, thanks!' },
      context: trace.setSpan(ROOT_CONTEXT, r.chat),
    });
    await world.flush();
    const [t, ...rest] = world.server.traces();
    expect(rest).toHaveLength(0);
    expect(depthByName(t!.spans)).toEqual({ 'invoke_agent support-bot': 1, 'chat gpt-4o': 2, feedback: 3 });
    expect(t!.spans.find((s) => s.name === 'feedback')!.input).toEqual({ score: 1, comment: 'Accurate and short, thanks!', response_id: 'chatcmpl-42' });
  });

  it('feedback found by gen_ai.response.id alone, before the trace was uploaded, goes up with it', async () => {
    world = await setup({ logWaitMillis: 1_000 });
    const r = run(world, 'resp_abc');
    r.chat.end();
    world.logger.emit({ eventName: FEEDBACK, attributes: { 'gen_ai.response.id': 'resp_abc', 'gen_ai.evaluation.score': -1 }, body: { comment: 'wrong city' } });
    r.root.end();
    await world.flush();
    const [t] = world.server.traces();
    expect(depthByName(t!.spans)).toMatchObject({ 'chat gpt-4o': 2, feedback: 3 });
    expect(t!.spans.find((s) => s.name === 'feedback')!.input).toMatchObject({ score: -1, comment: 'wrong city' });
    // One trace create and one request per span: the feedback cost one span, nothing more.
    expect(world.server.requests.filter((q) => q.method === 'POST')).toHaveLength(4);
  });

  it('gen_ai.evaluation.result becomes an `evaluation <name>` span with score, label and explanation', async () => {
    world = await setup();
    const r = run(world);
    r.end();
    world.logger.emit({
      eventName: 'gen_ai.evaluation.result',
      attributes: {
        'gen_ai.evaluation.name': 'Relevance',
        'gen_ai.evaluation.score.value': 4,
        'gen_ai.evaluation.score.label': 'relevant',
        'gen_ai.evaluation.explanation': 'answers the question',
        'gen_ai.response.id': 'chatcmpl-42',
      },
      context: trace.setSpan(ROOT_CONTEXT, r.chat),
    });
    await world.flush();
    const span = world.server.traces()[0]!.spans.find((s) => s.name === 'evaluation Relevance');
    expect(span?.input).toEqual({ score: 4, label: 'relevant', explanation: 'answers the question', response_id: 'chatcmpl-42' });
  });

  it('feedback as a span event becomes a child span of the span it is on', async () => {
    world = await setup();
    const r = run(world, 'chatcmpl-7', [[FEEDBACK, { 'gen_ai.response.id': 'chatcmpl-7', 'gen_ai.evaluation.score': 0.5 }]]);
    r.end();
    await world.flush();
    const [t] = world.server.traces();
    expect(depthByName(t!.spans)).toMatchObject({ 'chat gpt-4o': 2, feedback: 3 });
    expect(t!.spans.find((s) => s.name === 'feedback')!.input).toEqual({ score: 0.5, response_id: 'chatcmpl-7' });
  });

  it('feedback on a response never seen becomes a small trace of its own, findable by the response id', async () => {
    world = await setup({ feedbackWaitMillis: 100 });
    world.logger.emit({ eventName: FEEDBACK, attributes: { 'gen_ai.response.id': 'resp_elsewhere', 'gen_ai.evaluation.score': 1 } });
    expect(await eventually(() => world!.server.traces().length === 1, 3_000)).toBe(true);
    await world.flush();
    const [t] = world.server.traces();
    expect(t!.name).toBe('feedback');
    expect(t!.agentName).toBe('support-bot');
    expect(t!.metadata).toMatchObject({ response_id: 'resp_elsewhere' });
    expect(t!.spans.map((s) => s.name)).toEqual(['feedback']);
  });

  it('a score out of range or a missing response id: dropped, said once naming the field, nothing else lost', async () => {
    world = await setup();
    world.logger.emit({ eventName: FEEDBACK, attributes: { 'gen_ai.response.id': 'x', 'gen_ai.evaluation.score': 5 } });
    world.logger.emit({ eventName: FEEDBACK, attributes: { 'gen_ai.response.id': 'y', 'gen_ai.evaluation.score': 7 } });
    world.logger.emit({ eventName: FEEDBACK, attributes: { 'gen_ai.evaluation.score': 1 } });
    const r = run(world, 'chatcmpl-ok', [[FEEDBACK, { 'gen_ai.evaluation.score': 1 }]]);
    r.end();
    await world.flush();
    const lines = world.diagLines.filter((line) => line.includes('gen_ai.evaluation.user_feedback'));
    expect(lines.filter((l) => l.includes('gen_ai.evaluation.score must be in [-1, 1]'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('gen_ai.response.id is required'))).toHaveLength(2); // one for records, one for span events
    expect(world.exporters.spanExporter.getStats().dropped['invalid_feedback']).toBe(3);
    expect(world.server.traces()).toHaveLength(1);
    expect(world.server.traces()[0]!.spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'invoke_agent support-bot']);
  });

  it('recordUserFeedback emits the documented record through the global Logs API', async () => {
    world = await setup();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: world.exporters.logRecordExporter })] });
    logs.setGlobalLoggerProvider(provider);
    try {
      const r = run(world, 'chatcmpl-99');
      r.end();
      await world.flush();
      expect(recordUserFeedback({ responseId: 'chatcmpl-99', score: 1, comment: 'great' })).toBe(true);
      expect(recordUserFeedback({ responseId: 'chatcmpl-99', score: 2 })).toBe(false);
      expect(recordUserFeedback({ responseId: '' })).toBe(false);
      await world.flush();
      const spans = world.server.traces()[0]!.spans.filter((s) => s.name === 'feedback');
      expect(spans.map((s) => s.input)).toEqual([{ score: 1, comment: 'great', response_id: 'chatcmpl-99' }]);
    } finally {
      logs.disable();
    }
  });
});

describe('message content that arrives as log records', () => {
  const userMessage = (logger: Logger, span: ReturnType<typeof run>['chat']) =>
    logger.emit({ attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai' }, body: { content: 'What is the capital of France?' }, context: trace.setSpan(ROOT_CONTEXT, span) });
  const choice = (logger: Logger, span: ReturnType<typeof run>['chat']) =>
    logger.emit({
      attributes: { 'event.name': 'gen_ai.choice', 'gen_ai.system': 'openai' },
      body: { index: 0, finish_reason: 'stop', message: { content: 'Paris.' } },
      context: trace.setSpan(ROOT_CONTEXT, span),
    });

  it('records before the span ends join the chat span as canonical messages', async () => {
    world = await setup();
    const r = run(world);
    userMessage(world.logger, r.chat);
    choice(world.logger, r.chat);
    r.end();
    await world.flush();
    const chat = world.server.traces()[0]!.spans.find((s) => s.name === 'chat gpt-4o')!;
    expect(chat.input).toMatchObject({ messages: [{ role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] }] });
    expect(chat.output).toMatchObject({ messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finish_reason: 'stop' }] });
  });

  it('records that arrive a moment after the span still join it (logWaitMillis)', async () => {
    world = await setup({ logWaitMillis: 300 });
    const r = run(world);
    r.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    userMessage(world.logger, r.chat);
    choice(world.logger, r.chat);
    expect(await eventually(() => world!.server.traces().length === 1 && world!.server.traces()[0]!.spans.length === 2, 3_000)).toBe(true);
    const chat = world.server.traces()[0]!.spans.find((s) => s.name === 'chat gpt-4o')!;
    expect(chat.output).toMatchObject({ messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }] }] });
  });

  it('records after the span was uploaded become a child span rather than be lost', async () => {
    world = await setup();
    const r = run(world);
    r.end();
    await world.flush();
    choice(world.logger, r.chat);
    await world.flush();
    const [t] = world.server.traces();
    expect(depthByName(t!.spans)).toEqual({ 'invoke_agent support-bot': 1, 'chat gpt-4o': 2, 'messages (arrived late)': 3 });
    expect(t!.spans.find((s) => s.name === 'messages (arrived late)')!.output).toMatchObject({ messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }] }] });
  });

  it('one pipeline: spans and records share one client and one set of stats', async () => {
    world = await setup();
    const r = run(world);
    userMessage(world.logger, r.chat);
    r.chat.setStatus({ code: SpanStatusCode.OK });
    r.end();
    await world.flush();
    expect(world.exporters.spanExporter.getStats()).toEqual(world.exporters.logRecordExporter.getStats());
    expect(world.exporters.spanExporter.getStats().requests).toBe(world.server.requests.length);
    expect(world.exporters.spanExporter.getStats().heldSpans).toBe(0);
  });
});

describe('content capture as instrumentation-openai reports it', () => {
  it('Responses API instructions on the span count as content only when the records carry content', async () => {
    const { createGenAiMapper } = await import('../src/index.js');
    const span = {
      name: 'chat gpt-4o-mini',
      kind: 2,
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
      startTime: [1_700_000_000, 0] as [number, number],
      endTime: [1_700_000_001, 0] as [number, number],
      status: { code: 0 },
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system_instructions': 'Answer in one sentence.' },
      events: [],
      resource: { attributes: {} },
      instrumentationScope: { name: '@opentelemetry/instrumentation-openai' },
    };
    const details = (input: unknown) => ({
      hrTime: [1_700_000_000, 0] as [number, number],
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: { 'gen_ai.input.messages': input },
      spanContext: span.spanContext(),
    });
    const map = (input: unknown) =>
      createGenAiMapper().mapTrace([span], { maxFieldBytes: 32_768, records: new Map([['b'.repeat(16), [details(input)]]]) }).spans[0]!.input;
    // Capture off: the record is a skeleton; the instructions on the span must not leak.
    expect(JSON.stringify(map([{ role: 'user', parts: [{ type: 'text' }] }]))).not.toContain('Answer in one sentence.');
    // Capture on: the record has the instructions as its first message; shown once.
    const on = map([
      { role: 'system', parts: [{ type: 'text', content: 'Answer in one sentence.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Longest river in Europe?' }] },
    ]) as { messages: Array<{ role: string }> };
    expect(on.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });
});
