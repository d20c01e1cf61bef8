import { describe, expect, it } from 'vitest';
import { readAzureLegacy } from '../../src/genai/read/azure-legacy.js';
import type { ReadableSpanLike } from '../../src/otel/types.js';
import { loadFixture } from '../fixtures/load.js';

const { spans } = loadFixture('azure/captured-legacy-ai-projects-1.0.0-beta.3-content-on.json');
const byId = (id: string): ReadableSpanLike => {
  const span = spans.find((s) => s.spanContext().spanId === id);
  if (!span) throw new Error(`no span ${id}`);
  return span;
};

/** A legacy span of a name and attributes the capture does not hold (same scope and namespace). */
function legacySpan(name: string, attributes: Record<string, unknown>, extra: Partial<ReadableSpanLike> = {}): ReadableSpanLike {
  return {
    name,
    kind: 2,
    spanContext: () => ({ traceId: 'fe624a05062e728bafae80af72ec83b6', spanId: '00000000000000aa', traceFlags: 1 }),
    startTime: [1_760_000_000, 0],
    endTime: [1_760_000_001, 0],
    status: { code: 0 },
    events: [],
    resource: { attributes: {} },
    instrumentationScope: { name: '@azure/ai-projects', version: '1.0.0-beta.3' },
    attributes: { 'az.namespace': 'Microsoft.CognitiveServices', ...attributes },
    ...extra,
  };
}

const SYSTEM = { 'gen_ai.system': 'az.ai.agents' };

