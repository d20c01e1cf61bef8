import { describe, expect, it } from 'vitest';
import { normalizeMessages } from '../../src/genai/messages/normalize.js';
import type { Message } from '../../src/genai/messages/model.js';
import { toolCallsFromMessages, toolCallsFromRunStepContent } from '../../src/genai/read/tool-call-parts.js';
import { loadFixture } from '../fixtures/load.js';

/** `gen_ai.output.messages` of the n-th `invoke_agent` span of a 2.10.0 capture, normalised. */
function invokeAgentOutput(file: string, index: number): Message[] {
  const { spans } = loadFixture(file);
  const invoke = spans.filter((span) => span.name.startsWith('invoke_agent '))[index];
  return normalizeMessages(invoke?.attributes['gen_ai.output.messages']) ?? [];
}

function azurePart(content: Record<string, unknown>): Message[] {
  return normalizeMessages(JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', content }] }])) ?? [];
}

describe('toolCallsFromMessages: @azure/ai-projects 2.10.0 captures', () => {
  it('content on: the code_interpreter_call and the function call of the first invoke_agent', () => {
    const calls = toolCallsFromMessages(invokeAgentOutput('azure/captured-ai-projects-2.10.0-v2-content-on.json', 0));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({
      id: 'ci_0001',
      type: 'code_interpreter',
      name: 'code_interpreter',
      input: 'import math\nprint(round(math.sqrt(1764), 2))',
      // outputs [{type:'logs', logs:'42.0\n'}] → the logs, readable
      output: '42.0',
      status: 'ok',
    });
    expect(calls[1]).toEqual({
      id: 'call_v2_fn_0001',
      type: 'function',
      name: 'get_current_weather',
      input: { location: 'Seattle, WA' },
      output: null,
    });
  });

  it('content on: the second invoke_agent answers in text, so no tool call', () => {
    expect(toolCallsFromMessages(invokeAgentOutput('azure/captured-ai-projects-2.10.0-v2-content-on.json', 1))).toEqual([]);
  });

  it('content off: only type and id, input/output null', () => {
    const calls = toolCallsFromMessages(invokeAgentOutput('azure/captured-ai-projects-2.10.0-v2-content-off.json', 0));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ id: 'ci_0001', type: 'code_interpreter', name: 'code_interpreter', input: null, output: null });
    // The function name was not recorded: the normaliser's fallback name is all there is.
    expect(calls[1]).toEqual({ id: 'call_v2_fn_0001', type: 'function', name: 'tool', input: null, output: null });
  });
});

