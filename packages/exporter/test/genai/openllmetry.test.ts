import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readOpenLLMetry } from '../../src/genai/read/openllmetry.js';
import type { ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

function span(attributes: Record<string, unknown>, extra: Partial<ReadableSpanLike> = {}): ReadableSpanLike {
  return {
    name: 'openai.chat',
    kind: 2,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'a1b2c3d4e5f60718', traceFlags: 1 }),
    startTime: [1_795_000_000, 0],
    endTime: [1_795_000_001, 0],
    status: { code: 0 },
    attributes,
    events: [],
    resource: { attributes: {} },
    ...extra,
  };
}

describe('readOpenLLMetry: legacy @traceloop/instrumentation-openai (fixture 04)', () => {
  const [chat] = loadFixture('semconv/04-openllmetry-legacy-chat-span.json').spans;
  const reading = readOpenLLMetry(chat!)!;

  it('reads the operation from llm.request.type and the models and provider', () => {
    expect(reading.operation).toBe('chat');
    expect(reading.requestModel).toBe('gpt-4o-mini');
    expect(reading.responseModel).toBe('gpt-4o-mini-2024-07-18');
    // `gen_ai.system: "OpenAI"` → the semconv provider name.
    expect(reading.provider).toBe('openai');
    expect(reading.name).toBeUndefined();
  });

  it('reassembles gen_ai.prompt.{i}.* into input messages in index order', () => {
    expect(reading.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a helpful assistant.' }] },
      { role: 'user', parts: [{ type: 'text', content: "What's the weather in Paris?" }] },
    ]);
    expect(reading.systemInstructions).toBeUndefined();
  });

  it('reassembles gen_ai.completion.{i}.*: the empty content is dropped, the tool call parsed, the finish reason kept', () => {
    expect(reading.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('turns llm.request.functions.{i}.* into tool definitions with the parsed JSON schema', () => {
    expect(reading.toolDefinitions).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Get the current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ]);
  });

  it('reads the legacy usage keys and the session association property', () => {
    expect(reading.usage).toEqual({ inputTokens: 70, outputTokens: 17, totalTokens: 87 });
    expect(reading.ids).toEqual({ conversationId: 'sess_42' });
  });

  it('has no raw values, tool calls, run status or error on a successful chat span', () => {
    expect(reading.inputValue).toBeUndefined();
    expect(reading.outputValue).toBeUndefined();
    expect(reading.toolCalls).toBeUndefined();
    expect(reading.runStatus).toBeUndefined();
    expect(reading.error).toBeUndefined();
  });
});

