import { afterEach, describe, expect, it } from 'vitest';
import { depthByName, exportBatch, harness, type Harness } from './helpers.js';
import { loadFixture } from './fixtures/load.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Spans = Parameters<typeof exportBatch>[1];

describe('GenAI traces land in Nexus readable (real HTTP, default options)', () => {
  it('@azure/ai-projects 2.10 run: tool calls become spans, tokens and ids in metadata, HTTP folded', async () => {
    h = await harness({ spanFilter: 'genai', prices: { 'gpt-4o': { input: 2.5, output: 10 } } });
    const { spans } = loadFixture('azure/captured-ai-projects-2.10.0-v2-content-on.json');
    await exportBatch(h.exporter, spans as Spans);
    await h.exporter.forceFlush();

    const [trace, ...others] = h.server.traces();
    expect(others).toHaveLength(0);
    expect(trace!.name).toBe('weather-math-scenario');
    expect(trace!.status).toBe('success');
    expect(trace!.metadata).toMatchObject({
      otel_trace_id: '5d476546ddac3d88d49330a8937f6b34',
      input_tokens: 1472,
      output_tokens: 105,
      total_tokens: 1577,
      models: 'gpt-4o-2024-11-20',
      agent_id: 'weather-math-agent:1',
      agent_name: 'weather-math-agent',
      conversation_id: 'conv_0001abcdef',
      response_id: 'resp_0001abcdef, resp_0002abcdef, resp_0003abcdef',
      tool_calls: 2,
      tool_calls_code_interpreter: 1,
      tool_calls_function: 1,
      estimated_cost_usd: 0.00473,
    });
    // The HTTP POST under create_agent is folded into it; the DELETE, directly under the app's span,
    // is the only trace of the agent's deletion and reads as that operation.
    expect(depthByName(trace!.spans)).toEqual({
      'weather-math-scenario': 1,
      'create_agent weather-math-agent': 2,
      create_conversation: 2,
      'invoke_agent weather-math-agent': 2,
      'execute_tool code_interpreter': 3,
      'execute_tool get_current_weather': 3,
      'chat gpt-4o': 2,
      delete_agent_version: 2,
    });
    const byName = (name: string) => trace!.spans.filter((s) => s.name === name);
    expect(byName('execute_tool code_interpreter')[0]).toMatchObject({ input: 'import math\nprint(round(math.sqrt(1764), 2))', output: '42.0', status: 'ok' });
    expect(byName('execute_tool get_current_weather')[0]).toMatchObject({
      input: { location: 'Seattle, WA' },
      output: { temperature: '12C', condition: 'cloudy' },
    });
    const [, second] = byName('invoke_agent weather-math-agent');
    expect((second!.output as { messages: unknown[] }).messages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.' }], finish_reason: 'completed' },
    ]);
    expect(byName('create_agent weather-math-agent')[0]!.input).toMatchObject({ transport_spans: 1 });
  });

  it('content capture off in the instrumentation: no content reaches Nexus', async () => {
    h = await harness({ spanFilter: 'genai' });
    const { spans } = loadFixture('azure/captured-ai-projects-2.10.0-v2-content-off.json');
    await exportBatch(h.exporter, spans as Spans);
    await h.exporter.forceFlush();
    const [trace] = h.server.traces();
    const text = JSON.stringify(trace!.spans);
    expect(text).not.toContain('Seattle');
    expect(text).not.toContain('sqrt');
    expect(text).not.toContain('You are a helpful agent');
    // Still readable: the tool calls are there, by type.
    expect(trace!.spans.map((s) => s.name)).toContain('execute_tool code_interpreter');
  });

  it('captureContent: false drops captured content for Nexus, keeping the structure', async () => {
    h = await harness({ spanFilter: 'genai', captureContent: false });
    const { spans } = loadFixture('azure/captured-ai-projects-2.10.0-v2-content-on.json');
    await exportBatch(h.exporter, spans as Spans);
    await h.exporter.forceFlush();
    const [trace] = h.server.traces();
    const text = JSON.stringify(trace!.spans);
    for (const content of ['Seattle', 'sqrt', 'You are a helpful agent', 'cloudy', 'Say hi']) expect(text).not.toContain(content);
    expect(trace!.spans.map((s) => s.name)).toContain('execute_tool get_current_weather');
    expect(trace!.metadata).toMatchObject({ input_tokens: 1472 });
  });

  it('@azure/ai-agents 1.1 (HTTP spans only): thread and run ids land in the trace metadata', async () => {
    h = await harness({ spanFilter: 'genai' });
    const { spans } = loadFixture('azure/captured-ai-agents-1.1.0.json');
    await exportBatch(h.exporter, spans as Spans);
    await h.exporter.forceFlush();
    const [trace] = h.server.traces();
    expect(trace!.metadata).toMatchObject({ agent_id: 'asst_0001abcdef', thread_id: 'thread_0001abcdef', run_id: 'run_0001abcdef' });
    expect(trace!.spans.map((s) => s.name)).toEqual(expect.arrayContaining(['create_agent', 'create_thread', 'create_run', 'submit_tool_outputs', 'list_run_steps']));
  });
});

describe('traceMetadata: extra keys on every trace', () => {
  it('adds the hook\'s keys, never overrides the exporter\'s own, survives a throwing hook', async () => {
    h = await harness({ traceMetadata: (header) => ({ appinsights_operation_id: header.metadata['otel_trace_id'] ?? null, otel_trace_id: 'not-this' }) });
    const { spans } = loadFixture('semconv/03-semconv-invoke-agent-span.json');
    await exportBatch(h.exporter, spans as Spans);
    await h.exporter.forceFlush();
    expect(h.server.traces()[0]!.metadata).toMatchObject({
      otel_trace_id: '5b8efff798038103d269b633813fc60c',
      appinsights_operation_id: '5b8efff798038103d269b633813fc60c',
    });
    await h.close();

    h = await harness({ traceMetadata: () => { throw new Error('boom'); } });
    await exportBatch(h.exporter, spans as Spans);
    await h.exporter.forceFlush();
    expect(h.server.traces()).toHaveLength(1);
    expect(h.diagLines.filter((line) => line.includes('traceMetadata threw'))).toHaveLength(1);
  });
});