describe('toolCallsFromMessages: built-in tools (formatters.js detail props)', () => {
  it('file_search_call: queries in, results out', () => {
    const results = [{ file_id: 'assistant-f1', filename: 'policies.md', score: 0.83, text: 'Refunds within 30 days.' }];
    const [call] = toolCallsFromMessages(azurePart({ type: 'file_search_call', id: 'fs_1', queries: ['refund policy'], results, status: 'completed' }));
    expect(call).toEqual({ id: 'fs_1', type: 'file_search', name: 'file_search', input: ['refund policy'], output: results, status: 'ok' });
  });

  it('web_search_call: the action query in, its sources out', () => {
    const sources = [{ type: 'url', url: 'https://weather.example/seattle' }];
    const [call] = toolCallsFromMessages(azurePart({ type: 'web_search_call', id: 'ws_1', action: { type: 'search', query: 'Seattle weather', sources }, status: 'completed' }));
    expect(call).toEqual({ id: 'ws_1', type: 'web_search', name: 'web_search', input: 'Seattle weather', output: sources, status: 'ok' });
  });

  it('web_search_call with an action that is not a search keeps the action', () => {
    const action = { type: 'open_page', url: 'https://weather.example/seattle' };
    const [call] = toolCallsFromMessages(azurePart({ type: 'web_search_call', id: 'ws_2', action }));
    expect(call?.input).toEqual(action);
    expect(call?.output).toBeNull();
  });

  it('mcp_call: `<server_label>.<name>`, arguments parsed', () => {
    const [call] = toolCallsFromMessages(
      azurePart({ type: 'mcp_call', id: 'mcp_1', server_label: 'github', name: 'search_issues', arguments: '{"q":"bug"}', status: 'completed' }),
    );
    expect(call).toEqual({ id: 'mcp_1', type: 'mcp', name: 'github.search_issues', input: { q: 'bug' }, output: null, status: 'ok' });
  });

  it('mcp_call with output and error: output kept, status error with the error line', () => {
    const [call] = toolCallsFromMessages(
      azurePart({ type: 'mcp_call', id: 'mcp_2', server_label: 'github', name: 'get_issue', arguments: '{}', output: '{"title":"x"}', error: { code: 'tool_error', message: 'rate limited' } }),
    );
    expect(call?.output).toEqual({ title: 'x' });
    expect(call?.status).toBe('error');
    expect(call?.error).toBe('tool_error: rate limited');
  });

  it('openapi_call: the operation name, arguments in, output out', () => {
    const [call] = toolCallsFromMessages(azurePart({ type: 'openapi_call', id: 'oa_1', name: 'getForecast', arguments: '{"city":"Seattle"}', output: '{"temp":12}' }));
    expect(call).toEqual({ id: 'oa_1', type: 'openapi', name: 'getForecast', input: { city: 'Seattle' }, output: { temp: 12 } });
  });

  it('bing_grounding_call, azure_ai_search_call: arguments / input in, output / results out', () => {
    const [bing] = toolCallsFromMessages(azurePart({ type: 'bing_grounding_call', id: 'bg_1', arguments: '{"query":"seattle"}', output: 'ok' }));
    expect(bing).toEqual({ id: 'bg_1', type: 'bing_grounding', name: 'bing_grounding', input: { query: 'seattle' }, output: 'ok' });
    const [search] = toolCallsFromMessages(azurePart({ type: 'azure_ai_search_call', id: 'as_1', input: 'hotels', results: [{ id: 'doc1' }], status: 'failed' }));
    expect(search).toEqual({
      id: 'as_1',
      type: 'azure_ai_search',
      name: 'azure_ai_search',
      input: 'hotels',
      output: [{ id: 'doc1' }],
      status: 'error',
      error: 'azure_ai_search: failed',
    });
  });

  it('code_interpreter_call with an image output keeps the outputs array', () => {
    const outputs = [
      { type: 'logs', logs: 'saved\n' },
      { type: 'image', url: 'https://files.example/plot.png' },
    ];
    const [call] = toolCallsFromMessages(azurePart({ type: 'code_interpreter_call', id: 'ci_2', code: 'plot()', outputs }));
    expect(call?.output).toEqual(outputs);
  });

  it('several logs are joined by lines', () => {
    const [call] = toolCallsFromMessages(
      azurePart({ type: 'code_interpreter_call', id: 'ci_3', code: 'x', outputs: [{ type: 'logs', logs: 'a\n' }, { type: 'logs', logs: 'b' }] }),
    );
    expect(call?.output).toBe('a\nb');
  });

  it('an unknown tool keeps its details as input; mcp_list_tools keeps its type', () => {
    const [custom] = toolCallsFromMessages(azurePart({ type: 'sharepoint_grounding_call', id: 'sp_1', site: 'hr', status: 'in_progress' }));
    expect(custom).toEqual({ id: 'sp_1', type: 'sharepoint_grounding', name: 'sharepoint_grounding', input: { site: 'hr' }, output: null });
    const [list] = toolCallsFromMessages(azurePart({ type: 'mcp_list_tools', id: 'ml_1', server_label: 'github' }));
    expect(list).toMatchObject({ id: 'ml_1', type: 'mcp_list_tools', name: 'github.mcp_list_tools' });
  });

  it('semconv server_tool_call parts, joined with their server_tool_call_response', () => {
    const messages: Message[] = [
      {
        role: 'assistant',
        parts: [
          { type: 'server_tool_call', id: 'st_1', name: 'code_interpreter', server_tool_call: { type: 'code_interpreter', code: 'print(1)' } },
          { type: 'server_tool_call_response', id: 'st_1', server_tool_call_response: { type: 'code_interpreter', outputs: [{ type: 'logs', logs: '1' }] } },
        ],
      },
    ];
    expect(toolCallsFromMessages(messages)).toEqual([
      { id: 'st_1', type: 'code_interpreter', name: 'code_interpreter', input: 'print(1)', output: [{ type: 'logs', logs: '1' }] },
    ]);
  });

  it('text parts, tool_call_response parts and other roles give nothing', () => {
    const messages = normalizeMessages('[{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","result":"x"}]},{"role":"assistant","parts":[{"type":"text","content":"hi"}]}]');
    expect(toolCallsFromMessages(messages ?? [])).toEqual([]);
  });

  it('hostile input: not an array, parts not an array, junk parts, redaction markers', () => {
    expect(toolCallsFromMessages(undefined as unknown as Message[])).toEqual([]);
    expect(toolCallsFromMessages('[]' as unknown as Message[])).toEqual([]);
    expect(toolCallsFromMessages([null, 3, { role: 'assistant', parts: 'x' }] as unknown as Message[])).toEqual([]);
    const junk = [{ role: 'assistant', parts: [null, 7, 'text', { type: 'tool_call', id: 5, name: '', arguments: '__REDACTED__' }, { type: 'tool_call', content: { type: 7 } }] }] as unknown as Message[];
    expect(toolCallsFromMessages(junk)).toEqual([
      { id: null, type: 'function', name: 'function', input: null, output: null },
      { id: null, type: 'function', name: 'function', input: null, output: null },
    ]);
    const [redacted] = toolCallsFromMessages(azurePart({ type: 'code_interpreter_call', id: 'ci_r', code: '', outputs: '__REDACTED__' }));
    expect(redacted).toMatchObject({ input: null, output: null });
  });

  it('arguments cut short by a length limit stay the raw string', () => {
    const messages = normalizeMessages('[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"f","arguments":"{\\"location\\":\\"Sea"}]}]');
    expect(toolCallsFromMessages(messages ?? [])[0]?.input).toBe('{"location":"Sea');
  });
});

