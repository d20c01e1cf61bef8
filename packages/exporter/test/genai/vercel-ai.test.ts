import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readVercelAi } from '../../src/genai/read/vercel-ai.js';
import type { ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

function span(attributes: Record<string, unknown>, extra: Partial<ReadableSpanLike> = {}): ReadableSpanLike {
  return {
    name: 'ai.generateText.doGenerate',
    kind: 0,
    spanContext: () => ({ traceId: '7d2c5a1e9f304b6c8a1d2e3f4a5b6c7d', spanId: '4a3b2c1d0e9f8a7b', traceFlags: 1 }),
    startTime: [1_795_000_000, 0],
    endTime: [1_795_000_001, 0],
    status: { code: 0 },
    attributes,
    events: [],
    resource: { attributes: {} },
    ...extra,
  };
}

describe('readVercelAi: ai 6.x generateText (fixture 05)', () => {
  const [outer, inner] = loadFixture('semconv/05-vercel-ai-sdk-generatetext-spans.json').spans;

  it('ai.generateText: operation generate_text, system instructions and prompt from ai.prompt', () => {
    const reading = readVercelAi(outer!)!;
    expect(reading.operation).toBe('generate_text');
    expect(reading.name).toBeUndefined();
    expect(reading.systemInstructions).toEqual([{ type: 'text', content: 'You are a concise assistant.' }]);
    expect(reading.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] }]);
    expect(reading.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'The capital of France is Paris.' }], finish_reason: 'stop' },
    ]);
  });

  it('ai.generateText: v6 usage keys, model, provider and ids', () => {
    const reading = readVercelAi(outer!)!;
    expect(reading.usage).toEqual({ inputTokens: 24, outputTokens: 8, totalTokens: 32, cacheReadTokens: 0, reasoningTokens: 0 });
    expect(reading.requestModel).toBe('gpt-4o-mini');
    // The outer span has no ai.response.model / ai.response.id: those are per provider call.
    expect(reading.responseModel).toBeUndefined();
    expect(reading.provider).toBe('openai');
    expect(reading.ids).toEqual({ agentName: 'capital-lookup', conversationId: 'sess_42' });
    expect(reading.toolDefinitions).toBeUndefined();
    expect(reading.inputValue).toBeUndefined();
    expect(reading.outputValue).toBeUndefined();
    expect(reading.error).toBeUndefined();
  });

  it('ai.generateText.doGenerate: operation chat, the provider prompt with its system message in place', () => {
    const reading = readVercelAi(inner!)!;
    expect(reading.operation).toBe('chat');
    expect(reading.systemInstructions).toBeUndefined();
    expect(reading.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a concise assistant.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
    ]);
    expect(reading.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'The capital of France is Paris.' }], finish_reason: 'stop' },
    ]);
  });

  it('ai.generateText.doGenerate: usage, models, response id', () => {
    const reading = readVercelAi(inner!)!;
    expect(reading.usage).toEqual({ inputTokens: 24, outputTokens: 8, totalTokens: 32, cacheReadTokens: 0, reasoningTokens: 0 });
    expect(reading.requestModel).toBe('gpt-4o-mini');
    expect(reading.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(reading.provider).toBe('openai');
    expect(reading.ids).toEqual({ agentName: 'capital-lookup', responseId: 'resp_68f1c0ffee', conversationId: 'sess_42' });
  });
});

