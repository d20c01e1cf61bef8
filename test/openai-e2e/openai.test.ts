import { afterEach, describe, expect, it } from 'vitest';
import { logs, ROOT_CONTEXT, SeverityNumber, trace } from '@opentelemetry/api';
import { generateKey, startNexusLocal, type StoredSpan, type StoredTrace } from '@nexus-otel/local';
import { createNexusExporters } from '@nexus-otel/exporter';
import {
  ANSWER,
  CHAT_ID,
  CHAT_USAGE,
  chatCompletion,
  chatCompletionToolCall,
  chatCompletionWeatherAnswer,
  INSTRUCTIONS,
  MODEL,
  response,
  RESPONSE_ID,
  RESPONSE_MODEL,
  RESPONSES_ANSWER,
  RESPONSES_INPUT,
  RESPONSES_USAGE,
  startOpenAiStub,
  SYSTEM_PROMPT,
  TOOL_CALL,
  TOOL_CHAT_ID,
  TOOL_RESULT,
  TOOL_USAGE,
  USER_PROMPT,
  WEATHER_ANSWER,
  WEATHER_PROMPT,
  type StubRoutes,
} from '@nexus-otel/example-openai/openai-stub';
import { spanTree, spansNamed } from './span-tree.js';
import type { OpenAiTracing } from './tracing.js';
import { NODE_22_15 } from '../../test-support/requirements.js';

// @opentelemetry/instrumentation-openai 0.22 (and the OTel JS 3.x line it needs) wants Node >= 22.15;
// CI runs this file on Node 22 too.

const CHAT_SPAN = `chat ${MODEL}`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The stub, a local Nexus, the exporters from `createNexusExporters`, and the app's OTel setup. */
async function setUp(routes: StubRoutes, captureMessageContent: boolean) {
  const stub = await startOpenAiStub(routes);
  cleanups.push(() => stub.close());
  const key = generateKey();
  const nexus = await startNexusLocal({ keys: { [key]: {} } });
  cleanups.push(() => nexus.close());
  const { spanExporter, logRecordExporter } = createNexusExporters({ apiKey: key, baseUrl: nexus.url, agent: 'openai-e2e' });
  // Imported only here: the 3.x OTel packages and the instrumentation need Node >= 22.15, and this
  // file must still load (and skip) on older Node.
  const { startOpenAiTracing } = await import('./tracing.js');
  const tracing: OpenAiTracing = startOpenAiTracing({ spanExporter, logRecordExporter, captureMessageContent });
  cleanups.push(() => tracing.shutdown());
  // maxRetries 0: a stub that answers wrong fails the test at once instead of being retried.
  const client = new tracing.openai.OpenAI({ baseURL: stub.baseURL, apiKey: 'sk-test', maxRetries: 0 });
  return { stub, nexus, tracing, client };
}

/** The one trace Nexus holds, and its one span with this name. */
function onlyTrace(traces: StoredTrace[]): StoredTrace {
  expect(traces).toHaveLength(1);
  return traces[0]!;
}

