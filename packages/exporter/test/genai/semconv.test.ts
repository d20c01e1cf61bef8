import { describe, expect, it } from 'vitest';
import { readSemconv } from '../../src/genai/read/semconv.js';
import type { ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

function spanOf(file: string, name: string, index = 0): ReadableSpanLike {
  const found = loadFixture(file).spans.filter((span) => span.name === name)[index];
  if (!found) throw new Error(`no span ${name}#${index} in ${file}`);
  return found;
}

/** A hand-made span: only what the reader looks at. */
function span(attributes: Record<string, unknown>, extra: Partial<{ name: string; status: { code: number; message?: string } }> = {}): ReadableSpanLike {
  return {
    name: extra.name ?? 'chat gpt-4o',
    kind: 2,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
    startTime: [1_763_000_000, 0],
    endTime: [1_763_000_001, 0],
    status: extra.status ?? { code: 0 },
    attributes,
    events: [],
    resource: { attributes: {} },
  };
}

const V2_ON = 'azure/captured-ai-projects-2.10.0-v2-content-on.json';
const V2_OFF = 'azure/captured-ai-projects-2.10.0-v2-content-off.json';
const LEGACY = 'azure/captured-legacy-ai-projects-1.0.0-beta.3-content-on.json';

describe('readSemconv: spec example spans', () => {
  it('01 chat span: tool round trip in the input, text output, usage, models, provider, response id', () => {
    const reading = readSemconv(spanOf('semconv/01-semconv-chat-span.json', 'chat gpt-4'));
    expect(reading).toEqual({
      operation: 'chat',
      inputMessages: [
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', name: 'get_weather', arguments: { location: 'Paris' } }],
        },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_VSPygqKTWdrhaFErNvMV18Yl', response: 'rainy, 57°F' }] },
      ],
      outputMessages: [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'The weather in Paris is currently rainy with a temperature of 57°F.' }],
          finish_reason: 'stop',
        },
      ],
      usage: { inputTokens: 97, outputTokens: 52 },
      requestModel: 'gpt-4',
      responseModel: 'gpt-4-0613',
      provider: 'openai',
      ids: { responseId: 'chatcmpl-call_VSPygqKTWdrhaFErNvMV18Yl' },
    });
  });

  it('02 execute_tool span: arguments and result become inputValue/outputValue, parsed', () => {
    const reading = readSemconv(spanOf('semconv/02-semconv-execute-tool-span.json', 'execute_tool get_weather'));
    expect(reading).toEqual({
      operation: 'execute_tool',
      inputValue: { location: 'Paris' },
      outputValue: { conditions: 'rainy', temperature: 57, unit: 'fahrenheit' },
    });
    // The span is already named `execute_tool get_weather`: no rename.
    expect(reading?.name).toBeUndefined();
  });

  it('03 invoke_agent span: instructions, tool definitions, agent and conversation ids, cache tokens (0 kept)', () => {
    const reading = readSemconv(spanOf('semconv/03-semconv-invoke-agent-span.json', 'invoke_agent Math Tutor'));
    expect(reading).toEqual({
      operation: 'invoke_agent',
      systemInstructions: [{ type: 'text', content: 'You are a math tutor. Use the multiply tool for arithmetic.' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'What is 17 * 23?' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: '17 × 23 = 391.' }], finish_reason: 'stop' }],
      toolDefinitions: [{ type: 'function', name: 'multiply', description: 'Multiply two numbers' }],
      usage: { inputTokens: 182, outputTokens: 41, cacheReadTokens: 0 },
      requestModel: 'gpt-4o',
      provider: 'openai',
      ids: { agentId: 'asst_5j66UpCpwteGg4YSxUnt7lPY', agentName: 'Math Tutor', conversationId: 'conv_5j66UpCpwteGg4YSxUnt7lPY' },
    });
  });
});

