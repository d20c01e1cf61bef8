import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readOpenInference } from '../../src/genai/read/openinference.js';
import type { ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

function span(attributes: Record<string, unknown>, extra: Partial<ReadableSpanLike> = {}): ReadableSpanLike {
  return {
    name: 'OpenAI Chat Completions',
    kind: 0,
    spanContext: () => ({ traceId: 'd00dfeedd00dfeedd00dfeedd00dfeed', spanId: '7c7c7c7c7c7c7c7c', traceFlags: 1 }),
    startTime: [1_795_000_000, 0],
    endTime: [1_795_000_001, 0],
    status: { code: 1 },
    attributes,
    events: [],
    resource: { attributes: {} },
    ...extra,
  };
}

describe('readOpenInference: OpenAI chat LLM span (fixture 09)', () => {
  const [llm] = loadFixture('semconv/09-openinference-openai-chat-span.json').spans;
  const reading = readOpenInference(llm!)!;

  it('maps the span kind, the models and the provider', () => {
    expect(reading.operation).toBe('chat');
    // llm.invocation_parameters has what was asked; llm.model_name was overwritten with what answered.
    expect(reading.requestModel).toBe('gpt-4o-mini');
    expect(reading.responseModel).toBe('gpt-4o-mini-2024-07-18');
    expect(reading.provider).toBe('openai');
  });

  it('reads the flattened messages; llm.finish_reason goes on the output message', () => {
    expect(reading.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a helpful assistant.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
    ]);
    expect(reading.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'The capital of France is Paris.' }], finish_reason: 'stop' },
    ]);
  });

  it('does not repeat input.value/output.value: the messages carry the same content', () => {
    expect(reading.inputValue).toBeUndefined();
    expect(reading.outputValue).toBeUndefined();
  });

  it('reads the token counts, zero details included', () => {
    expect(reading.usage).toEqual({ inputTokens: 24, outputTokens: 9, totalTokens: 33, cacheReadTokens: 0, reasoningTokens: 0 });
  });

  it('takes the completion id from the response body in output.value', () => {
    expect(reading.ids).toEqual({ responseId: 'chatcmpl-AbC123xyz' });
  });

  it('has nothing else', () => {
    expect(Object.keys(reading).sort()).toEqual(
      ['ids', 'inputMessages', 'operation', 'outputMessages', 'provider', 'requestModel', 'responseModel', 'usage'].sort(),
    );
  });
});

describe('readOpenInference: other span kinds', () => {
  it('a TOOL span: execute_tool, the arguments from input.value, a text/plain result kept as text', () => {
    const reading = readOpenInference(
      span(
        {
          'openinference.span.kind': 'TOOL',
          'tool.name': 'get_weather',
          'tool.description': 'Get the weather',
          'tool.parameters': '{"type":"object","properties":{"city":{"type":"string"}}}',
          'input.value': '{"city":"Paris"}',
          'input.mime_type': 'application/json',
          'output.value': '{"temperature": 21}',
          'output.mime_type': 'text/plain',
          'session.id': 'sess_7',
        },
        { name: 'get_weather' },
      ),
    );
    expect(reading).toEqual({
      operation: 'execute_tool',
      inputValue: { city: 'Paris' },
      outputValue: '{"temperature": 21}',
      ids: { conversationId: 'sess_7' },
    });
  });

  it('a TOOL span without input.value falls back to tool.parameters (the Vercel processor copies the arguments there)', () => {
    const reading = readOpenInference(
      span({ 'openinference.span.kind': 'TOOL', 'tool.name': 'test-tool', 'tool.parameters': '{"test1":"test-1"}', 'output.value': 'ok' }),
    );
    expect(reading?.inputValue).toEqual({ test1: 'test-1' });
    expect(reading?.outputValue).toBe('ok');
  });

  it('AGENT and CHAIN spans: agent.name and session.id become ids; input.value without a mime type is parsed when it parses', () => {
    const agent = readOpenInference(
      span({
        'openinference.span.kind': 'AGENT',
        'agent.name': 'support-agent',
        'session.id': 'thread_abc',
        'input.value': '{"input":"Where is my order?"}',
        'output.value': 'It shipped yesterday.',
      }),
    );
    expect(agent).toEqual({
      operation: 'invoke_agent',
      inputValue: { input: 'Where is my order?' },
      outputValue: 'It shipped yesterday.',
      ids: { conversationId: 'thread_abc', agentName: 'support-agent' },
    });
    const chain = readOpenInference(span({ 'openinference.span.kind': 'chain', 'input.value': 'hello', 'input.mime_type': 'text/plain' }));
    expect(chain).toEqual({ operation: 'chain', inputValue: 'hello' });
    expect(readOpenInference(span({ 'openinference.span.kind': 'GUARDRAIL' }))?.operation).toBe('guardrail');
  });

  it('a RETRIEVER span without output.value: the documents become the output', () => {
    const reading = readOpenInference(
      span({
        'openinference.span.kind': 'RETRIEVER',
        'input.value': 'refund policy',
        'retrieval.documents.1.document.id': 'doc-2',
        'retrieval.documents.1.document.content': 'Refunds within 30 days.',
        'retrieval.documents.1.document.score': 0.71,
        'retrieval.documents.0.document.id': 'doc-1',
        'retrieval.documents.0.document.score': '0.91',
        'retrieval.documents.0.document.metadata': '{"source":"faq.md"}',
      }),
    );
    expect(reading?.operation).toBe('retrieval');
    expect(reading?.inputValue).toBe('refund policy');
    expect(reading?.outputValue).toEqual([
      { id: 'doc-1', score: 0.91, metadata: { source: 'faq.md' } },
      { id: 'doc-2', content: 'Refunds within 30 days.', score: 0.71 },
    ]);
  });

  it('an EMBEDDING span: the embedded texts as input, the embedding model as request model', () => {
    const reading = readOpenInference(
      span({
        'openinference.span.kind': 'EMBEDDING',
        'embedding.model_name': 'text-embedding-3-small',
        'embedding.embeddings.0.embedding.text': 'hello',
        'embedding.embeddings.1.embedding.text': 'world',
        'embedding.embeddings.0.embedding.vector': [0.1, 0.2],
        'llm.token_count.prompt': 2,
        'llm.token_count.total': 2,
      }),
    );
    expect(reading).toEqual({
      operation: 'embeddings',
      inputValue: ['hello', 'world'],
      requestModel: 'text-embedding-3-small',
      usage: { inputTokens: 2, totalTokens: 2 },
    });
  });

  it('a completions-API LLM span (llm.prompts, no messages) is text_completion', () => {
    const reading = readOpenInference(span({ 'openinference.span.kind': 'LLM', 'llm.prompts': ['Say hi'], 'llm.model_name': 'gpt-3.5-turbo-instruct' }));
    expect(reading?.operation).toBe('text_completion');
    expect(reading?.inputValue).toBe('Say hi');
    const flattened = readOpenInference(span({ 'openinference.span.kind': 'LLM', 'llm.prompts.0.prompt.text': 'Say hi' }));
    expect(flattened?.operation).toBe('text_completion');
    expect(flattened?.inputValue).toBe('Say hi');
  });
});