function onlySpan(stored: StoredTrace, name: string): StoredSpan {
  const spans = spansNamed(stored, name);
  expect(spans, `spans named ${name} in ${spanTree(stored).join('\n')}`).toHaveLength(1);
  return spans[0]!;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

describe.skipIf(NODE_22_15.unmet)('openai 6 + @opentelemetry/instrumentation-openai 0.22 (spans and log records) → createNexusExporters → Nexus', NODE_22_15.options, () => {
  it('Chat Completions with content capture: the log records become the chat span\'s messages', async () => {
    const { stub, nexus, tracing, client } = await setUp({ 'POST /v1/chat/completions': chatCompletion }, true);

    let answer: string | null | undefined;
    // The app's own root span: the chat span is its child, and the trace is named after it.
    await tracing.tracer.startActiveSpan('geography-question', async (root) => {
      try {
        const completion = await client.chat.completions.create({
          model: MODEL,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: USER_PROMPT },
          ],
        });
        answer = completion.choices[0]?.message.content;
      } finally {
        root.end();
      }
    });
    await tracing.shutdown();
    expect(answer).toBe(ANSWER);
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/chat/completions']);

    const stored = onlyTrace(nexus.traces());
    expect(spanTree(stored)).toEqual(['geography-question', `  ${CHAT_SPAN}`]);
    expect(stored.name).toBe('geography-question');
    expect(stored.agentName).toBe('openai-e2e');
    expect(stored.status).toBe('success');
    expect(stored.metadata).toMatchObject({
      input_tokens: CHAT_USAGE.prompt_tokens,
      output_tokens: CHAT_USAGE.completion_tokens,
      response_id: CHAT_ID,
    });

    const root = onlySpan(stored, 'geography-question');
    const chat = onlySpan(stored, CHAT_SPAN);
    expect(chat.parentSpanId).toBe(root.id);
    expect(chat.status).toBe('ok');
    // The span itself holds no content: every message below came from a log record.
    expect(field(chat.input, 'model')).toBe(MODEL);
    expect(field(chat.input, 'messages')).toEqual([
      { role: 'system', parts: [{ type: 'text', content: SYSTEM_PROMPT }] },
      { role: 'user', parts: [{ type: 'text', content: USER_PROMPT }] },
    ]);
    expect(field(chat.output, 'messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }], finish_reason: 'stop' }]);
    expect(chat.output).toMatchObject({
      model: RESPONSE_MODEL,
      response_id: CHAT_ID,
      usage: { input_tokens: CHAT_USAGE.prompt_tokens, output_tokens: CHAT_USAGE.completion_tokens },
    });
  });

  it('Chat Completions without content capture: no prompt or answer text anywhere, tokens still there', async () => {
    const { nexus, tracing, client } = await setUp({ 'POST /v1/chat/completions': chatCompletion }, false);

    await tracing.tracer.startActiveSpan('geography-question', async (root) => {
      try {
        await client.chat.completions.create({
          model: MODEL,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: USER_PROMPT },
          ],
        });
      } finally {
        root.end();
      }
    });
    await tracing.shutdown();

    const stored = onlyTrace(nexus.traces());
    expect(spanTree(stored)).toEqual(['geography-question', `  ${CHAT_SPAN}`]);
    const everything = JSON.stringify(stored);
    for (const text of [SYSTEM_PROMPT, USER_PROMPT, ANSWER, 'Paris', 'France']) expect(everything).not.toContain(text);
    expect(stored.metadata).toMatchObject({
      input_tokens: CHAT_USAGE.prompt_tokens,
      output_tokens: CHAT_USAGE.completion_tokens,
      response_id: CHAT_ID,
    });
    const chat = onlySpan(stored, CHAT_SPAN);
    expect(chat.output).toMatchObject({
      response_id: CHAT_ID,
      usage: { input_tokens: CHAT_USAGE.prompt_tokens, output_tokens: CHAT_USAGE.completion_tokens },
    });
  });

  it('a tool-call answer becomes a tool_call part and an execute_tool span under the chat span', async () => {
    let calls = 0;
    const { stub, nexus, tracing, client } = await setUp(
      { 'POST /v1/chat/completions': () => (++calls === 1 ? chatCompletionToolCall() : chatCompletionWeatherAnswer()) },
      true,
    );
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: TOOL_CALL.name,
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] },
        },
      },
    ];

    let answer: string | null | undefined;
    await tracing.tracer.startActiveSpan('weather-question', async (root) => {
      try {
        const user = { role: 'user' as const, content: WEATHER_PROMPT };
        const first = await client.chat.completions.create({ model: MODEL, messages: [user], tools });
        const message = first.choices[0]!.message;
        const call = message.tool_calls?.[0];
        if (call?.type !== 'function') throw new Error('the model asked for no function call');
        expect(JSON.parse(call.function.arguments)).toEqual(JSON.parse(TOOL_CALL.arguments));
        // The app runs the function and sends its result back.
        const second = await client.chat.completions.create({
          model: MODEL,
          messages: [user, message, { role: 'tool', tool_call_id: call.id, content: TOOL_RESULT }],
          tools,
        });
        answer = second.choices[0]?.message.content;
      } finally {
        root.end();
      }
    });
    await tracing.shutdown();
    expect(answer).toBe(WEATHER_ANSWER);
    expect(stub.requests).toHaveLength(2);

    const stored = onlyTrace(nexus.traces());
    expect(spanTree(stored)).toEqual(['weather-question', `  ${CHAT_SPAN}`, `    execute_tool ${TOOL_CALL.name}`, `  ${CHAT_SPAN}`]);
    expect(stored.status).toBe('success');
    const [asking, answering] = spansNamed(stored, CHAT_SPAN) as [StoredSpan, StoredSpan];

    const toolCall = { type: 'tool_call', id: TOOL_CALL.id, name: TOOL_CALL.name, arguments: JSON.parse(TOOL_CALL.arguments) };
    expect(field(asking.input, 'messages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: WEATHER_PROMPT }] }]);
    const askingOutput = field(asking.output, 'messages');
    expect(askingOutput).toHaveLength(1);
    expect(askingOutput).toMatchObject([{ role: 'assistant', parts: [toolCall] }]);
    expect(asking.output).toMatchObject({
      response_id: TOOL_CHAT_ID,
      usage: { input_tokens: TOOL_USAGE.prompt_tokens, output_tokens: TOOL_USAGE.completion_tokens },
    });

    const tool = onlySpan(stored, `execute_tool ${TOOL_CALL.name}`);
    expect(tool.parentSpanId).toBe(asking.id);
    expect(tool.input).toEqual(JSON.parse(TOOL_CALL.arguments));
    // The result comes from the next request's tool message, matched by the call id.
    expect(tool.output).toEqual(JSON.parse(TOOL_RESULT));

    // The second request replays the call and carries the result: the assistant and tool messages.
    const answeringInput = field(answering.input, 'messages');
    expect(answeringInput).toMatchObject([
      { role: 'user', parts: [{ type: 'text', content: WEATHER_PROMPT }] },
      { role: 'assistant', parts: [toolCall] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: TOOL_CALL.id, response: JSON.parse(TOOL_RESULT) }] },
    ]);
    expect(field(answering.output, 'messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: WEATHER_ANSWER }], finish_reason: 'stop' }]);
  });

  it('Responses API: the gen_ai.client.inference.operation.details records become the chat span\'s messages', async () => {
    const { stub, nexus, tracing, client } = await setUp({ 'POST /v1/responses': response }, true);

    let answer = '';
    await tracing.tracer.startActiveSpan('river-question', async (root) => {
      try {
        const result = await client.responses.create({ model: MODEL, instructions: INSTRUCTIONS, input: RESPONSES_INPUT });
        answer = result.output_text;
      } finally {
        root.end();
      }
    });
    await tracing.shutdown();
    expect(answer).toBe(RESPONSES_ANSWER);
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses']);

    const stored = onlyTrace(nexus.traces());
    expect(spanTree(stored)).toEqual(['river-question', `  ${CHAT_SPAN}`]);
    expect(stored.metadata).toMatchObject({
      input_tokens: RESPONSES_USAGE.input_tokens,
      output_tokens: RESPONSES_USAGE.output_tokens,
      response_id: RESPONSE_ID,
    });
    const chat = onlySpan(stored, CHAT_SPAN);
    // The instructions are both on the span (gen_ai.system_instructions) and first in the input
    // record's gen_ai.input.messages: one system message, not two.
    expect(field(chat.input, 'messages')).toEqual([
      { role: 'system', parts: [{ type: 'text', content: INSTRUCTIONS }] },
      { role: 'user', parts: [{ type: 'text', content: RESPONSES_INPUT }] },
    ]);
    expect(field(chat.output, 'messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: RESPONSES_ANSWER }], finish_reason: 'stop' }]);
    expect(chat.output).toMatchObject({
      model: RESPONSE_MODEL,
      response_id: RESPONSE_ID,
      usage: { input_tokens: RESPONSES_USAGE.input_tokens, output_tokens: RESPONSES_USAGE.output_tokens },
    });
  });

  it('a log record that arrives after its span was uploaded joins the trace as a child of that span', async () => {
    const { nexus, tracing, client } = await setUp({ 'POST /v1/chat/completions': chatCompletion }, true);

    await tracing.tracer.startActiveSpan('geography-question', async (root) => {
      try {
        await client.chat.completions.create({
          model: MODEL,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: USER_PROMPT },
          ],
        });
      } finally {
        root.end();
      }
    });
    await tracing.forceFlush();
    // Uploaded: the trace is in Nexus with its two spans.
    const before = onlyTrace(nexus.traces());
    expect(spanTree(before)).toEqual(['geography-question', `  ${CHAT_SPAN}`]);

    // A record for the chat span, emitted now through the global logger, as an app (or a late
    // instrumentation callback) would: the same event name and body shape as the instrumentation's.
    const chatSpan = tracing.spans.getFinishedSpans().find((s) => s.name === CHAT_SPAN);
    expect(chatSpan).toBeDefined();
    const late = 'A late second choice: Paris, on the Seine.';
    logs.getLogger('openai-e2e-app').emit({
      context: trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(chatSpan!.spanContext())),
      severityNumber: SeverityNumber.INFO,
      attributes: { 'event.name': 'gen_ai.choice', 'gen_ai.system': 'openai' },
      body: { index: 1, finish_reason: 'stop', message: { content: late } },
    });
    await tracing.shutdown();

    const stored = onlyTrace(nexus.traces());
    expect(stored.id).toBe(before.id);
    const chat = onlySpan(stored, CHAT_SPAN);
    const added = stored.spans.filter((s) => !before.spans.some((b) => b.id === s.id));
    expect(added, spanTree(stored).join('\n')).toHaveLength(1);
    expect(added[0]!.parentSpanId).toBe(chat.id);
    expect(JSON.stringify(added[0]!.output)).toContain(late);
    // The uploaded chat span keeps what it had.
    expect(field(chat.output, 'messages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }], finish_reason: 'stop' }]);
  });
});