describe('readSemconv: @azure/ai-projects 2.10.0 (captured), content on', () => {
  it('create_agent: instructions as parts, agent id name:version, model; temperature string is not read', () => {
    expect(readSemconv(spanOf(V2_ON, 'create_agent weather-math-agent'))).toEqual({
      operation: 'create_agent',
      systemInstructions: [
        { type: 'text', content: 'You are a helpful agent. Use code interpreter for math and get_current_weather for weather.' },
      ],
      requestModel: 'gpt-4o',
      provider: 'microsoft.foundry',
      ids: { agentId: 'weather-math-agent:1', agentName: 'weather-math-agent' },
    });
  });

  it('create_conversation: the conversation id', () => {
    expect(readSemconv(spanOf(V2_ON, 'create_conversation'))).toEqual({
      operation: 'create_conversation',
      provider: 'microsoft.foundry',
      ids: { conversationId: 'conv_0001abcdef' },
    });
  });

  it('first invoke_agent: a conversation-only request (`[{"type":"text"}]`) is no input; tool calls stay parts', () => {
    const reading = readSemconv(spanOf(V2_ON, 'invoke_agent weather-math-agent', 0));
    expect(reading?.inputMessages).toBeUndefined();
    expect(reading?.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            content: {
              type: 'code_interpreter_call',
              id: 'ci_0001',
              code: 'import math\nprint(round(math.sqrt(1764), 2))',
              outputs: [{ type: 'logs', logs: '42.0\n' }],
              status: 'completed',
            },
          },
          // arguments arrive as a raw JSON string and are parsed
          { type: 'tool_call', id: 'call_v2_fn_0001', name: 'get_current_weather', arguments: { location: 'Seattle, WA' } },
        ],
      },
    ]);
    // The reader only normalises; turning parts into tool calls happens centrally.
    expect(reading?.toolCalls).toBeUndefined();
    expect(reading).toMatchObject({
      operation: 'invoke_agent',
      usage: { inputTokens: 412, outputTokens: 57 },
      responseModel: 'gpt-4o-2024-11-20',
      provider: 'microsoft.foundry',
      ids: { agentName: 'weather-math-agent', conversationId: 'conv_0001abcdef', responseId: 'resp_0001abcdef' },
    });
    expect(reading?.requestModel).toBeUndefined();
    expect(reading?.ids?.agentId).toBeUndefined();
  });

  it('second invoke_agent: the tool result (`result`, not `response`) and the final text with finish_reason `completed`', () => {
    const reading = readSemconv(spanOf(V2_ON, 'invoke_agent weather-math-agent', 1));
    expect(reading).toEqual({
      operation: 'invoke_agent',
      inputMessages: [
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_v2_fn_0001', response: { temperature: '12C', condition: 'cloudy' } }] },
      ],
      outputMessages: [
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.' }],
          finish_reason: 'completed',
        },
      ],
      usage: { inputTokens: 530, outputTokens: 24 },
      responseModel: 'gpt-4o-2024-11-20',
      provider: 'microsoft.foundry',
      ids: { agentName: 'weather-math-agent', conversationId: 'conv_0001abcdef', responseId: 'resp_0002abcdef' },
    });
  });

  it('chat: empty instructions part `[{"type":"text"}]` is no instructions', () => {
    const reading = readSemconv(spanOf(V2_ON, 'chat gpt-4o'));
    expect(reading?.systemInstructions).toBeUndefined();
    expect(reading).toMatchObject({
      operation: 'chat',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Say hi in one word.' }] }],
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.' }], finish_reason: 'completed' },
      ],
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-11-20',
      ids: { responseId: 'resp_0003abcdef' },
    });
  });

  it('the app root span and the HTTP spans are not semconv', () => {
    const { spans } = loadFixture(V2_ON);
    for (const s of spans.filter((x) => x.name === 'weather-math-scenario' || x.name.startsWith('HTTP '))) {
      expect(readSemconv(s)).toBeUndefined();
    }
  });
});