describe('toolCallsFromRunStepContent: Python gen_ai.run_step.tool_calls bodies', () => {
  const { spans } = loadFixture('azure/sample-python-azure-ai-agents-manual-run.json');
  const stepBodies = spans.flatMap((span) => span.events.filter((e) => e.name === 'gen_ai.run_step.tool_calls').map((e) => e.attributes?.['gen_ai.event.content']));

  it('the fixture function step', () => {
    expect(toolCallsFromRunStepContent(stepBodies[0])).toEqual([
      { id: 'call_fn_1', type: 'function', name: 'get_current_weather', input: { location: 'Seattle, WA' }, output: null },
    ]);
  });

  it('the fixture code_interpreter step', () => {
    expect(toolCallsFromRunStepContent(stepBodies[1])).toEqual([
      { id: 'call_ci_1', type: 'code_interpreter', name: 'code_interpreter', input: 'import math\nprint(math.sqrt(1764))', output: '42.0' },
    ]);
  });

  it('every entry shape of _process_tool_calls', () => {
    const body = JSON.stringify({
      tool_calls: [
        { id: 'c1', type: 'code_interpreter', code_interpreter: { input: 'plot()', outputs: [{ type: 'image', image: { file_id: 'file_1' } }] } },
        { id: 'c2', type: 'bing_grounding', bing_grounding: { requesturl: 'https://api.bing.microsoft.com/v7.0/search?q=seattle' } },
        { id: 'c3', type: 'file_search', file_search: { ranking_options: { ranker: 'default' }, results: [{ file_id: 'f1', score: 0.9 }] } },
        { id: 'c4', type: 'azure_ai_search', azure_ai_search: { input: 'hotels', output: 'doc1' } },
        { id: 'c5', type: 'openapi', function: { name: 'getForecast', arguments: '{"city":"Seattle"}', output: '{"temp":12}' } },
        { id: 'c6', type: 'mcp', arguments: '{"q":"bug"}', name: 'search_issues', output: '3 issues', server_label: 'github' },
        { id: 'c7', type: 'function', function: { name: 'lookup', arguments: {}, output: 'done' } },
      ],
    });
    expect(toolCallsFromRunStepContent(body)).toEqual([
      { id: 'c1', type: 'code_interpreter', name: 'code_interpreter', input: 'plot()', output: [{ type: 'image', image: { file_id: 'file_1' } }] },
      { id: 'c2', type: 'bing_grounding', name: 'bing_grounding', input: 'https://api.bing.microsoft.com/v7.0/search?q=seattle', output: null },
      { id: 'c3', type: 'file_search', name: 'file_search', input: null, output: [{ file_id: 'f1', score: 0.9 }] },
      { id: 'c4', type: 'azure_ai_search', name: 'azure_ai_search', input: 'hotels', output: 'doc1' },
      { id: 'c5', type: 'openapi', name: 'getForecast', input: { city: 'Seattle' }, output: { temp: 12 } },
      { id: 'c6', type: 'mcp', name: 'github.search_issues', input: { q: 'bug' }, output: '3 issues' },
      { id: 'c7', type: 'function', name: 'lookup', input: {}, output: 'done' },
    ]);
  });

  it('content off: {id, type} only', () => {
    expect(toolCallsFromRunStepContent('{"tool_calls":[{"id":"call_fn_1","type":"function"},{"id":"call_ci_1","type":"code_interpreter"},{"id":"m1","type":"mcp"}]}')).toEqual([
      { id: 'call_fn_1', type: 'function', name: 'function', input: null, output: null },
      { id: 'call_ci_1', type: 'code_interpreter', name: 'code_interpreter', input: null, output: null },
      { id: 'm1', type: 'mcp', name: 'mcp', input: null, output: null },
    ]);
  });

  it('structured bodies (not a JSON string) work too', () => {
    expect(toolCallsFromRunStepContent({ tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] })).toEqual([
      { id: 'x', type: 'function', name: 'f', input: { a: 1 }, output: null },
    ]);
  });

  it('hostile input: invalid JSON, cut short, wrong types, empty', () => {
    expect(toolCallsFromRunStepContent(undefined)).toEqual([]);
    expect(toolCallsFromRunStepContent('')).toEqual([]);
    expect(toolCallsFromRunStepContent('{"tool_calls": [{"id": "call_fn_1", "type": "funct')).toEqual([]);
    expect(toolCallsFromRunStepContent('not json')).toEqual([]);
    expect(toolCallsFromRunStepContent(42)).toEqual([]);
    expect(toolCallsFromRunStepContent({ tool_calls: 'x' })).toEqual([]);
    expect(toolCallsFromRunStepContent({ tool_calls: [null, 1, 'a', { type: 5 }] })).toEqual([
      { id: null, type: 'tool', name: 'tool', input: null, output: null },
    ]);
    expect(toolCallsFromRunStepContent({ tool_calls: [{ id: 'f', type: 'function', function: 'oops' }] })).toEqual([
      { id: 'f', type: 'function', name: 'function', input: null, output: null },
    ]);
  });
});
