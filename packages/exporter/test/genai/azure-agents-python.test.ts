import { describe, expect, it } from 'vitest';
import { readAzureAgentsPython } from '../../src/genai/read/azure-agents-python.js';
import type { ReadableSpanLike } from '../../src/otel/types.js';
import { loadFixture } from '../fixtures/load.js';

const { spans } = loadFixture('azure/sample-python-azure-ai-agents-manual-run.json');
const byId = (id: string): ReadableSpanLike => {
  const span = spans.find((s) => s.spanContext().spanId === id);
  if (!span) throw new Error(`no span ${id}`);
  return span;
};

/** A span as the Python instrumentor would hand it over, for shapes the fixture does not hold. */
function pySpan(overrides: Partial<ReadableSpanLike> & { attributes?: Record<string, unknown> } = {}): ReadableSpanLike {
  return {
    name: 'process_thread_run',
    kind: 2,
    spanContext: () => ({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00000000000000ff', traceFlags: 1 }),
    startTime: [1_760_000_000, 0],
    endTime: [1_760_000_001, 0],
    status: { code: 0 },
    events: [],
    resource: { attributes: {} },
    instrumentationScope: { name: 'azure.ai.agents.telemetry' },
    ...overrides,
    attributes: { 'gen_ai.system': 'az.ai.agents', 'gen_ai.operation.name': 'process_thread_run', ...(overrides.attributes ?? {}) },
  };
}

const iso = (text: string): number => Date.parse(text);

describe('readAzureAgentsPython: the hand-built manual-run sample', () => {
  it('the app root span is not Azure', () => {
    expect(readAzureAgentsPython(byId('0000000000000001'))).toBeUndefined();
  });

  it('create_agent weather-math-agent', () => {
    expect(readAzureAgentsPython(byId('0000000000000002'))).toEqual({
      provider: 'az.ai.agents',
      operation: 'create_agent',
      requestModel: 'gpt-4o',
      ids: { agentId: 'asst_abc123', agentName: 'weather-math-agent' },
    });
  });

  it('create_thread and create_message: ids (the user message event is left to the span-events reader)', () => {
    expect(readAzureAgentsPython(byId('0000000000000003'))).toEqual({ provider: 'az.ai.agents', operation: 'create_thread', ids: { threadId: 'thread_abc123' } });
    const message = readAzureAgentsPython(byId('0000000000000004'));
    expect(message).toEqual({ provider: 'az.ai.agents', operation: 'create_message', ids: { threadId: 'thread_abc123', messageId: 'msg_user_1' } });
    expect(message?.inputMessages).toBeUndefined();
  });

  it('start_thread_run: run id, status queued, response model', () => {
    expect(readAzureAgentsPython(byId('0000000000000005'))).toEqual({
      provider: 'az.ai.agents',
      operation: 'start_thread_run',
      responseModel: 'gpt-4o',
      runStatus: 'queued',
      ids: { agentId: 'asst_abc123', threadId: 'thread_abc123', runId: 'run_abc123' },
    });
  });

  it('get_thread_run polls: in_progress, requires_action, then completed with the run usage', () => {
    expect(readAzureAgentsPython(byId('0000000000000006'))?.runStatus).toBe('in_progress');
    expect(readAzureAgentsPython(byId('0000000000000007'))?.runStatus).toBe('requires_action');
    const done = readAzureAgentsPython(byId('0000000000000009'));
    expect(done).toEqual({
      provider: 'az.ai.agents',
      operation: 'get_thread_run',
      responseModel: 'gpt-4o',
      runStatus: 'completed',
      usage: { inputTokens: 740, outputTokens: 98 },
      ids: { agentId: 'asst_abc123', threadId: 'thread_abc123', runId: 'run_abc123' },
    });
    expect(done?.error).toBeUndefined();
  });

  it('submit_tool_outputs: ids and status; its tool message matches no call on this span', () => {
    const reading = readAzureAgentsPython(byId('0000000000000008'));
    expect(reading).toEqual({
      provider: 'az.ai.agents',
      operation: 'submit_tool_outputs',
      responseModel: 'gpt-4o',
      runStatus: 'queued',
      ids: { threadId: 'thread_abc123', runId: 'run_abc123' },
    });
    expect(reading?.toolCalls).toBeUndefined();
  });

  it('list_run_steps (message_creation): swapped span ids put right, agent and message id from the step', () => {
    const reading = readAzureAgentsPython(byId('000000000000000a'));
    expect(reading).toEqual({
      provider: 'az.ai.agents',
      operation: 'list_run_steps',
      ids: { agentId: 'asst_abc123', threadId: 'thread_abc123', runId: 'run_abc123', messageId: 'msg_asst_2' },
    });
    // The event has no body in the versions read, so no message content; step usage is not the span's.
    expect(reading?.outputMessages).toBeUndefined();
    expect(reading?.usage).toBeUndefined();
  });

  it('list_run_steps (function step): the call with the step times', () => {
    const reading = readAzureAgentsPython(byId('000000000000000b'));
    expect(reading?.ids).toEqual({ agentId: 'asst_abc123', threadId: 'thread_abc123', runId: 'run_abc123' });
    expect(reading?.toolCalls).toEqual([
      {
        id: 'call_fn_1',
        type: 'function',
        name: 'get_current_weather',
        input: { location: 'Seattle, WA' },
        output: null,
        status: 'ok',
        startedAtMillis: iso('2025-10-09T08:53:34Z'),
        endedAtMillis: iso('2025-10-09T08:53:39Z'),
      },
    ]);
  });

  it('list_run_steps (code_interpreter step)', () => {
    expect(readAzureAgentsPython(byId('000000000000000c'))?.toolCalls).toEqual([
      {
        id: 'call_ci_1',
        type: 'code_interpreter',
        name: 'code_interpreter',
        input: 'import math\nprint(math.sqrt(1764))',
        output: '42.0',
        status: 'ok',
        startedAtMillis: iso('2025-10-09T08:53:31Z'),
        endedAtMillis: iso('2025-10-09T08:53:33Z'),
      },
    ]);
  });

  it('list_messages: one span per message, ids lifted from its only event', () => {
    expect(readAzureAgentsPython(byId('000000000000000d'))).toEqual({
      provider: 'az.ai.agents',
      operation: 'list_messages',
      ids: { agentId: 'asst_abc123', threadId: 'thread_abc123', runId: 'run_abc123', messageId: 'msg_asst_2' },
    });
    expect(readAzureAgentsPython(byId('000000000000000e'))?.ids).toEqual({ threadId: 'thread_abc123', messageId: 'msg_user_1' });
  });
});

describe('readAzureAgentsPython: shapes from the instrumentor source', () => {
  it('a run with last_error: status ERROR + error.type → `code: message`', () => {
    const reading = readAzureAgentsPython(
      pySpan({
        name: 'get_thread_run',
        status: { code: 2, message: 'Rate limit is exceeded. Try again in 20 seconds.' },
        attributes: { 'gen_ai.operation.name': 'get_thread_run', 'gen_ai.thread.run.status': 'failed', 'error.type': 'rate_limit_exceeded' },
      }),
    );
    expect(reading?.runStatus).toBe('failed');
    expect(reading?.error).toBe('rate_limit_exceeded: Rate limit is exceeded. Try again in 20 seconds.');
  });

  it('an exception: error.type alone, or a message that already starts with it', () => {
    expect(readAzureAgentsPython(pySpan({ status: { code: 2 }, attributes: { 'error.type': 'azure.core.exceptions.HttpResponseError' } }))?.error).toBe(
      'azure.core.exceptions.HttpResponseError',
    );
    expect(readAzureAgentsPython(pySpan({ status: { code: 2, message: 'ValueError: bad' }, attributes: { 'error.type': 'ValueError' } }))?.error).toBe('ValueError: bad');
    expect(readAzureAgentsPython(pySpan({ status: { code: 0 }, attributes: { 'error.type': 'x' } }))?.error).toBeUndefined();
  });

  it('newer releases: gen_ai.provider.name only', () => {
    const reading = readAzureAgentsPython({ ...pySpan(), attributes: { 'gen_ai.provider.name': 'az.ai.agents', 'gen_ai.operation.name': 'create_thread', 'gen_ai.thread.id': 'thread_1' } });
    expect(reading).toEqual({ provider: 'az.ai.agents', operation: 'create_thread', ids: { threadId: 'thread_1' } });
  });

  it('streaming process_thread_run: tool calls from gen_ai.assistant.message, outputs from gen_ai.tool.message', () => {
    const stepAttributes = {
      'gen_ai.system': 'az.ai.agents',
      'gen_ai.thread.id': 'thread_1',
      'gen_ai.agent.id': 'asst_1',
      'gen_ai.thread.run.id': 'run_1',
      'gen_ai.message.status': 'completed',
      'gen_ai.run_step.start.timestamp': '2025-10-09T08:53:31+00:00',
      'gen_ai.run_step.end.timestamp': '2025-10-09T08:53:33.500000+00:00',
      'gen_ai.event.content': JSON.stringify({
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: { city: 'Seattle' } } },
          { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: {} } },
        ],
      }),
    };
    const reading = readAzureAgentsPython(
      pySpan({
        attributes: { 'gen_ai.thread.id': 'thread_1', 'gen_ai.thread.run.id': 'run_1', 'gen_ai.thread.run.status': 'completed', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': '20' },
        events: [
          { name: 'gen_ai.assistant.message', time: [1_760_000_000, 0], attributes: stepAttributes },
          { name: 'gen_ai.tool.message', time: [1_760_000_000, 1], attributes: { 'gen_ai.event.content': '{"content": "{\\"temp\\": 12}", "id": "call_a"}' } },
          { name: 'gen_ai.tool.message', time: [1_760_000_000, 2], attributes: { 'gen_ai.event.content': '{"content": "", "id": "call_b"}' } },
          { name: 'gen_ai.assistant.message', time: [1_760_000_000, 3], attributes: { 'gen_ai.event.content': '{"content": {"text": {"value": "12C"}}, "role": "assistant"}' } },
        ],
      }),
    );
    expect(reading?.usage).toEqual({ inputTokens: 100, outputTokens: 20 });
    expect(reading?.toolCalls).toEqual([
      {
        id: 'call_a',
        type: 'function',
        name: 'get_weather',
        input: { city: 'Seattle' },
        output: { temp: 12 },
        status: 'ok',
        startedAtMillis: iso('2025-10-09T08:53:31Z'),
        endedAtMillis: iso('2025-10-09T08:53:33.5Z'),
      },
      // Content off on the tool message (`""`): no output.
      { id: 'call_b', type: 'function', name: 'get_time', input: {}, output: null, status: 'ok', startedAtMillis: iso('2025-10-09T08:53:31Z'), endedAtMillis: iso('2025-10-09T08:53:33.5Z') },
    ]);
    // The text message event is the span-events reader's; several message events disagree on nothing here.
    expect(reading?.outputMessages).toBeUndefined();
  });

  it('a failed step: error.type/error.message → call status error', () => {
    const reading = readAzureAgentsPython(
      pySpan({
        name: 'list_run_steps',
        attributes: { 'gen_ai.operation.name': 'list_run_steps' },
        events: [
          {
            name: 'gen_ai.run_step.tool_calls',
            time: [1_760_000_000, 0],
            attributes: {
              'gen_ai.run_step.status': 'failed',
              'error.type': 'server_error',
              'error.message': 'Sandbox crashed',
              'gen_ai.run_step.start.timestamp': '1728464011',
              'gen_ai.event.content': '{"tool_calls":[{"id":"call_ci_9","type":"code_interpreter"}]}',
            },
          },
        ],
      }),
    );
    expect(reading?.toolCalls).toEqual([
      { id: 'call_ci_9', type: 'code_interpreter', name: 'code_interpreter', input: null, output: null, status: 'error', error: 'server_error: Sandbox crashed', startedAtMillis: 1728464011000 },
    ]);
    expect(reading?.error).toBeUndefined();
  });

  it('an expired step without last_error', () => {
    const reading = readAzureAgentsPython(
      pySpan({
        events: [{ name: 'gen_ai.run_step.tool_calls', time: [1, 0], attributes: { 'gen_ai.run_step.status': 'expired', 'gen_ai.event.content': '{"tool_calls":[{"id":"c","type":"function"}]}' } }],
      }),
    );
    expect(reading?.toolCalls?.[0]).toMatchObject({ status: 'error', error: 'run step expired' });
  });

  it('a message_creation event with a body becomes an output message', () => {
    const reading = readAzureAgentsPython(
      pySpan({
        events: [
          { name: 'gen_ai.run_step.message_creation', time: [1, 0], attributes: { 'gen_ai.message.id': 'msg_1', 'gen_ai.event.content': '{"content": {"text": {"value": "42"}}, "role": "assistant"}' } },
          { name: 'gen_ai.run_step.message_creation', time: [1, 0], attributes: { 'gen_ai.message.id': 'msg_2', 'gen_ai.event.content': '{"role": "assistant"}' } },
        ],
      }),
    );
    expect(reading?.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: '42' }] }]);
    // Two different message ids on the events: neither is the span's.
    expect(reading?.ids?.messageId).toBeUndefined();
  });

  it('not this source: legacy JS spans, other systems, no attributes', () => {
    const legacy = loadFixture('azure/captured-legacy-ai-projects-1.0.0-beta.3-content-on.json').spans;
    for (const span of legacy) expect(readAzureAgentsPython(span)).toBeUndefined();
    const v2 = loadFixture('azure/captured-ai-projects-2.10.0-v2-content-on.json').spans;
    for (const span of v2) expect(readAzureAgentsPython(span)).toBeUndefined();
    expect(readAzureAgentsPython({ ...pySpan(), name: 'GetRun', instrumentationScope: { name: 'x' } })).toBeUndefined();
    expect(readAzureAgentsPython({ ...pySpan(), attributes: { 'gen_ai.system': 'openai' } })).toBeUndefined();
    expect(readAzureAgentsPython({ ...pySpan(), attributes: {} })).toBeUndefined();
    expect(readAzureAgentsPython({ ...pySpan(), attributes: undefined as unknown as Record<string, unknown> })).toBeUndefined();
  });

  it('hostile input: bad JSON, cut-short JSON, wrong types, bad timestamps', () => {
    const reading = readAzureAgentsPython(
      pySpan({
        name: 42 as unknown as string,
        attributes: {
          'gen_ai.operation.name': 7,
          'gen_ai.thread.id': ['thread_x'],
          'gen_ai.thread.run.status': null,
          'gen_ai.usage.input_tokens': 'many',
          'gen_ai.usage.output_tokens': Number.NaN,
        },
        status: undefined as unknown as ReadableSpanLike['status'],
        events: [
          null,
          { name: 'gen_ai.run_step.tool_calls', time: [1, 0], attributes: { 'gen_ai.event.content': '{"tool_calls": [{"id": "call_1", "type": "func' } },
          { name: 'gen_ai.run_step.tool_calls', time: [1, 0], attributes: { 'gen_ai.event.content': 'not json' } },
          { name: 'gen_ai.run_step.tool_calls', time: [1, 0], attributes: { 'gen_ai.event.content': 12, 'gen_ai.run_step.start.timestamp': 'yesterday' } },
          { name: 'gen_ai.run_step.tool_calls', time: [1, 0], attributes: { 'gen_ai.event.content': '{"tool_calls":[{"id":"c","type":"function"}]}', 'gen_ai.run_step.start.timestamp': 'yesterday', 'gen_ai.run_step.end.timestamp': {} } },
          { name: 'gen_ai.tool.message', time: [1, 0], attributes: { 'gen_ai.event.content': '{"content": "x"' } },
          { name: 'gen_ai.tool.message', time: [1, 0] },
          { name: 7, time: [1, 0], attributes: {} },
        ] as unknown as ReadableSpanLike['events'],
      }),
    );
    expect(reading).toEqual({
      provider: 'az.ai.agents',
      toolCalls: [{ id: 'c', type: 'function', name: 'function', input: null, output: null }],
    });
    expect(readAzureAgentsPython({ ...pySpan(), events: 'x' as unknown as ReadableSpanLike['events'] })).toEqual({ provider: 'az.ai.agents', operation: 'process_thread_run' });
  });
});