describe('readOpenLLMetry: Traceloop SDK decorator spans', () => {
  it('a .task span: operation task, the kwargs of traceloop.entity.input and the parsed output', () => {
    const reading = readOpenLLMetry(
      span(
        {
          'traceloop.span.kind': 'task',
          'traceloop.entity.name': 'fetch_weather',
          'traceloop.entity.path': 'weather_chat',
          'traceloop.workflow.name': 'weather_chat',
          'traceloop.association.properties.user_id': 'user_123',
          'traceloop.entity.input': '{"args":[],"kwargs":{"city":"Paris","units":"metric"}}',
          'traceloop.entity.output': '{"temperature":21,"conditions":"sunny"}',
        },
        { name: 'fetch_weather.task', kind: 0 },
      ),
    );
    expect(reading).toEqual({
      operation: 'task',
      inputValue: { city: 'Paris', units: 'metric' },
      outputValue: { temperature: 21, conditions: 'sunny' },
    });
  });

  it('unwraps {args, kwargs}: a single arg alone, several args as a list, both halves kept when both are used', () => {
    const input = (value: string) => readOpenLLMetry(span({ 'traceloop.span.kind': 'tool', 'traceloop.entity.input': value }))?.inputValue;
    expect(input('{"args":["Paris"],"kwargs":{}}')).toBe('Paris');
    expect(input('{"args":["Paris",3],"kwargs":{}}')).toEqual(['Paris', 3]);
    expect(input('{"args":["Paris"],"kwargs":{"units":"metric"}}')).toEqual({ args: ['Paris'], kwargs: { units: 'metric' } });
    expect(input('{"args":[],"kwargs":{}}')).toBeUndefined();
    // Not the decorator's envelope: kept as it is.
    expect(input('{"args":[1],"kwargs":{},"extra":true}')).toEqual({ args: [1], kwargs: {}, extra: true });
    expect(input('plain text')).toBe('plain text');
  });

  it('a string result (serialised twice by JSON.stringify) comes out as the string', () => {
    const reading = readOpenLLMetry(span({ 'traceloop.span.kind': 'tool', 'traceloop.entity.output': '"sunny"' }));
    expect(reading?.outputValue).toBe('sunny');
  });

  it('maps workflow, agent and tool kinds; an agent span names the agent', () => {
    expect(readOpenLLMetry(span({ 'traceloop.span.kind': 'workflow', 'traceloop.workflow.name': 'w' }))?.operation).toBe('invoke_workflow');
    expect(readOpenLLMetry(span({ 'traceloop.span.kind': 'tool' }))?.operation).toBe('execute_tool');
    expect(readOpenLLMetry(span({ 'traceloop.span.kind': 'something_new' }))?.operation).toBe('something_new');
    const agent = readOpenLLMetry(span({ 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' }));
    expect(agent?.operation).toBe('invoke_agent');
    expect(agent?.ids).toEqual({ agentName: 'planner' });
  });

  it('only session/conversation/thread association properties become the conversation id', () => {
    expect(readOpenLLMetry(span({ 'traceloop.association.properties.user_id': 'u1' }))).toEqual({});
    expect(readOpenLLMetry(span({ 'traceloop.association.properties.thread_id': 't1' }))?.ids).toEqual({ conversationId: 't1' });
    expect(readOpenLLMetry(span({ 'traceloop.association.properties.conversationId': 'c1' }))?.ids).toEqual({ conversationId: 'c1' });
  });
});

describe('readOpenLLMetry: flattened messages in other shapes', () => {
  it('orders indexes numerically and tolerates gaps', () => {
    const reading = readOpenLLMetry(
      span({
        'gen_ai.prompt.10.role': 'user',
        'gen_ai.prompt.10.content': 'ten',
        'gen_ai.prompt.2.role': 'assistant',
        'gen_ai.prompt.2.content': 'two',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'zero',
      }),
    );
    expect(reading?.inputMessages?.map((m) => m.parts[0])).toEqual([
      { type: 'text', content: 'zero' },
      { type: 'text', content: 'two' },
      { type: 'text', content: 'ten' },
    ]);
  });

  it('non-string content (stringified by the instrumentation) becomes parts; "null" content is no content', () => {
    const reading = readOpenLLMetry(
      span({
        'llm.request.type': 'chat',
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content':
          '[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]',
        'gen_ai.prompt.1.role': 'assistant',
        'gen_ai.prompt.1.content': 'null',
        'gen_ai.prompt.1.tool_calls.0.id': 'call_1',
        'gen_ai.prompt.1.tool_calls.0.name': 'describe',
        'gen_ai.prompt.1.tool_calls.0.arguments': '{"detail":"high"}',
        'gen_ai.prompt.2.role': 'tool',
        'gen_ai.prompt.2.tool_call_id': 'call_1',
        'gen_ai.prompt.2.content': '{"label":"cat"}',
      }),
    );
    expect(reading?.inputMessages).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is in this image?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'describe', arguments: { detail: 'high' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { label: 'cat' } }] },
    ]);
  });

  it('text that merely looks like JSON stays text', () => {
    const reading = readOpenLLMetry(
      span({ 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': '{"city":"Paris"}', 'gen_ai.prompt.1.content': '[1, 2, 3]' }),
    );
    expect(reading?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '{"city":"Paris"}' }] },
      { role: 'user', parts: [{ type: 'text', content: '[1, 2, 3]' }] },
    ]);
  });

  it('function_call is read only when there are no tool_calls (0.x copies tool_calls.0 into it)', () => {
    const both = readOpenLLMetry(
      span({
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.function_call.name': 'get_weather',
        'gen_ai.completion.0.function_call.arguments': '{"city":"Paris"}',
        'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
      }),
    );
    expect(both?.outputMessages?.[0]?.parts).toEqual([{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }]);
    const legacy = readOpenLLMetry(
      span({
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': 'function_call',
        'gen_ai.completion.0.function_call.name': 'get_weather',
        'gen_ai.completion.0.function_call.arguments': '{"city":"Rome"}',
      }),
    );
    expect(legacy?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Rome' } }], finish_reason: 'function_call' },
    ]);
  });

  it('a completion-API span: operation text_completion, several choices in order', () => {
    const reading = readOpenLLMetry(
      span(
        {
          'gen_ai.system': 'OpenAI',
          'llm.request.type': 'completion',
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'Say hi',
          'gen_ai.completion.1.role': 'assistant',
          'gen_ai.completion.1.content': 'Hello',
          'gen_ai.completion.1.finish_reason': 'length',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.content': 'Hi',
          'gen_ai.completion.0.finish_reason': 'stop',
        },
        { name: 'openai.completion' },
      ),
    );
    expect(reading?.operation).toBe('text_completion');
    expect(reading?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi' }], finish_reason: 'stop' },
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'length' },
    ]);
  });

  it('maps the capitalised vendors it can; others are lower-cased', () => {
    const provider = (system: unknown) => readOpenLLMetry(span({ 'llm.request.type': 'chat', 'gen_ai.system': system }))?.provider;
    expect(provider('Azure')).toBe('azure.ai.openai');
    expect(provider('Azure OpenAI')).toBe('azure.ai.openai');
    expect(provider('AWS')).toBe('aws.bedrock');
    expect(provider('Anthropic')).toBe('anthropic');
    expect(provider('VertexAI')).toBe('gcp.vertex_ai');
    expect(provider('TogetherAI')).toBe('togetherai');
    expect(provider(42)).toBeUndefined();
  });

  it('reads the Traceloop underscore cache/reasoning keys and falls back to the semconv usage names', () => {
    const reading = readOpenLLMetry(
      span({
        'llm.request.type': 'chat',
        'gen_ai.usage.input_tokens': '120',
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.usage.total_tokens': 150,
        'gen_ai.usage.cache_read_input_tokens': 100,
        'gen_ai.usage.reasoning_tokens': 12,
        'gen_ai.response.id': 'chatcmpl-1',
      }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 120, outputTokens: 30, totalTokens: 150, cacheReadTokens: 100, reasoningTokens: 12 });
    expect(reading?.ids).toEqual({ responseId: 'chatcmpl-1' });
  });
});

