import { describe, expect, it } from 'vitest';
import { operationOf } from '../../src/agents/routes.js';

const base = 'https://acct.services.ai.azure.com/api/projects/p';

describe('operationOf: the Agents v1 operations by method and path', () => {
  it.each([
    ['POST', '/assistants', { kind: 'create_agent' }],
    ['POST', '/threads', { kind: 'create_thread' }],
    ['POST', '/threads/runs', { kind: 'create_thread_and_run' }],
    ['POST', '/threads/thread_1/messages', { kind: 'create_message', threadId: 'thread_1' }],
    ['POST', '/threads/thread_1/runs', { kind: 'create_run', threadId: 'thread_1' }],
    ['GET', '/threads/thread_1/runs/run_1', { kind: 'get_run', threadId: 'thread_1', runId: 'run_1' }],
    ['POST', '/threads/thread_1/runs/run_1/submit_tool_outputs', { kind: 'submit_tool_outputs', threadId: 'thread_1', runId: 'run_1' }],
    ['POST', '/threads/thread_1/runs/run_1/cancel', { kind: 'cancel_run', threadId: 'thread_1', runId: 'run_1' }],
    ['GET', '/threads/thread_1/runs/run_1/steps', { kind: 'list_run_steps', threadId: 'thread_1', runId: 'run_1' }],
    ['GET', '/threads/thread_1/runs/run_1/steps/step_1', { kind: 'get_run_step', threadId: 'thread_1', runId: 'run_1' }],
  ])('%s %s', (method, path, expected) => {
    expect(operationOf(method, `${base}${path}?api-version=v1`)).toEqual(expected);
  });

  it('leaves every other request alone: reads of agents and messages, files, vector stores, other methods', () => {
    expect(operationOf('GET', `${base}/assistants`)).toBeUndefined();
    expect(operationOf('GET', `${base}/threads/thread_1/messages`)).toBeUndefined();
    expect(operationOf('DELETE', `${base}/assistants/asst_1`)).toBeUndefined();
    expect(operationOf('POST', `${base}/files`)).toBeUndefined();
    expect(operationOf('POST', `${base}/vector_stores`)).toBeUndefined();
    expect(operationOf('GET', `${base}/threads`)).toBeUndefined();
    expect(operationOf('POST', 'not a url')).toBeUndefined();
  });

  it('decodes escaped ids, and refuses a malformed escape instead of throwing', () => {
    expect(operationOf('GET', `${base}/threads/thread%5F1/runs/run_1`)).toEqual({ kind: 'get_run', threadId: 'thread_1', runId: 'run_1' });
    expect(operationOf('GET', `${base}/threads/%E0%A4%A/runs/run_1`)).toBeUndefined();
  });
});
