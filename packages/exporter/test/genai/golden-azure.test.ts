import { describe, expect, it } from 'vitest';
import { createGenAiMapper, type MappedTrace, type ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

const context = { maxFieldBytes: 32 * 1024 };

function map(spans: ReadableSpanLike[], options: Parameters<typeof createGenAiMapper>[0] = {}): MappedTrace {
  return createGenAiMapper(options).mapTrace(spans, context);
}

/** `name` at its depth, in order: the tree a user sees. */
function tree(trace: MappedTrace): string[] {
  const byId = new Map(trace.spans.map((s) => [s.localId, s]));
  const depth = (id: string | null): number => (id && byId.has(id) ? 1 + depth(byId.get(id)!.parentLocalId) : 0);
  return trace.spans.map((s) => `${'  '.repeat(depth(s.localId) - 1)}${s.name}`);
}

function span(trace: MappedTrace, name: string, index = 0) {
  const found = trace.spans.filter((s) => s.name === name)[index];
  if (!found) throw new Error(`no span ${name} #${index}: ${tree(trace).join(' | ')}`);
  return found;
}

describe('golden: Python AIAgentsInstrumentor manual run (hand-built sample)', () => {
  const trace = map(loadFixture('azure/sample-python-azure-ai-agents-manual-run.json').spans);

  it('header: success, ids, run status and tokens of the completed run', () => {
    expect(trace.header.name).toBe('weather-math-scenario');
    expect(trace.header.status).toBe('success');
    expect(trace.header.metadata).toMatchObject({
      agent_id: 'asst_abc123',
      agent_name: 'weather-math-agent',
      thread_id: 'thread_abc123',
      run_id: 'run_abc123',
      run_status: 'completed',
      input_tokens: 740,
      output_tokens: 98,
      total_tokens: 838,
      models: 'gpt-4o',
      tool_calls: 2,
      tool_calls_function: 1,
      tool_calls_code_interpreter: 1,
    });
    expect(trace.header.metadata['error']).toBeUndefined();
  });

  it('run-step tool calls are execute_tool spans under their step, with the step\'s own times', () => {
    const weather = span(trace, 'execute_tool get_current_weather');
    expect(weather.input).toEqual({ location: 'Seattle, WA' });
    expect(weather.output).toEqual({ temperature: '12C', condition: 'cloudy' });
    const code = span(trace, 'execute_tool code_interpreter');
    expect(code.input).toBe('import math\nprint(math.sqrt(1764))');
    expect(code.output).toBe('42.0');
    const carrier = trace.spans.find((s) => s.localId === code.parentLocalId)!;
    expect(carrier.name).toBe('list_run_steps');
    // The step's own timestamps, not the carrier span's.
    expect(code.startedAt).not.toBe(carrier.startedAt);
    expect(code.startedAt <= (code.endedAt ?? '')).toBe(true);
  });

  it('messages from event bodies, in the canonical shape', () => {
    expect(span(trace, 'create_message').input).toMatchObject({
      messages: [{ role: 'user', parts: [{ type: 'text', content: "What is sqrt(1764)? And what's the weather in Seattle?" }] }],
    });
    expect(span(trace, 'submit_tool_outputs').input).toMatchObject({
      messages: [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_fn_1', response: { temperature: '12C', condition: 'cloudy' } }] }],
    });
    expect(span(trace, 'create_agent weather-math-agent').input).toMatchObject({
      messages: [{ role: 'system', parts: [{ type: 'text', content: 'You are a helpful agent. Use code interpreter for math and get_current_weather for weather.' }] }],
    });
  });

  it('a run that ends failed makes an error trace with one `code: message` line', () => {
    const spans = loadFixture('azure/sample-python-azure-ai-agents-manual-run.json').spans.map((s) =>
      s.spanContext().spanId === '0000000000000009'
        ? { ...s, spanContext: s.spanContext, status: { code: 2, message: 'Rate limit is exceeded.' }, attributes: { ...s.attributes, 'gen_ai.thread.run.status': 'failed', 'error.type': 'rate_limit_exceeded' } }
        : s,
    );
    const failed = map(spans);
    expect(failed.header.status).toBe('error');
    expect(failed.header.metadata['error']).toBe('rate_limit_exceeded: Rate limit is exceeded.');
    expect(failed.header.metadata['run_status']).toBe('failed');
  });

  it('a run that expired is a timeout; a child error the run survived is not a failure', () => {
    const expired = loadFixture('azure/sample-python-azure-ai-agents-manual-run.json').spans.map((s) =>
      s.spanContext().spanId === '0000000000000009' ? { ...s, spanContext: s.spanContext, attributes: { ...s.attributes, 'gen_ai.thread.run.status': 'expired' } } : s,
    );
    expect(map(expired).header.status).toBe('timeout');
    const toolFailed = loadFixture('azure/sample-python-azure-ai-agents-manual-run.json').spans.map((s) =>
      s.spanContext().spanId === '0000000000000008' ? { ...s, spanContext: s.spanContext, status: { code: 2, message: 'tool crashed' } } : s,
    );
    const survived = map(toolFailed);
    expect(survived.header.status).toBe('success');
    expect(span(survived, 'submit_tool_outputs')).toMatchObject({ status: 'error', error: 'tool crashed' });
  });
});

describe('the run that decides the trace status', () => {
  it('is the outer run span, though a call traced inside it seems to end later (span clocks start at whole milliseconds)', () => {
    const spans = loadFixture('azure/sample-python-azure-ai-agents-manual-run.json').spans.map((s) =>
      s.spanContext().spanId === '0000000000000009' ? { ...s, spanContext: s.spanContext, attributes: { ...s.attributes, 'gen_ai.thread.run.status': 'expired' } } : s,
    );
    const run = spans.find((s) => s.spanContext().spanId === '0000000000000009')!;
    const [seconds, nanos] = run.endTime;
    // A poll traced inside the run (as @nexus-otel/instrumentation-azure-ai traces them), its end 0.5 ms past the run's.
    const poll: ReadableSpanLike = {
      ...run,
      name: 'get_thread_run',
      spanContext: () => ({ ...run.spanContext(), spanId: '00000000000000f1' }),
      parentSpanContext: { ...run.spanContext(), isRemote: false },
      attributes: { 'gen_ai.operation.name': 'get_thread_run' },
      status: { code: 0 },
      events: [],
      endTime: nanos + 500_000 < 1e9 ? [seconds, nanos + 500_000] : [seconds + 1, nanos + 500_000 - 1e9],
    };
    expect(map([...spans, poll]).header.status).toBe('timeout');
  });
});

describe('golden: @azure/ai-projects 1.0.0-beta.3 legacy (captured)', () => {
  const trace = map(loadFixture('azure/captured-legacy-ai-projects-1.0.0-beta.3-content-on.json').spans);

  it('PascalCase spans read as operations; the Agent_Operation bug is undone', () => {
    expect(tree(trace)).toEqual([
      'weather-math-scenario',
      '  create_agent weather-math-agent',
      '  create_thread',
      '  create_message',
      '  create_run',
      '  get_thread_run',
      '  get_thread_run',
      '  submit_tool_outputs',
      '  get_thread_run',
      '  list_run_steps',
      '  list_messages',
      '  delete_agent',
    ]);
    expect(trace.header.metadata).toMatchObject({ agent_id: 'asst_0001abcdef', thread_id: 'thread_0001abcdef', run_id: 'run_0001abcdef' });
    // GetRun has no end hook in that SDK: the final run status is unknown, so none is claimed.
    expect(trace.header.metadata['run_status']).toBeUndefined();
    expect(trace.header.status).toBe('success');
  });

  it('message events become canonical messages; HTTP children are folded into a count', () => {
    expect(span(trace, 'create_message').input).toMatchObject({
      messages: [{ role: 'user', parts: [{ type: 'text', content: "What is sqrt(1764)? And what's the weather in Seattle?" }] }],
    });
    expect(span(trace, 'delete_agent').input).toMatchObject({ transport_spans: 1 });
  });
});

describe('golden: @azure/ai-agents 1.1 (HTTP spans only, captured)', () => {
  const trace = map(loadFixture('azure/captured-ai-agents-1.1.0.json').spans);

  it('the HTTP calls read as the agent run they were', () => {
    expect(tree(trace)).toEqual([
      'weather-math-scenario',
      '  create_agent',
      '  create_thread',
      '  create_message',
      '  create_run',
      '  get_run',
      '  get_run',
      '  submit_tool_outputs',
      '  get_run',
      '  list_run_steps',
      '  list_messages',
      '  delete_agent',
    ]);
    expect(trace.header.metadata).toMatchObject({ agent_id: 'asst_0001abcdef', thread_id: 'thread_0001abcdef', run_id: 'run_0001abcdef' });
    expect(trace.header.status).toBe('success');
  });
});

describe('golden: @azure/ai-projects 2.10 content off (captured)', () => {
  const trace = map(loadFixture('azure/captured-ai-projects-2.10.0-v2-content-off.json').spans);

  it('no content, but the run still reads: tool calls by type, tokens, ids', () => {
    const text = JSON.stringify(trace);
    for (const content of ['Seattle', 'sqrt', 'helpful agent', 'cloudy', 'Say hi']) expect(text).not.toContain(content);
    expect(trace.spans.filter((s) => s.name.startsWith('execute_tool ')).map((s) => [s.name, s.input, s.output])).toEqual([
      ['execute_tool code_interpreter', null, null],
      ['execute_tool tool', null, null],
    ]);
    expect(trace.header.metadata).toMatchObject({ input_tokens: 1472, output_tokens: 105, conversation_id: 'conv_0001abcdef' });
  });
});