describe('readSemconv: @azure/ai-projects 2.10.0 (captured), content off', () => {
  it('create_agent: `[{"type":"text"}]` instructions are not content', () => {
    expect(readSemconv(spanOf(V2_OFF, 'create_agent weather-math-agent'))).toEqual({
      operation: 'create_agent',
      requestModel: 'gpt-4o',
      provider: 'microsoft.foundry',
      ids: { agentId: 'weather-math-agent:1', agentName: 'weather-math-agent' },
    });
  });

  it('first invoke_agent: only part types and ids remain; no input message', () => {
    const reading = readSemconv(spanOf(V2_OFF, 'invoke_agent weather-math-agent', 0));
    expect(reading?.inputMessages).toBeUndefined();
    expect(reading?.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', content: { type: 'code_interpreter_call', id: 'ci_0001' } },
          // name: the normaliser's placeholder for a name that was not captured
          { type: 'tool_call', id: 'call_v2_fn_0001', name: 'tool', arguments: null },
        ],
      },
    ]);
    expect(reading?.usage).toEqual({ inputTokens: 412, outputTokens: 57 });
  });

  it('second invoke_agent: the tool response has no content; the empty text output is dropped', () => {
    const reading = readSemconv(spanOf(V2_OFF, 'invoke_agent weather-math-agent', 1));
    expect(reading?.inputMessages).toEqual([{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_v2_fn_0001', response: null }] }]);
    expect(reading?.outputMessages).toBeUndefined();
    expect(reading?.ids).toEqual({ agentName: 'weather-math-agent', conversationId: 'conv_0001abcdef', responseId: 'resp_0002abcdef' });
  });

  it('chat: no messages at all, the rest is read', () => {
    expect(readSemconv(spanOf(V2_OFF, 'chat gpt-4o'))).toEqual({
      operation: 'chat',
      usage: { inputTokens: 530, outputTokens: 24 },
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-11-20',
      provider: 'microsoft.foundry',
      ids: { responseId: 'resp_0003abcdef' },
    });
  });

  it('no content-off span carries any text content', () => {
    for (const s of loadFixture(V2_OFF).spans) {
      const reading = readSemconv(s);
      const text = JSON.stringify([reading?.inputMessages, reading?.outputMessages, reading?.systemInstructions]);
      expect(text).not.toContain('"content":"');
    }
  });
});

describe('readSemconv: legacy and Python Azure spans (attributes only)', () => {
  it('CreateRun: thread/run/agent ids, run status, deprecated gen_ai.system as provider', () => {
    expect(readSemconv(spanOf(LEGACY, 'CreateRun'))).toEqual({
      operation: 'create_run',
      responseModel: 'gpt-4o',
      provider: 'az.ai.agents',
      ids: { agentId: 'asst_0001abcdef', threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' },
      runStatus: 'queued',
    });
  });

  it('GetRun/DeleteAgent: the bogus operation names (Agent_Operation, DeleteAgent) are left to the Azure reader', () => {
    expect(readSemconv(spanOf(LEGACY, 'GetRun'))).toEqual({
      provider: 'az.ai.agents',
      ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' },
    });
    expect(readSemconv(spanOf(LEGACY, 'DeleteAgent'))).toEqual({ provider: 'az.ai.agents' });
  });

  it('CreateMessage: the message id', () => {
    expect(readSemconv(spanOf(LEGACY, 'CreateMessage'))?.ids).toEqual({ threadId: 'thread_0001abcdef', messageId: 'msg_user_0001' });
  });

  it('Python list_run_steps: thread and run ids written swapped are put back', () => {
    const reading = readSemconv(spanOf('azure/sample-python-azure-ai-agents-manual-run.json', 'list_run_steps'));
    expect(reading?.ids).toEqual({ threadId: 'thread_abc123', runId: 'run_abc123' });
  });

  it('Python get_thread_run: usage at completion, provider.name wins over gen_ai.system', () => {
    const reading = readSemconv(spanOf('azure/sample-python-azure-ai-agents-manual-run.json', 'get_thread_run', 2));
    expect(reading).toMatchObject({ runStatus: 'completed', usage: { inputTokens: 740, outputTokens: 98 }, provider: 'az.ai.agents' });
  });
});

describe('readSemconv: value forms', () => {
  it('accepts structured values as well as JSON strings', () => {
    const reading = readSemconv(
      span({
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' }],
        'gen_ai.system_instructions': [{ type: 'text', content: 'be brief' }],
        'gen_ai.tool.definitions': [{ type: 'function', name: 'f' }],
      }),
    );
    expect(reading).toEqual({
      operation: 'chat',
      systemInstructions: [{ type: 'text', content: 'be brief' }],
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' }],
      toolDefinitions: [{ type: 'function', name: 'f' }],
    });
  });

  it('an array of JSON strings (a homogeneous string[] attribute) is read message by message', () => {
    const reading = readSemconv(span({ 'gen_ai.input.messages': ['{"role":"user","parts":[{"type":"text","content":"a"}]}', '{"role":"assistant","parts":[{"type":"text","content":"b"}]}'] }));
    expect(reading?.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'a' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'b' }] },
    ]);
  });

  it('system instructions as a plain string (OTel contrib Responses path), even one that looks like JSON', () => {
    expect(readSemconv(span({ 'gen_ai.system_instructions': 'You are terse.' }))?.systemInstructions).toEqual([{ type: 'text', content: 'You are terse.' }]);
    // A raw string cut short stays one text part: instructions are allowed to be plain text.
    expect(readSemconv(span({ 'gen_ai.system_instructions': '[{"type":"text","content":"You are' }))?.systemInstructions).toEqual([
      { type: 'text', content: '[{"type":"text","content":"You are' },
    ]);
    expect(readSemconv(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.system_instructions': '' }))?.systemInstructions).toBeUndefined();
  });

  it('system instructions given as system messages ({role, parts}) or OpenAI-style ({role, content})', () => {
    expect(readSemconv(span({ 'gen_ai.system_instructions': '[{"role":"system","parts":[{"type":"text","content":"A"}]}]' }))?.systemInstructions).toEqual([
      { type: 'text', content: 'A' },
    ]);
    expect(readSemconv(span({ 'gen_ai.system_instructions': '[{"role":"system","content":"B"}]' }))?.systemInstructions).toEqual([{ type: 'text', content: 'B' }]);
  });

  it('double-encoded tool result and arguments are decoded', () => {
    const reading = readSemconv(
      span(
        {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.arguments': JSON.stringify(JSON.stringify({ location: 'Paris' })),
          'gen_ai.tool.call.result': '"rainy"',
        },
        { name: 'execute_tool' },
      ),
    );
    expect(reading).toEqual({ operation: 'execute_tool', name: 'execute_tool get_weather', inputValue: { location: 'Paris' }, outputValue: 'rainy' });
  });

  it('structured tool arguments, and a plain-text result, are kept', () => {
    const reading = readSemconv(span({ 'gen_ai.tool.call.arguments': { a: 1 }, 'gen_ai.tool.call.result': 'done' }));
    expect(reading).toEqual({ inputValue: { a: 1 }, outputValue: 'done' });
  });

  it('a plain string where messages were expected is one message of the expected side', () => {
    const reading = readSemconv(span({ 'gen_ai.input.messages': 'hello there', 'gen_ai.output.messages': 'general Kenobi' }));
    expect(reading?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hello there' }] }]);
    expect(reading?.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'general Kenobi' }] }]);
  });

  it('deprecated span attributes gen_ai.prompt / gen_ai.completion are the last fallback for messages', () => {
    const reading = readSemconv(span({ 'gen_ai.prompt': '[{"role":"user","content":"2+2?"}]', 'gen_ai.completion': '[{"role":"assistant","content":"4"}]' }));
    expect(reading?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: '2+2?' }] }]);
    expect(reading?.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: '4' }] }]);
    const both = readSemconv(span({ 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"new"}]}]', 'gen_ai.prompt': '[{"role":"user","content":"old"}]' }));
    expect(both?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'new' }] }]);
  });

  it('other part types are kept; redaction markers are removed from them and from text', () => {
    const reading = readSemconv(
      span({
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', content: '__REDACTED__' },
              { type: 'text', content: '__REDACTED__' },
              { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0' },
              { type: 'tool_call', id: 'c1', name: 'f', arguments: '' },
            ],
            finish_reason: 'tool_call',
          },
        ]),
      }),
    );
    expect(reading?.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning' },
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0' },
          { type: 'tool_call', id: 'c1', name: 'f', arguments: null },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });
});