describe('readOpenInference: rich messages', () => {
  const reading = readOpenInference(
    span({
      'openinference.span.kind': 'LLM',
      'llm.provider': 'azure',
      'llm.system': 'openai',
      'llm.request.model_name': 'gpt-4o',
      'llm.response.model_name': 'gpt-4o-2024-08-06',
      'llm.model_name': 'ignored-when-the-split-names-exist',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.name': 'alice',
      'llm.input_messages.0.message.contents.0.message_content.type': 'text',
      'llm.input_messages.0.message.contents.0.message_content.text': 'What is in these images?',
      'llm.input_messages.0.message.contents.1.message_content.type': 'image',
      'llm.input_messages.0.message.contents.1.message_content.image.image.url': 'https://example.com/cat.png',
      'llm.input_messages.0.message.contents.2.message_content.type': 'image',
      'llm.input_messages.0.message.contents.2.message_content.image.image.url': 'data:image/png;base64,iVBORw0KGgo=',
      'llm.input_messages.1.message.role': 'assistant',
      'llm.input_messages.1.message.tool_calls.0.tool_call.id': 'call_1',
      'llm.input_messages.1.message.tool_calls.0.tool_call.function.name': 'classify',
      'llm.input_messages.1.message.tool_calls.0.tool_call.function.arguments': '{"labels":["cat","dog"]}',
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.tool_call_id': 'call_1',
      'llm.input_messages.3.message.content': '"cat"',
      'llm.input_messages.4.message.role': 'function',
      'llm.input_messages.4.message.function_call_name': 'legacy_fn',
      'llm.input_messages.4.message.content': '{"ok":true}',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.contents.0.message_content.type': 'reasoning',
      'llm.output_messages.0.message.contents.0.message_content.text': 'The first image is a cat.',
      'llm.output_messages.0.message.function_call_name': 'report',
      'llm.output_messages.0.message.function_call_arguments_json': '{"animal":"cat"}',
      'llm.tools.0.tool.json_schema': '{"type":"function","function":{"name":"classify","parameters":{"type":"object"}}}',
      'llm.tools.1.tool.json_schema': '{"type":"function","function":{"name":"report"',
      'input.value': '{"model":"gpt-4o"}',
      'input.mime_type': 'application/json',
      'llm.token_count.prompt_details.cache_read': 100,
      'llm.token_count.completion_details.reasoning': 12,
    }),
  )!;

  it('content items become text, uri and blob parts; tool calls and results are parsed; the gap at index 2 is skipped', () => {
    expect(reading.inputMessages).toEqual([
      {
        role: 'user',
        name: 'alice',
        parts: [
          { type: 'text', content: 'What is in these images?' },
          { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' },
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0KGgo=' },
        ],
      },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'classify', arguments: { labels: ['cat', 'dog'] } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'cat' }] },
      { role: 'function', name: 'legacy_fn', parts: [{ type: 'tool_call_response', id: null, response: { ok: true } }] },
    ]);
  });

  it('output reasoning and a legacy function call', () => {
    expect(reading.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The first image is a cat.' },
          { type: 'tool_call', id: null, name: 'report', arguments: { animal: 'cat' } },
        ],
      },
    ]);
  });

  it('tool definitions parsed one by one; a cut-short one stays raw', () => {
    expect(reading.toolDefinitions).toEqual([
      { type: 'function', function: { name: 'classify', parameters: { type: 'object' } } },
      '{"type":"function","function":{"name":"report"',
    ]);
  });

  it('split model names win; llm.provider wins over llm.system; the detail token counts are read', () => {
    expect(reading.requestModel).toBe('gpt-4o');
    expect(reading.responseModel).toBe('gpt-4o-2024-08-06');
    expect(reading.provider).toBe('azure');
    expect(reading.usage).toEqual({ cacheReadTokens: 100, reasoningTokens: 12 });
    expect(reading.inputValue).toBeUndefined();
  });
});