describe('readVercelAi: usage keys of every version', () => {
  it('ai 4.x doGenerate: promptTokens/completionTokens, tool calls with `args` strings, tool-result `result`', () => {
    const reading = readVercelAi(
      span({
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o',
        'ai.prompt.format': 'messages',
        'ai.prompt.messages': JSON.stringify([
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', args: { city: 'Paris' } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', result: { temp: 21 } }] },
        ]),
        'ai.prompt.tools': [
          JSON.stringify({ type: 'function', name: 'weather', description: 'Get the weather', parameters: { type: 'object' } }),
        ],
        'ai.response.finishReason': 'tool-calls',
        'ai.response.text': '',
        'ai.response.toolCalls': JSON.stringify([{ toolCallType: 'function', toolCallId: 'call_2', toolName: 'weather', args: '{"city":"Lyon"}' }]),
        'ai.usage.promptTokens': 50,
        'ai.usage.completionTokens': 12,
        'gen_ai.usage.prompt_tokens': 50,
        'gen_ai.usage.completion_tokens': 12,
      }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 50, outputTokens: 12 });
    expect(reading?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { temp: 21 } }] },
    ]);
    expect(reading?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'weather', arguments: { city: 'Lyon' } }], finish_reason: 'tool_call' },
    ]);
    expect(reading?.toolDefinitions).toEqual([{ type: 'function', name: 'weather', description: 'Get the weather', parameters: { type: 'object' } }]);
    expect(reading?.provider).toBe('openai');
  });

  it('ai 4.x provider-call span with only the gen_ai usage keys', () => {
    const reading = readVercelAi(span({ 'ai.operationId': 'ai.streamText.doStream', 'gen_ai.usage.prompt_tokens': 5, 'gen_ai.usage.completion_tokens': 6 }));
    expect(reading).toEqual({ operation: 'chat', usage: { inputTokens: 5, outputTokens: 6 } });
  });

  it('ai 5.x streamText: inputTokens/outputTokens/totalTokens/reasoningTokens/cachedInputTokens; v5 message parts', () => {
    const reading = readVercelAi(
      span(
        {
          'ai.operationId': 'ai.streamText',
          'ai.telemetry.functionId': 'trip-planner',
          'ai.telemetry.metadata.threadId': 'thread_9',
          'ai.telemetry.metadata.userId': 'user_1',
          'ai.model.provider': 'anthropic.messages',
          'ai.model.id': 'claude-sonnet-4-5',
          'ai.prompt': JSON.stringify({
            system: 'Plan trips.',
            messages: [
              { role: 'user', content: 'Book Paris' },
              {
                role: 'assistant',
                content: [
                  { type: 'reasoning', text: 'Need flights.' },
                  { type: 'tool-call', toolCallId: 't1', toolName: 'flights', input: { to: 'CDG' }, providerOptions: { anthropic: {} } },
                ],
              },
              { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'flights', output: { type: 'json', value: { flights: 2 } } }] },
              { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't2', toolName: 'hotels', output: { type: 'text', value: 'none left' } }] },
            ],
          }),
          'ai.response.reasoning': 'Two flights found.',
          'ai.response.text': 'I found two flights.',
          'ai.response.finishReason': 'stop',
          'ai.usage.inputTokens': 300,
          'ai.usage.outputTokens': 40,
          'ai.usage.totalTokens': 340,
          'ai.usage.reasoningTokens': 15,
          'ai.usage.cachedInputTokens': 256,
        },
        { name: 'ai.streamText' },
      ),
    );
    expect(reading?.operation).toBe('generate_text');
    expect(reading?.usage).toEqual({ inputTokens: 300, outputTokens: 40, totalTokens: 340, cacheReadTokens: 256, reasoningTokens: 15 });
    expect(reading?.systemInstructions).toEqual([{ type: 'text', content: 'Plan trips.' }]);
    expect(reading?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Book Paris' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Need flights.' },
          { type: 'tool_call', id: 't1', name: 'flights', arguments: { to: 'CDG' } },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 't1', response: { flights: 2 } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 't2', response: 'none left' }] },
    ]);
    expect(reading?.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Two flights found.' },
          { type: 'text', content: 'I found two flights.' },
        ],
        finish_reason: 'stop',
      },
    ]);
    expect(reading?.provider).toBe('anthropic');
    expect(reading?.ids).toEqual({ agentName: 'trip-planner', conversationId: 'thread_9' });
  });

  it('ai 5.x generateText: still promptTokens/completionTokens', () => {
    const reading = readVercelAi(
      span({ 'ai.operationId': 'ai.generateText', 'ai.usage.promptTokens': 11, 'ai.usage.completionTokens': 3 }, { name: 'ai.generateText' }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 11, outputTokens: 3 });
  });

  it('ai 6.x detail keys win over the flat ones', () => {
    const reading = readVercelAi(
      span({
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.usage.inputTokens': 100,
        'ai.usage.inputTokenDetails.cacheReadTokens': 64,
        'ai.usage.cachedInputTokens': 1,
        'ai.usage.outputTokens': 20,
        'ai.usage.outputTokenDetails.reasoningTokens': 7,
        'ai.usage.reasoningTokens': 2,
        'gen_ai.usage.input_tokens': 999,
      }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 64, reasoningTokens: 7 });
  });
});