describe('readSemconv: usage keys', () => {
  it('current dotted keys', () => {
    const reading = readSemconv(
      span({
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 40,
        'gen_ai.usage.cache_read.input_tokens': 60,
        'gen_ai.usage.reasoning.output_tokens': 12,
      }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 100, outputTokens: 40, cacheReadTokens: 60, reasoningTokens: 12 });
  });

  it('deprecated prompt/completion tokens and Traceloop underscore keys, total as given (never computed)', () => {
    const reading = readSemconv(
      span({
        'gen_ai.usage.prompt_tokens': 9,
        'gen_ai.usage.completion_tokens': 3,
        'gen_ai.usage.cache_read_input_tokens': 4,
        'gen_ai.usage.reasoning_tokens': 2,
        'gen_ai.usage.total_tokens': 12,
      }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 9, outputTokens: 3, cacheReadTokens: 4, reasoningTokens: 2, totalTokens: 12 });
    expect(readSemconv(span({ 'gen_ai.usage.input_tokens': 5 }))?.usage).toEqual({ inputTokens: 5 });
  });

  it('current keys win over deprecated and underscore ones', () => {
    const reading = readSemconv(
      span({
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.prompt_tokens': 99,
        'gen_ai.usage.output_tokens': 20,
        'gen_ai.usage.completion_tokens': 99,
        'gen_ai.usage.cache_read.input_tokens': 1,
        'gen_ai.usage.cache_read_input_tokens': 99,
        'gen_ai.usage.reasoning.output_tokens': 2,
        'gen_ai.usage.reasoning_tokens': 99,
      }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 10, outputTokens: 20, cacheReadTokens: 1, reasoningTokens: 2 });
  });

  it('numeric strings are read; negative, non-numeric and non-finite values are not', () => {
    const reading = readSemconv(
      span({ 'gen_ai.usage.input_tokens': '12', 'gen_ai.usage.output_tokens': -1, 'gen_ai.usage.total_tokens': 'many', 'gen_ai.usage.reasoning_tokens': Number.NaN }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 12 });
  });
});

