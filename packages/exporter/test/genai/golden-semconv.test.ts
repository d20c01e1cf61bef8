import { describe, expect, it } from 'vitest';
import { createGenAiMapper, type MappedTrace, type ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

const context = { maxFieldBytes: 32 * 1024 };
const map = (spans: ReadableSpanLike[], options: Parameters<typeof createGenAiMapper>[0] = {}): MappedTrace =>
  createGenAiMapper(options).mapTrace(spans, context);
const only = (trace: MappedTrace, name: string) => {
  const found = trace.spans.filter((s) => s.name === name);
  expect(found, `spans named ${name}`).toHaveLength(1);
  return found[0]!;
};

const SAME_QUESTION = [
  { role: 'system', parts: [{ type: 'text', content: 'You are a concise assistant.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
];

describe('golden: current conventions (v1.41)', () => {
  it('chat span: the conversation with its tool round trip, the answer, usage and response id', () => {
    const trace = map(loadFixture('semconv/01-semconv-chat-span.json').spans);
    const chat = only(trace, 'chat gpt-4');
    expect(chat.input).toMatchObject({
      model: 'gpt-4',
      messages: [
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', name: 'get_weather', arguments: { location: 'Paris' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', response: 'rainy, 57°F' }] },
      ],
    });
    expect(chat.output).toEqual({
      messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'The weather in Paris is currently rainy with a temperature of 57°F.' }], finish_reason: 'stop' }],
      model: 'gpt-4-0613',
      response_id: 'chatcmpl-call_VSPygqKTWdrhaFErNvMV18Yl',
      usage: { input_tokens: 97, output_tokens: 52 },
    });
    // Content is rendered once, not repeated as raw attributes.
    expect(JSON.stringify((chat.input as { attributes: unknown }).attributes)).not.toContain('gen_ai.input.messages');
    expect(trace.header.metadata).toMatchObject({ input_tokens: 97, output_tokens: 52, total_tokens: 149, models: 'gpt-4-0613' });
  });

  it('execute_tool span: input = arguments, output = result, decoded', () => {
    const trace = map(loadFixture('semconv/02-semconv-execute-tool-span.json').spans);
    expect(only(trace, 'execute_tool get_weather')).toMatchObject({
      input: { location: 'Paris' },
      output: { conditions: 'rainy', temperature: 57, unit: 'fahrenheit' },
      status: 'ok',
    });
    expect(trace.header.metadata).toMatchObject({ tool_calls: 1, tool_calls_function: 1 });
  });

  it('invoke_agent root: instructions first as a system message, tools, ids, success', () => {
    const trace = map(loadFixture('semconv/03-semconv-invoke-agent-span.json').spans);
    expect(trace.header).toMatchObject({ name: 'invoke_agent Math Tutor', status: 'success' });
    expect(trace.header.metadata).toMatchObject({
      agent_id: 'asst_5j66UpCpwteGg4YSxUnt7lPY',
      agent_name: 'Math Tutor',
      conversation_id: 'conv_5j66UpCpwteGg4YSxUnt7lPY',
      input_tokens: 182,
      output_tokens: 41,
      models: 'gpt-4o',
    });
    const agent = only(trace, 'invoke_agent Math Tutor');
    expect(agent.input).toMatchObject({
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a math tutor. Use the multiply tool for arithmetic.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is 17 * 23?' }] },
      ],
      tools: [{ type: 'function', name: 'multiply', description: 'Multiply two numbers' }],
    });
    expect(agent.output).toMatchObject({ messages: [{ role: 'assistant', parts: [{ type: 'text', content: '17 × 23 = 391.' }], finish_reason: 'stop' }] });
  });
});