describe('readVercelAi: tool, embedding and object spans', () => {
  const toolSpan = span(
    {
      'operation.name': 'ai.toolCall capital-lookup',
      'ai.operationId': 'ai.toolCall',
      'resource.name': 'capital-lookup',
      'ai.telemetry.functionId': 'capital-lookup',
      'ai.toolCall.name': 'weather',
      'ai.toolCall.id': 'call_1',
      'ai.toolCall.args': '{"city":"Paris"}',
      'ai.toolCall.result': '"sunny, 21°C"',
    },
    { name: 'ai.toolCall' },
  );

  it('ai.toolCall: execute_tool named after the tool, arguments in, result out (the string unwrapped)', () => {
    expect(readVercelAi(toolSpan)).toEqual({
      operation: 'execute_tool',
      name: 'execute_tool weather',
      inputValue: { city: 'Paris' },
      outputValue: 'sunny, 21°C',
      ids: { agentName: 'capital-lookup' },
    });
  });

  it('a failed ai.toolCall: no result, the exception as the error', () => {
    const reading = readVercelAi({
      ...toolSpan,
      attributes: { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'weather', 'ai.toolCall.args': '{"city":"Atlantis"}' },
      status: { code: 2, message: 'City not found' },
      events: [{ name: 'exception', time: [1_795_000_001, 0], attributes: { 'exception.type': 'Error', 'exception.message': 'City not found' } }],
    });
    expect(reading?.outputValue).toBeUndefined();
    expect(reading?.error).toBe('Error: City not found');
  });

  it('ai.embed / ai.embedMany.doEmbed: embeddings, the values in, no vectors out, ai.usage.tokens as input tokens', () => {
    const embed = readVercelAi(
      span(
        { 'ai.operationId': 'ai.embed', 'ai.model.provider': 'openai.embedding', 'ai.value': '"sunny day"', 'ai.embedding': '[0.1,0.2]', 'ai.usage.tokens': 3 },
        { name: 'ai.embed' },
      ),
    );
    expect(embed).toEqual({ operation: 'embeddings', inputValue: 'sunny day', usage: { inputTokens: 3 }, provider: 'openai' });
    const many = readVercelAi(span({ 'ai.operationId': 'ai.embedMany.doEmbed', 'ai.values': ['"a"', '"b"'], 'ai.embeddings': ['[0.1]', '[0.2]'] }));
    expect(many).toEqual({ operation: 'embeddings', inputValue: ['a', 'b'] });
  });

  it('ai.generateObject: generate_object with the object as the output value', () => {
    const reading = readVercelAi(
      span(
        { 'ai.operationId': 'ai.generateObject', 'ai.prompt': '{"prompt":"A city"}', 'ai.response.object': '{"city":"Paris"}', 'ai.response.finishReason': 'stop' },
        { name: 'ai.generateObject' },
      ),
    );
    expect(reading).toEqual({
      operation: 'generate_object',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'A city' }] }],
      outputValue: { city: 'Paris' },
    });
  });

  it('ai.rerank: documents in, ranking out', () => {
    const reading = readVercelAi(
      span({ 'ai.operationId': 'ai.rerank', 'ai.documents': ['"a"', '"b"'], 'ai.ranking': ['{"index":1,"score":0.9}'] }, { name: 'ai.rerank' }),
    );
    expect(reading).toEqual({ operation: 'rerank', inputValue: ['a', 'b'], outputValue: [{ index: 1, score: 0.9 }] });
  });
});