describe('readSemconv: provider, ids, errors, naming', () => {
  it('gen_ai.provider.name wins over the deprecated gen_ai.system', () => {
    expect(readSemconv(span({ 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'OpenAI' }))?.provider).toBe('openai');
    expect(readSemconv(span({ 'gen_ai.system': 'az.ai.inference' }))?.provider).toBe('az.ai.inference');
  });

  it('error.type and the status message make one line', () => {
    const failed = { code: 2, message: 'Rate limit reached for gpt-4o' };
    expect(readSemconv(span({ 'gen_ai.operation.name': 'chat', 'error.type': '429' }, { status: failed }))?.error).toBe('429: Rate limit reached for gpt-4o');
    expect(readSemconv(span({ 'gen_ai.operation.name': 'chat', 'error.type': 'RestError' }, { status: { code: 2, message: 'RestError: boom' } }))?.error).toBe(
      'RestError: boom',
    );
    expect(readSemconv(span({ 'gen_ai.operation.name': 'chat', 'error.type': 'timeout' }))?.error).toBe('timeout');
    expect(readSemconv(span({ 'gen_ai.operation.name': 'chat' }, { status: failed }))?.error).toBe('Rate limit reached for gpt-4o');
    // A status message on a span that did not fail is not an error.
    expect(readSemconv(span({ 'gen_ai.operation.name': 'chat' }, { status: { code: 1, message: 'fine' } }))?.error).toBeUndefined();
  });

  it('an error alone does not make a span semconv', () => {
    expect(readSemconv(span({ 'error.type': 'TypeError', 'http.method': 'GET' }, { status: { code: 2, message: 'x' } }))).toBeUndefined();
  });

  it('a bare `execute_tool` span name is completed with the tool name; other names are left alone', () => {
    expect(readSemconv(span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' }, { name: 'execute_tool' }))?.name).toBe('execute_tool search');
    expect(readSemconv(span({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' }, { name: 'search.tool' }))?.name).toBeUndefined();
  });

  it('legacy Azure thread/run/message ids', () => {
    expect(readSemconv(span({ 'gen_ai.thread.id': 'thread_1', 'gen_ai.thread.run.id': 'run_1', 'gen_ai.message.id': 'msg_1', 'gen_ai.thread.run.status': 'failed' }))).toEqual({
      ids: { threadId: 'thread_1', runId: 'run_1', messageId: 'msg_1' },
      runStatus: 'failed',
    });
  });

  it('the run status of @nexus-otel/instrumentation-azure-ai (azure.ai.agents.run.status); the legacy key first when both are there', () => {
    expect(readSemconv(span({ 'gen_ai.operation.name': 'invoke_agent', 'azure.ai.agents.run.status': 'expired' }))?.runStatus).toBe('expired');
    expect(readSemconv(span({ 'gen_ai.thread.run.status': 'failed', 'azure.ai.agents.run.status': 'expired' }))?.runStatus).toBe('failed');
  });

  it('custom lower-case operation names are kept', () => {
    expect(readSemconv(span({ 'gen_ai.operation.name': 'agent_step' }))?.operation).toBe('agent_step');
  });
});

describe('readSemconv: hostile input', () => {
  it('empty, missing or non-object attributes: undefined, no throw', () => {
    expect(readSemconv(span({}))).toBeUndefined();
    expect(readSemconv({ ...span({}), attributes: null as unknown as Record<string, unknown> })).toBeUndefined();
    expect(readSemconv({ ...span({}), attributes: 'x' as unknown as Record<string, unknown> })).toBeUndefined();
  });

  it('messages JSON cut short by a length limit stays a raw string, aside from the messages', () => {
    const cut = '[{"role":"user","parts":[{"type":"text","content":"Weather in Par';
    const reading = readSemconv(span({ 'gen_ai.input.messages': cut, 'gen_ai.output.messages': '{"role":"assistant","par' }));
    expect(reading?.inputMessages).toBeUndefined();
    expect(reading?.inputValue).toBe(cut);
    expect(reading?.outputMessages).toBeUndefined();
    expect(reading?.outputValue).toBe('{"role":"assistant","par');
  });

  it('tool arguments win over a cut-short messages string for inputValue', () => {
    const reading = readSemconv(span({ 'gen_ai.tool.call.arguments': '{"q":"x"}', 'gen_ai.input.messages': '[{"role"' }));
    expect(reading?.inputValue).toEqual({ q: 'x' });
  });

  it('cut-short tool arguments stay the raw string', () => {
    expect(readSemconv(span({ 'gen_ai.tool.call.arguments': '{"location":"Par' }))?.inputValue).toBe('{"location":"Par');
  });

  it('wrong types are ignored, not thrown on', () => {
    const reading = readSemconv(
      span({
        'gen_ai.operation.name': 42,
        'gen_ai.request.model': { name: 'gpt' },
        'gen_ai.response.model': ['gpt'],
        'gen_ai.provider.name': true,
        'gen_ai.agent.id': 7,
        'gen_ai.conversation.id': '   ',
        'gen_ai.input.messages': 12345,
        'gen_ai.output.messages': [1, null, true],
        'gen_ai.system_instructions': { nonsense: true },
        'gen_ai.usage.input_tokens': { n: 1 },
        'gen_ai.thread.run.status': null,
      }),
    );
    expect(reading?.operation).toBeUndefined();
    expect(reading?.requestModel).toBeUndefined();
    expect(reading?.responseModel).toBeUndefined();
    expect(reading?.provider).toBeUndefined();
    expect(reading?.ids).toBeUndefined();
    expect(reading?.usage).toBeUndefined();
    expect(reading?.runStatus).toBeUndefined();
    expect(reading?.outputMessages).toBeUndefined();
    expect(() => JSON.stringify(reading)).not.toThrow();
  });

  it('redaction markers are no content', () => {
    const reading = readSemconv(
      span({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.call.arguments': '__REDACTED__',
        'gen_ai.tool.call.result': '',
        'gen_ai.input.messages': '__REDACTED__',
        'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":""}]}]',
        'gen_ai.tool.definitions': '__REDACTED__',
      }),
    );
    expect(reading).toEqual({ operation: 'execute_tool' });
  });

  it('messages that are not objects, or parts that are not objects, are skipped', () => {
    const reading = readSemconv(span({ 'gen_ai.input.messages': '[null, 3, {"role":"user","parts":[null, 5, {"type":"text","content":"ok"}]}]' }));
    expect(reading?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'ok' }] }]);
  });
});