describe('golden: other conventions render the same conversation the same way', () => {
  it('OpenLLMetry legacy (gen_ai.prompt.N / completion.N): messages, the tool call as a span, tokens with total', () => {
    const trace = map(loadFixture('semconv/04-openllmetry-legacy-chat-span.json').spans);
    const chat = only(trace, 'openai.chat');
    expect(chat.input).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a helpful assistant.' }] },
        { role: 'user', parts: [{ type: 'text', content: "What's the weather in Paris?" }] },
      ],
      tools: [{ type: 'function', name: 'get_weather' }],
    });
    expect(chat.output).toMatchObject({
      messages: [{ role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_calls' }],
      usage: { input_tokens: 70, output_tokens: 17, total_tokens: 87 },
    });
    expect(only(trace, 'execute_tool get_weather')).toMatchObject({ parentLocalId: chat.localId, input: { city: 'Paris' }, output: null });
    expect(trace.header.metadata).toMatchObject({ input_tokens: 70, output_tokens: 17, total_tokens: 87, conversation_id: 'sess_42' });
  });

  it('Vercel AI SDK 6 (ai.*): parent repeats the child usage, counted once; same messages as OpenInference', () => {
    const trace = map(loadFixture('semconv/05-vercel-ai-sdk-generatetext-spans.json').spans);
    const outer = only(trace, 'ai.generateText');
    const call = only(trace, 'ai.generateText.doGenerate');
    expect(call.parentLocalId).toBe(outer.localId);
    expect(outer.input).toMatchObject({ messages: SAME_QUESTION });
    expect(call.output).toMatchObject({
      messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'The capital of France is Paris.' }], finish_reason: 'stop' }],
      response_id: 'resp_68f1c0ffee',
    });
    expect(trace.header.metadata).toMatchObject({
      input_tokens: 24,
      output_tokens: 8,
      total_tokens: 32,
      models: 'gpt-4o-mini-2024-07-18',
      agent_name: 'capital-lookup',
    });
  });

  it('OpenInference (llm.*): messages win over the duplicated input.value', () => {
    const trace = map(loadFixture('semconv/09-openinference-openai-chat-span.json').spans);
    const chat = only(trace, 'OpenAI Chat Completions');
    expect((chat.input as { messages: unknown }).messages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a helpful assistant.' }] },
      SAME_QUESTION[1],
    ]);
    expect((chat.input as Record<string, unknown>)['value']).toBeUndefined();
    expect(chat.output).toMatchObject({
      messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'The capital of France is Paris.' }], finish_reason: 'stop' }],
      usage: { input_tokens: 24, output_tokens: 9, total_tokens: 33 },
    });
    expect(trace.header).toMatchObject({ name: 'OpenAI Chat Completions', status: 'success' });
  });
});

describe('privacy and noise on the whole mapping', () => {
  it('secrets are scrubbed in every field; the redact hook sees every string', () => {
    const { spans } = loadFixture('semconv/01-semconv-chat-span.json');
    const [chat] = spans;
    const leaky: ReadableSpanLike = {
      ...chat!,
      spanContext: chat!.spanContext,
      name: 'chat sk-proj-abcdefghijklmnop1234567890',
      attributes: { ...chat!.attributes, 'url.full': 'https://bob:hunter2@example.com/x', note: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig' },
    };
    const seen = new Set<string>();
    const trace = map([leaky], { redact: (value, field) => (seen.add(field.kind), value.replace('Paris', '[city]')) });
    const text = JSON.stringify(trace);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(text).not.toContain('sk-proj-abcdefghijklmnop1234567890');
    expect(text).not.toContain('Paris');
    expect([...seen].sort()).toEqual(['input', 'metadata', 'output', 'span_name', 'trace_name']);
  });

  it('spanFilter genai: plain spans under GenAI ones go, HTTP becomes a count, nothing is orphaned', () => {
    const parent = (id: string) => ({ traceId: 't'.repeat(32), spanId: id, traceFlags: 1, isRemote: false });
    const make = (id: string, parentId: string | null, name: string, attributes: Record<string, unknown> = {}): ReadableSpanLike => ({
      name,
      kind: 0,
      spanContext: () => ({ traceId: 't'.repeat(32), spanId: id, traceFlags: 1 }),
      parentSpanContext: parentId ? parent(parentId) : undefined,
      startTime: [1_700_000_000, 0],
      endTime: [1_700_000_001, 0],
      status: { code: 0 },
      attributes,
      events: [],
      resource: { attributes: { 'service.name': 'svc' } },
    });
    const spans = [
      make('0000000000000001', null, 'request'),
      make('0000000000000002', '0000000000000001', 'middleware'),
      make('0000000000000003', '0000000000000002', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }),
      make('0000000000000004', '0000000000000003', 'HTTP POST', { 'http.method': 'POST', 'http.url': 'https://api.openai.com/v1/chat' }),
      make('0000000000000005', '0000000000000001', 'db query'),
    ];
    const genai = map(spans);
    expect(genai.spans.map((s) => s.name)).toEqual(['request', 'middleware', 'chat gpt-4o']);
    expect(only(genai, 'chat gpt-4o').input).toMatchObject({ transport_spans: 1 });
    expect(map(spans, { spanFilter: 'all' }).spans).toHaveLength(5);
    const custom = map(spans, { spanFilter: (s) => s.name !== 'middleware' });
    expect(only(custom, 'chat gpt-4o').parentLocalId).toBe('0000000000000001');
  });
});

describe('golden: @opentelemetry/instrumentation-openai span (content lives in log records)', () => {
  it('the span alone: no messages invented, usage and response id kept', () => {
    const trace = map(loadFixture('semconv/08-otel-contrib-openai-chat-span-and-logs.json').spans);
    const chat = only(trace, 'chat gpt-4o-mini');
    expect((chat.input as Record<string, unknown>)['messages']).toBeUndefined();
    expect(chat.output).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      response_id: 'chatcmpl-AbC123xyz',
      usage: { input_tokens: 24, output_tokens: 9 },
    });
    expect(trace.header.metadata).toMatchObject({ input_tokens: 24, output_tokens: 9, response_id: 'chatcmpl-AbC123xyz', models: 'gpt-4o-mini-2024-07-18' });
  });
});
