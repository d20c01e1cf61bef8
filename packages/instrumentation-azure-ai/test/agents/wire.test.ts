import { describe, expect, it } from 'vitest';
import { failureOf } from '../../src/agents/run-tracker.js';
import { finalStepsOf, runOf, toolCallsOf } from '../../src/agents/wire.js';

describe('runOf', () => {
  it('reads a failed run: status, last_error, usage, model', () => {
    const run = runOf({
      id: 'run_1',
      object: 'thread.run',
      thread_id: 'thread_1',
      assistant_id: 'asst_1',
      status: 'failed',
      model: 'gpt-4o',
      last_error: { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded.' },
      usage: { prompt_tokens: 520, completion_tokens: 70, total_tokens: 590 },
      required_action: null,
    });
    expect(run).toEqual({
      id: 'run_1',
      threadId: 'thread_1',
      agentId: 'asst_1',
      status: 'failed',
      model: 'gpt-4o',
      error: { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded.' },
      usage: { inputTokens: 520, outputTokens: 70 },
      requiredCalls: [],
    });
    expect(failureOf(run!, 'failed')).toEqual({ type: 'rate_limit_exceeded', message: 'Rate limit is exceeded.' });
  });

  it('reads the function calls a run waits on', () => {
    const run = runOf({
      id: 'run_1',
      status: 'requires_action',
      required_action: {
        type: 'submit_tool_outputs',
        submit_tool_outputs: { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }, { id: 'call_2' }] },
      },
    });
    expect(run?.requiredCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }]);
  });

  it('is undefined for what is not a run, and ignores fields of the wrong type', () => {
    expect(runOf(undefined)).toBeUndefined();
    expect(runOf({ object: 'thread.run' })).toBeUndefined();
    expect(runOf({ id: 'run_1', status: 7, usage: { prompt_tokens: -1, completion_tokens: 'x' }, last_error: 'boom' })).toEqual({ id: 'run_1', requiredCalls: [] });
  });

  it('expired, incomplete and cancelled: a type each, and cancelled is no error', () => {
    expect(failureOf({ id: 'r', requiredCalls: [] }, 'expired')).toEqual({ type: 'run_expired', message: 'run expired before it completed' });
    expect(failureOf({ id: 'r', requiredCalls: [], incompleteReason: 'max_completion_tokens' }, 'incomplete')).toEqual({ type: 'run_incomplete', message: 'max_completion_tokens' });
    expect(failureOf({ id: 'r', requiredCalls: [] }, 'cancelled')).toBeUndefined();
    expect(failureOf({ id: 'r', requiredCalls: [] }, 'completed')).toBeUndefined();
  });
});

describe('toolCallsOf: each tool of a run step, named, with what went in and came out', () => {
  it.each([
    [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}', output: '{"t":3}' } }, { id: 'c1', type: 'function', name: 'get_weather', arguments: '{"city":"Oslo"}', result: '{"t":3}' }],
    [
      { id: 'c2', type: 'code_interpreter', code_interpreter: { input: 'print(6*7)', outputs: [{ type: 'logs', logs: '42' }] } },
      { id: 'c2', type: 'code_interpreter', name: 'code_interpreter', arguments: 'print(6*7)', result: '[{"type":"logs","logs":"42"}]' },
    ],
    [
      { id: 'c3', type: 'file_search', file_search: { ranking_options: { ranker: 'auto', score_threshold: 0 }, results: [{ file_id: 'f1', score: 0.9 }] } },
      { id: 'c3', type: 'file_search', name: 'file_search', arguments: '{"ranker":"auto","score_threshold":0}', result: '[{"file_id":"f1","score":0.9}]' },
    ],
    [
      { id: 'c4', type: 'bing_grounding', bing_grounding: { requesturl: 'https://api.bing.microsoft.com/v7.0/search?q=weather' } },
      { id: 'c4', type: 'bing_grounding', name: 'bing_grounding', arguments: '{"requesturl":"https://api.bing.microsoft.com/v7.0/search?q=weather"}' },
    ],
    [
      { id: 'c5', type: 'azure_ai_search', azure_ai_search: { input: 'weather policy', output: 'doc 1' } },
      { id: 'c5', type: 'azure_ai_search', name: 'azure_ai_search', arguments: 'weather policy', result: 'doc 1' },
    ],
    [
      { id: 'c6', type: 'openapi', function: { name: 'weather_GetCurrent', arguments: '{"q":"Oslo"}', output: 'sunny' } },
      { id: 'c6', type: 'openapi', name: 'weather_GetCurrent', arguments: '{"q":"Oslo"}', result: 'sunny' },
    ],
    [
      { id: 'c7', type: 'mcp', name: 'search_docs', arguments: '{"q":"otel"}', output: 'found', server_label: 'docs' },
      { id: 'c7', type: 'mcp', name: 'search_docs', arguments: '{"q":"otel"}', result: 'found' },
    ],
    [{ id: 'c8', type: 'sharepoint_grounding' }, { id: 'c8', type: 'sharepoint_grounding', name: 'sharepoint_grounding' }],
  ])('%o', (call, expected) => {
    expect(toolCallsOf([call])).toEqual([expected]);
  });

  it('skips entries without a type, and anything that is not a list', () => {
    expect(toolCallsOf([null, 3, { id: 'x' }])).toEqual([]);
    expect(toolCallsOf({ type: 'function' })).toEqual([]);
  });
});

describe('finalStepsOf', () => {
  const step = (id: string, status: string): Record<string, unknown> => ({
    id,
    object: 'thread.run.step',
    type: 'message_creation',
    status,
    step_details: { type: 'message_creation', message_creation: { message_id: 'msg_1' } },
    usage: { prompt_tokens: 10, completion_tokens: 2 },
    created_at: 1_700_000_000,
    completed_at: 1_700_000_002,
  });

  it('takes a list or one step, only once final, with times in ms', () => {
    expect(finalStepsOf({ object: 'list', data: [step('s1', 'completed'), step('s2', 'in_progress')] })).toEqual([
      { id: 's1', type: 'message_creation', status: 'completed', usage: { inputTokens: 10, outputTokens: 2 }, toolCalls: [], messageId: 'msg_1', startedAt: 1_700_000_000_000, endedAt: 1_700_000_002_000 },
    ]);
    expect(finalStepsOf(step('s3', 'failed')).map((s) => s.id)).toEqual(['s3']);
    expect(finalStepsOf({ id: 'run_1', object: 'thread.run', status: 'completed' })).toEqual([]);
  });
});