describe('readOpenInference: errors', () => {
  it('an ERROR span: the exception as `type: message`, else the status message', () => {
    const events = [{ name: 'exception', time: [1_795_000_001, 0] as [number, number], attributes: { 'exception.type': 'APIConnectionError', 'exception.message': 'Connection error.' } }];
    const failed = readOpenInference(span({ 'openinference.span.kind': 'LLM' }, { status: { code: 2, message: 'Connection error.' }, events }));
    expect(failed?.error).toBe('APIConnectionError: Connection error.');
    expect(readOpenInference(span({ 'openinference.span.kind': 'LLM' }, { status: { code: 2, message: 'boom' } }))?.error).toBe('boom');
    expect(readOpenInference(span({ 'openinference.span.kind': 'LLM' }, { status: { code: 1 } }))?.error).toBeUndefined();
  });
});

describe('readOpenInference: hostile input', () => {
  it('is not OpenInference without an OpenInference key (OpenLLMetry llm.* keys do not count)', () => {
    expect(readOpenInference(span({}))).toBeUndefined();
    expect(readOpenInference(span({ 'input.value': 'hi', 'session.id': 's' }))).toBeUndefined();
    expect(readOpenInference(span({ 'llm.request.type': 'chat', 'llm.usage.total_tokens': 3, 'llm.request.functions.0.name': 'f' }))).toBeUndefined();
    expect(readOpenInference(span(null as unknown as Record<string, unknown>))).toBeUndefined();
    expect(readOpenInference(undefined as unknown as ReadableSpanLike)).toBeUndefined();
  });

  it('reads no other fixture', () => {
    for (const dir of ['semconv', 'azure']) {
      const path = fileURLToPath(new URL(`../fixtures/${dir}/`, import.meta.url));
      for (const file of readdirSync(path)) {
        if (file.startsWith('09-')) continue;
        for (const s of loadFixture(`${dir}/${file}`).spans) expect(readOpenInference(s), file).toBeUndefined();
      }
    }
  });

  it('"__REDACTED__" (OPENINFERENCE_HIDE_*) and "" are no content: no messages, no values', () => {
    const reading = readOpenInference(
      span({
        'openinference.span.kind': 'LLM',
        'input.value': '__REDACTED__',
        'output.value': '__REDACTED__',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': '__REDACTED__',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.contents.0.message_content.type': 'image',
        'llm.input_messages.1.message.contents.0.message_content.image.image.url': '__REDACTED__',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': '',
        'llm.tools.0.tool.json_schema': '__REDACTED__',
      }),
    );
    expect(reading).toEqual({ operation: 'chat' });
  });

  it('cut-short JSON stays raw; tool call arguments that do not parse stay a string', () => {
    const reading = readOpenInference(
      span({
        'openinference.span.kind': 'LLM',
        'output.value': '{"id":"chatcmpl-1","object":"chat.comp',
        'output.mime_type': 'application/json',
        'input.value': '{"messages":[{"role":"user","content":"hi',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'lookup',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"par',
      }),
    );
    expect(reading?.inputValue).toBe('{"messages":[{"role":"user","content":"hi');
    expect(reading?.outputValue).toBeUndefined();
    expect(reading?.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'lookup', arguments: '{"q":"par' }] }]);
    expect(reading?.ids).toBeUndefined();
  });

  it('wrong types are ignored, never thrown on', () => {
    const reading = readOpenInference(
      span({
        'openinference.span.kind': 42,
        'llm.model_name': 7,
        'llm.invocation_parameters': '{not json',
        'llm.input_messages.0.message.role': { nested: true },
        'llm.input_messages.0.message.content': 3.5,
        'llm.input_messages.x.message.content': 'no index',
        'llm.input_messages.1.message.contents.zero.message_content.text': 'no index',
        'llm.input_messages.2.message.contents.0.message_content.type': 'audio',
        'llm.token_count.prompt': 'lots',
        'llm.token_count.completion': -1,
        'llm.token_count.total': '12',
        'session.id': ['s'],
        'output.value': 12,
      }),
    );
    expect(reading).toEqual({
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: '3.5' }] }],
      outputValue: 12,
      usage: { totalTokens: 12 },
    });
  });
});