describe('readOpenLLMetry: errors', () => {
  it('an ERROR span: the exception event as `type: message`, else the status message', () => {
    const events = [
      { name: 'exception', time: [1_795_000_001, 0] as [number, number], attributes: { 'exception.type': 'RateLimitError', 'exception.message': '429 Too Many Requests' } },
    ];
    const failed = readOpenLLMetry(span({ 'llm.request.type': 'chat' }, { status: { code: 2, message: '429 Too Many Requests' }, events }));
    expect(failed?.error).toBe('RateLimitError: 429 Too Many Requests');
    const bare = readOpenLLMetry(span({ 'llm.request.type': 'chat' }, { status: { code: 2, message: 'connection reset' } }));
    expect(bare?.error).toBe('connection reset');
  });

  it('finish_reason error on an UNSET span is the last resort', () => {
    const reading = readOpenLLMetry(span({ 'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.finish_reason': 'error' }));
    expect(reading?.error).toBe('finish_reason: error');
    expect(reading?.outputMessages).toBeUndefined();
  });
});

describe('readOpenLLMetry: hostile input', () => {
  it('is not OpenLLMetry without a Traceloop-only key', () => {
    expect(readOpenLLMetry(span({}))).toBeUndefined();
    expect(readOpenLLMetry(span({ 'gen_ai.usage.prompt_tokens': 10, 'gen_ai.system': 'openai' }))).toBeUndefined();
    expect(readOpenLLMetry(span({ 'gen_ai.prompt': '[{"role":"user","content":"hi"}]' }))).toBeUndefined();
    expect(readOpenLLMetry(span(undefined as unknown as Record<string, unknown>))).toBeUndefined();
    expect(readOpenLLMetry(undefined as unknown as ReadableSpanLike)).toBeUndefined();
  });

  it('reads no other fixture', () => {
    for (const dir of ['semconv', 'azure']) {
      const path = fileURLToPath(new URL(`../fixtures/${dir}/`, import.meta.url));
      for (const file of readdirSync(path)) {
        if (file.startsWith('04-')) continue;
        for (const s of loadFixture(`${dir}/${file}`).spans) expect(readOpenLLMetry(s), file).toBeUndefined();
      }
    }
  });

  it('invalid or cut-short JSON stays a raw string; redaction markers are no content', () => {
    const reading = readOpenLLMetry(
      span({
        'llm.request.type': 'chat',
        'gen_ai.prompt.0.role': 'user',
        'gen_ai.prompt.0.content': '[{"type":"text","text":"cut sho',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': '',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': '__REDACTED__',
        'gen_ai.completion.0.tool_calls.0.name': 'lookup',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"q": "par',
        'gen_ai.completion.1.tool_calls.0.name': 'lookup',
        'gen_ai.completion.1.tool_calls.0.arguments': '',
        'llm.request.functions.0.name': 'lookup',
        'llm.request.functions.0.arguments': '{"type":"obj',
        'traceloop.entity.input': '{"args":[],"kwargs":{"q":"par',
        'traceloop.entity.output': '',
      }),
    );
    expect(reading?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: '[{"type":"text","text":"cut sho' }] }]);
    expect(reading?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'lookup', arguments: '{"q": "par' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'lookup', arguments: null }] },
    ]);
    expect(reading?.toolDefinitions).toEqual([{ type: 'function', name: 'lookup', parameters: '{"type":"obj' }]);
    expect(reading?.inputValue).toBe('{"args":[],"kwargs":{"q":"par');
    expect(reading?.outputValue).toBeUndefined();
  });

  it('wrong types are ignored, never thrown on', () => {
    const reading = readOpenLLMetry(
      span({
        'llm.request.type': 7,
        'gen_ai.prompt.0.role': 5,
        'gen_ai.prompt.0.content': 12,
        'gen_ai.prompt.x.content': 'not an index',
        'gen_ai.prompt.-1.content': 'negative',
        'gen_ai.prompt.1.content': { nested: true },
        'gen_ai.prompt.2.content': ['a', 'b'],
        'gen_ai.completion.0.tool_calls.zero.name': 'odd',
        'llm.request.functions.0.description': 'no name',
        'gen_ai.usage.prompt_tokens': 'many',
        'gen_ai.usage.completion_tokens': -3,
        'llm.usage.total_tokens': Number.NaN,
        'gen_ai.request.model': ['gpt'],
        'traceloop.entity.input': 99,
      }),
    );
    expect(reading).toEqual({
      inputMessages: [
        { role: 'user', parts: [{ type: 'text', content: '12' }] },
        { role: 'user', parts: [{ type: 'text', content: '{"nested":true}' }] },
        { role: 'user', parts: [{ type: 'text', content: 'a' }, { type: 'text', content: 'b' }] },
      ],
      inputValue: 99,
    });
  });
});