describe('readVercelAi: providers', () => {
  it('maps the SDK provider id to a semconv provider name where it can, else keeps its first segment', () => {
    const provider = (value: unknown) => readVercelAi(span({ 'ai.model.provider': value }))?.provider;
    expect(provider('google.vertex.chat')).toBe('gcp.vertex_ai');
    expect(provider('google.generative-ai')).toBe('gcp.gemini');
    expect(provider('azure.responses')).toBe('azure.ai.openai');
    expect(provider('amazon-bedrock')).toBe('aws.bedrock');
    expect(provider('mistral.chat')).toBe('mistral_ai');
    expect(provider('xai.chat')).toBe('x_ai');
    expect(provider('ollama.chat')).toBe('ollama');
    expect(provider(1)).toBeUndefined();
  });
});

describe('readVercelAi: hostile input', () => {
  it('a span without ai.* keys is not ours, AI SDK 7 spec spans included', () => {
    expect(readVercelAi(span({}))).toBeUndefined();
    expect(
      readVercelAi(span({ 'gen_ai.operation.name': 'agent_step', 'gen_ai.usage.input_tokens': 10, 'gen_ai.agent.name': 'capital-lookup' }, { name: 'step 1' })),
    ).toBeUndefined();
    expect(readVercelAi(span({ aim: 1, 'ai-thing': 2 } as Record<string, unknown>))).toBeUndefined();
    expect(readVercelAi(span(null as unknown as Record<string, unknown>))).toBeUndefined();
    expect(readVercelAi(undefined as unknown as ReadableSpanLike)).toBeUndefined();
  });

  it('reads no other fixture', () => {
    for (const dir of ['semconv', 'azure']) {
      const path = fileURLToPath(new URL(`../fixtures/${dir}/`, import.meta.url));
      for (const file of readdirSync(path)) {
        if (file.startsWith('05-')) continue;
        for (const s of loadFixture(`${dir}/${file}`).spans) expect(readVercelAi(s), file).toBeUndefined();
      }
    }
  });

  it('cut-short JSON: no messages from ai.prompt.messages; a cut-short ai.prompt is kept raw as the input value', () => {
    const inner = readVercelAi(span({ 'ai.operationId': 'ai.generateText.doGenerate', 'ai.prompt.messages': '[{"role":"user","content":"Wha' }));
    expect(inner).toEqual({ operation: 'chat' });
    const outer = readVercelAi(span({ 'ai.operationId': 'ai.generateText', 'ai.prompt': '{"system":"Be brief","prompt":"Wha' }, { name: 'ai.generateText' }));
    expect(outer).toEqual({ operation: 'generate_text', inputValue: '{"system":"Be brief","prompt":"Wha' });
    const tool = readVercelAi(span({ 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'x', 'ai.toolCall.args': '{"a":', 'ai.response.toolCalls': '[{"toolCallId":"c' }));
    expect(tool?.inputValue).toBe('{"a":');
    expect(tool?.outputMessages).toBeUndefined();
  });

  it('string content is never parsed; empty content and empty text are no content', () => {
    const reading = readVercelAi(
      span({
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.prompt.messages': JSON.stringify([
          { role: 'user', content: '{"looks":"like json"}' },
          { role: 'user', content: '' },
          { role: 'user', content: [{ type: 'text', text: '' }] },
          { role: 'user', content: [{ type: 'file', data: 'aGVsbG8=', mediaType: 'text/plain', providerOptions: { x: 1 } }] },
        ]),
        'ai.response.text': '',
      }),
    );
    expect(reading?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '{"looks":"like json"}' }] },
      { role: 'user', parts: [{ type: 'file', data: 'aGVsbG8=', mediaType: 'text/plain' }] },
    ]);
    expect(reading?.outputMessages).toBeUndefined();
  });

  it('wrong types are ignored, never thrown on', () => {
    const reading = readVercelAi(
      span({
        'ai.operationId': 5,
        'ai.prompt': 42,
        'ai.prompt.messages': { role: 'user' },
        'ai.prompt.tools': [7, '{"type":"function","name":"f"}', ''],
        'ai.response.toolCalls': '{"toolCallId":"not-a-list"}',
        'ai.response.text': ['x'],
        'ai.usage.inputTokens': 'NaN',
        'ai.usage.outputTokens': -4,
        'ai.model.id': {},
        'ai.telemetry.metadata.sessionId': 12,
      }),
    );
    expect(reading).toEqual({ operation: 'chat', toolDefinitions: [7, { type: 'function', name: 'f' }] });
  });
});