describe('readAzureLegacy: the @azure/ai-projects 1.0.0-beta.3 capture', () => {
  it('CreateAgent → create_agent weather-math-agent', () => {
    expect(readAzureLegacy(byId('19fcb5897a1a4422'))).toEqual({
      operation: 'create_agent',
      name: 'create_agent weather-math-agent',
      provider: 'az.ai.agents',
      requestModel: 'gpt-4o',
      ids: { agentId: 'asst_0001abcdef', agentName: 'weather-math-agent' },
    });
  });

  it('CreateThread, CreateMessage: ids; the message event is not parsed here', () => {
    expect(readAzureLegacy(byId('4bb451d5d63aed4d'))).toEqual({
      operation: 'create_thread',
      name: 'create_thread',
      provider: 'az.ai.agents',
      ids: { threadId: 'thread_0001abcdef' },
    });
    const message = readAzureLegacy(byId('1e3ee397a7a1e94f'));
    expect(message).toEqual({
      operation: 'create_message',
      name: 'create_message',
      provider: 'az.ai.agents',
      ids: { threadId: 'thread_0001abcdef', messageId: 'msg_user_0001' },
    });
    expect(message?.inputMessages).toBeUndefined();
  });

  it('CreateRun: run id, status queued, response model', () => {
    expect(readAzureLegacy(byId('628d08af8c78b7f4'))).toEqual({
      operation: 'create_run',
      name: 'create_run',
      provider: 'az.ai.agents',
      responseModel: 'gpt-4o',
      runStatus: 'queued',
      ids: { agentId: 'asst_0001abcdef', threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' },
    });
  });

  it('GetRun with Agent_Operation → get_thread_run (no status or usage: the SDK has no end hook)', () => {
    for (const id of ['dd74fdaf0e824233', 'ecede77983cb4815', 'e13ab979256cc48f']) {
      expect(readAzureLegacy(byId(id))).toEqual({
        operation: 'get_thread_run',
        name: 'get_thread_run',
        provider: 'az.ai.agents',
        ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' },
      });
    }
  });

  it('SubmitToolOutputsToRun → submit_tool_outputs with run status and model', () => {
    expect(readAzureLegacy(byId('e7cf9ef7bb70a45f'))).toEqual({
      operation: 'submit_tool_outputs',
      name: 'submit_tool_outputs',
      provider: 'az.ai.agents',
      responseModel: 'gpt-4o',
      runStatus: 'queued',
      ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' },
    });
  });

  it('ListMessages → list_messages (message events left to the span-events reader)', () => {
    const reading = readAzureLegacy(byId('8485d290386144c4'));
    expect(reading).toEqual({ operation: 'list_messages', name: 'list_messages', provider: 'az.ai.agents', ids: { threadId: 'thread_0001abcdef' } });
    expect(reading?.outputMessages).toBeUndefined();
  });

  it('DeleteAgent with operation "DeleteAgent" → delete_agent', () => {
    expect(readAzureLegacy(byId('44e5f7a7606f6917'))).toEqual({ operation: 'delete_agent', name: 'delete_agent', provider: 'az.ai.agents' });
  });

  it('the root span and the HTTP children are not this source', () => {
    expect(readAzureLegacy(byId('41624d00bdf99bd3'))).toBeUndefined();
    for (const span of spans.filter((s) => s.name.startsWith('HTTP '))) expect(readAzureLegacy(span)).toBeUndefined();
  });
});

describe('readAzureLegacy: the rest of the span table (from the SDK source)', () => {
  it.each([
    ['GetThread', 'get_thread'],
    ['UpdateThread', 'update_thread'],
    ['DeleteThread', 'delete_thread'],
    ['GetAgent', 'get_agent'],
    ['UpdateRun', 'update_thread_run'],
    ['UpdateMessage', 'update_message'],
    ['ListRuns', 'list_thread_runs'],
  ])('%s with Agent_Operation → %s', (name, operation) => {
    const reading = readAzureLegacy(legacySpan(name, { ...SYSTEM, 'gen_ai.operation.name': 'Agent_Operation', 'gen_ai.thread.id': 'thread_1' }));
    expect(reading?.operation).toBe(operation);
    expect(reading?.name).toBe(operation);
    expect(reading?.ids).toEqual({ threadId: 'thread_1' });
  });

  it('UpdateAgent says create_agent (sic) → update_agent <name>', () => {
    expect(readAzureLegacy(legacySpan('UpdateAgent', { ...SYSTEM, 'gen_ai.operation.name': 'create_agent', 'gen_ai.agent.name': 'a', 'gen_ai.agent.id': 'asst_1' }))).toEqual({
      operation: 'update_agent',
      name: 'update_agent a',
      provider: 'az.ai.agents',
      ids: { agentId: 'asst_1', agentName: 'a' },
    });
  });

  it('ListAgents and CancelRun carry no gen_ai attribute: recognised by scope and name', () => {
    expect(readAzureLegacy(legacySpan('ListAgents', {}))).toEqual({ operation: 'list_agents', name: 'list_agents', provider: 'az.ai.agents' });
    expect(readAzureLegacy(legacySpan('CancelRun', {}))?.operation).toBe('cancel_thread_run');
  });

  it('CreateThreadAndRun with usage and overrides', () => {
    expect(
      readAzureLegacy(
        legacySpan('CreateThreadAndRun', {
          ...SYSTEM,
          'gen_ai.operation.name': 'create_thread_run',
          'gen_ai.agent.id': 'asst_1',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.thread.run.id': 'run_1',
          'gen_ai.thread.run.status': 'completed',
          'gen_ai.usage.input_tokens': 120,
          'gen_ai.usage.output_tokens': 30,
        }),
      ),
    ).toEqual({
      operation: 'create_thread_run',
      name: 'create_thread_run',
      provider: 'az.ai.agents',
      requestModel: 'gpt-4o-mini',
      runStatus: 'completed',
      usage: { inputTokens: 120, outputTokens: 30 },
      ids: { agentId: 'asst_1', runId: 'run_1' },
    });
  });

  it('an unknown PascalCase name with Agent_Operation → snake_case', () => {
    expect(readAzureLegacy(legacySpan('GetRunStep', { ...SYSTEM, 'gen_ai.operation.name': 'Agent_Operation' }))?.operation).toBe('get_run_step');
    expect(readAzureLegacy(legacySpan('FooBar', { ...SYSTEM, 'gen_ai.operation.name': 'foo_bar_baz' }))?.operation).toBe('foo_bar_baz');
    expect(readAzureLegacy(legacySpan('FooBar', SYSTEM))?.operation).toBe('foo_bar');
  });

  it('a copy that lost the scope is still recognised by system + PascalCase name', () => {
    expect(readAzureLegacy(legacySpan('GetRun', { ...SYSTEM, 'gen_ai.operation.name': 'Agent_Operation' }, { instrumentationScope: undefined }))?.operation).toBe('get_thread_run');
    expect(readAzureLegacy(legacySpan('ListAgents', {}, { instrumentationScope: undefined }))).toBeUndefined();
  });
});

describe('readAzureLegacy: not this source', () => {
  it('ai-projects 2.x spans share the scope but not the shape', () => {
    for (const span of loadFixture('azure/captured-ai-projects-2.10.0-v2-content-on.json').spans) expect(readAzureLegacy(span)).toBeUndefined();
  });

  it('Python spans (snake_case names) and ai-agents HTTP spans', () => {
    for (const span of loadFixture('azure/sample-python-azure-ai-agents-manual-run.json').spans) expect(readAzureLegacy(span)).toBeUndefined();
    for (const span of loadFixture('azure/captured-ai-agents-1.1.0.json').spans) expect(readAzureLegacy(span)).toBeUndefined();
  });

  it('hostile input: wrong types, empty attributes, no span name', () => {
    expect(readAzureLegacy(legacySpan('CreateRun', {}, { attributes: undefined as unknown as Record<string, unknown> }))?.operation).toBe('create_run');
    expect(readAzureLegacy(legacySpan('NotInTable', {}))).toBeUndefined();
    expect(readAzureLegacy(legacySpan(undefined as unknown as string, SYSTEM))).toBeUndefined();
    expect(readAzureLegacy(legacySpan('toString', SYSTEM))).toBeUndefined();
    expect(
      readAzureLegacy(
        legacySpan('CreateRun', {
          ...SYSTEM,
          'gen_ai.thread.id': 42,
          'gen_ai.thread.run.status': '',
          'gen_ai.usage.input_tokens': 'lots',
          'gen_ai.agent.name': '__REDACTED__',
          'gen_ai.response.model': ['gpt'],
        }),
      ),
    ).toEqual({ operation: 'create_run', name: 'create_run', provider: 'az.ai.agents' });
  });
});
