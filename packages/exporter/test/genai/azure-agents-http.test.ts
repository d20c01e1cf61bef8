import { describe, expect, it } from 'vitest';
import { readAzureAgentsHttp } from '../../src/genai/read/azure-agents-http.js';
import type { ReadableSpanLike } from '../../src/otel/types.js';
import { loadFixture } from '../fixtures/load.js';

const capture = loadFixture('azure/captured-ai-agents-1.1.0.json');
const httpSpans = capture.spans.filter((span) => span.name.startsWith('HTTP '));

const BASE = 'https://myfoundry.services.ai.azure.com/api/projects/myproject';
const UA = 'azsdk-js-client azsdk-js-api azsdk-js-ai-agents/1.1.0 core-rest-pipeline/1.24.0 Node/20.20.2 (Linux 6.18.44-fc-v669; x64)';

/** An `HTTP <METHOD>` span of core-rest-pipeline as the capture holds them. */
function httpSpan(method: string, url: string, attributes: Record<string, unknown> = {}, extra: Partial<ReadableSpanLike> = {}): ReadableSpanLike {
  return {
    name: `HTTP ${method}`,
    kind: 2,
    spanContext: () => ({ traceId: 'fc19197f954d00c3e931b70037fb3897', spanId: '00000000000000bb', traceFlags: 1 }),
    startTime: [1_760_000_000, 0],
    endTime: [1_760_000_001, 0],
    status: { code: 0 },
    events: [],
    resource: { attributes: {} },
    instrumentationScope: { name: '@azure/core-rest-pipeline', version: '1.24.0' },
    attributes: { 'http.url': url, 'http.method': method, 'http.user_agent': UA, 'az.namespace': '', 'http.status_code': 200, ...attributes },
    ...extra,
  };
}

describe('readAzureAgentsHttp: the @azure/ai-agents 1.1.0 capture', () => {
  it('the 11 HTTP spans, in order, match the requests the stub saw', () => {
    const requests = capture.raw['requests_seen_by_stub'] as Array<{ method: string; path: string }>;
    expect(httpSpans.map((span) => span.attributes['http.method'])).toEqual(requests.map((request) => request.method));
    expect(httpSpans.map((span) => readAzureAgentsHttp(span))).toEqual([
      { operation: 'create_agent', name: 'create_agent' },
      { operation: 'create_thread', name: 'create_thread' },
      { operation: 'create_message', name: 'create_message', ids: { threadId: 'thread_0001abcdef' } },
      { operation: 'create_run', name: 'create_run', ids: { threadId: 'thread_0001abcdef' } },
      { operation: 'get_run', name: 'get_run', ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' } },
      { operation: 'get_run', name: 'get_run', ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' } },
      { operation: 'submit_tool_outputs', name: 'submit_tool_outputs', ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' } },
      { operation: 'get_run', name: 'get_run', ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' } },
      { operation: 'list_run_steps', name: 'list_run_steps', ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' } },
      { operation: 'list_messages', name: 'list_messages', ids: { threadId: 'thread_0001abcdef' } },
      { operation: 'delete_agent', name: 'delete_agent', ids: { agentId: 'asst_0001abcdef' } },
    ]);
  });

  it('the app root span is not an HTTP span', () => {
    expect(readAzureAgentsHttp(capture.spans.find((span) => span.name === 'weather-math-scenario') as ReadableSpanLike)).toBeUndefined();
  });
});

describe('readAzureAgentsHttp: the rest of the route table', () => {
  it.each([
    ['POST', '/threads/runs', 'create_thread_and_run', {}],
    ['GET', '/assistants', 'list_agents', {}],
    ['GET', '/assistants/asst_9', 'get_agent', { agentId: 'asst_9' }],
    ['POST', '/assistants/asst_9', 'update_agent', { agentId: 'asst_9' }],
    ['GET', '/threads/thread_9', 'get_thread', { threadId: 'thread_9' }],
    ['POST', '/threads/thread_9', 'update_thread', { threadId: 'thread_9' }],
    ['DELETE', '/threads/thread_9', 'delete_thread', { threadId: 'thread_9' }],
    ['GET', '/threads/thread_9/messages/msg_9', 'get_message', { threadId: 'thread_9', messageId: 'msg_9' }],
    ['POST', '/threads/thread_9/messages/msg_9', 'update_message', { threadId: 'thread_9', messageId: 'msg_9' }],
    ['GET', '/threads/thread_9/runs', 'list_runs', { threadId: 'thread_9' }],
    ['POST', '/threads/thread_9/runs/run_9', 'update_run', { threadId: 'thread_9', runId: 'run_9' }],
    ['POST', '/threads/thread_9/runs/run_9/cancel', 'cancel_run', { threadId: 'thread_9', runId: 'run_9' }],
    ['GET', '/threads/thread_9/runs/run_9/steps/step_9', 'get_run_step', { threadId: 'thread_9', runId: 'run_9', stepId: 'step_9' }],
  ])('%s %s → %s', (method, path, operation, ids) => {
    const reading = readAzureAgentsHttp(httpSpan(method, `${BASE}${path}?api-version=v1`));
    expect(reading?.operation).toBe(operation);
    expect(reading?.name).toBe(operation);
    expect(reading?.ids ?? {}).toEqual(ids);
  });

  it('ai-projects 2.x agent versions: the DELETE of the v2 capture, and the POST', () => {
    const v2 = loadFixture('azure/captured-ai-projects-2.10.0-v2-content-on.json').spans;
    const [post, del] = v2.filter((span) => span.name.startsWith('HTTP '));
    expect(readAzureAgentsHttp(post as ReadableSpanLike)).toEqual({ operation: 'create_agent_version', name: 'create_agent_version', ids: { agentName: 'weather-math-agent' } });
    expect(readAzureAgentsHttp(del as ReadableSpanLike)).toEqual({
      operation: 'delete_agent_version',
      name: 'delete_agent_version',
      ids: { agentName: 'weather-math-agent', agentId: 'weather-math-agent:1' },
    });
    // The GenAI spans of the same capture are not HTTP spans.
    for (const span of v2.filter((s) => !s.name.startsWith('HTTP '))) expect(readAzureAgentsHttp(span)).toBeUndefined();
  });

  it('status ≥ 400 → `HTTP <code>`, with the status message when there is one', () => {
    expect(readAzureAgentsHttp(httpSpan('GET', `${BASE}/threads/thread_1/runs/run_1?api-version=v1`, { 'http.status_code': 404 }))?.error).toBe('HTTP 404');
    expect(
      readAzureAgentsHttp(
        httpSpan('POST', `${BASE}/threads/thread_1/runs?api-version=v1`, { 'http.status_code': 429 }, { status: { code: 2, message: 'RestError: Rate limit is exceeded' } }),
      )?.error,
    ).toBe('HTTP 429: RestError: Rate limit is exceeded');
    expect(readAzureAgentsHttp(httpSpan('GET', `${BASE}/threads/thread_1?api-version=v1`, { 'http.status_code': 304 }))?.error).toBeUndefined();
  });

  it('the current HTTP conventions (url.full, http.request.method, http.response.status_code) are read too', () => {
    const span = httpSpan('GET', '', {}, {
      attributes: { 'url.full': `${BASE}/threads/thread_1/runs/run_1/steps?api-version=v1`, 'http.request.method': 'GET', 'http.response.status_code': 500 },
    });
    expect(readAzureAgentsHttp(span)).toEqual({
      operation: 'list_run_steps',
      name: 'list_run_steps',
      ids: { threadId: 'thread_1', runId: 'run_1' },
      error: 'HTTP 500',
    });
  });
});

describe('readAzureAgentsHttp: plain transport spans stay plain', () => {
  it('legacy HTTP children inherit az.namespace from their traced operation: undefined', () => {
    const legacy = loadFixture('azure/captured-legacy-ai-projects-1.0.0-beta.3-content-on.json').spans;
    const http = legacy.filter((span) => span.name.startsWith('HTTP '));
    const read = http.map((span) => readAzureAgentsHttp(span));
    // Only the run-steps GET, which the legacy SDK did not trace (no parent operation, empty namespace), is named.
    expect(read.filter(Boolean)).toEqual([{ operation: 'list_run_steps', name: 'list_run_steps', ids: { threadId: 'thread_0001abcdef', runId: 'run_0001abcdef' } }]);
    expect(http.filter((_, i) => read[i] !== undefined).map((span) => span.spanContext().spanId)).toEqual(['d2b887debcf81c17']);
  });

  it('non-agent routes, other Azure SDKs, other scopes', () => {
    expect(readAzureAgentsHttp(httpSpan('POST', `${BASE}/files?api-version=v1`))).toBeUndefined();
    expect(readAzureAgentsHttp(httpSpan('POST', `${BASE}/vector_stores?api-version=v1`))).toBeUndefined();
    expect(readAzureAgentsHttp(httpSpan('GET', 'https://myaccount.blob.core.windows.net/container/blob'))).toBeUndefined();
    expect(readAzureAgentsHttp(httpSpan('GET', `${BASE}/threads/thread_1/runs/run_1/steps/step_1/extra`))).toBeUndefined();
    expect(
      readAzureAgentsHttp(httpSpan('POST', 'https://acs.communication.azure.com/chat/threads?api-version=2024-03-07', { 'http.user_agent': 'azsdk-js-communication-chat/1.5.0 core-rest-pipeline/1.24.0' })),
    ).toBeUndefined();
    expect(readAzureAgentsHttp(httpSpan('POST', `${BASE}/threads`, {}, { name: 'POST /threads', instrumentationScope: { name: '@opentelemetry/instrumentation-http' } }))).toBeUndefined();
    // A method the route does not have.
    expect(readAzureAgentsHttp(httpSpan('PATCH', `${BASE}/threads/thread_1`))).toBeUndefined();
  });

  it('hostile input: no URL, a URL that does not parse, wrong types, odd escapes', () => {
    expect(readAzureAgentsHttp(httpSpan('GET', '', {}, { attributes: {} }))).toBeUndefined();
    expect(readAzureAgentsHttp(httpSpan('GET', 'http://[::1', {}))).toBeUndefined();
    expect(readAzureAgentsHttp(httpSpan('GET', '', { 'http.url': 42, 'http.method': ['GET'] }))).toBeUndefined();
    expect(readAzureAgentsHttp(httpSpan('GET', '', {}, { attributes: undefined as unknown as Record<string, unknown> }))).toBeUndefined();
    // Method from the span name when the attribute is missing; a relative URL; a bad escape kept as is.
    expect(readAzureAgentsHttp(httpSpan('GET', '', {}, { attributes: { 'http.url': '/threads/thread_%E0%A4%A/messages' } }))).toEqual({
      operation: 'list_messages',
      name: 'list_messages',
      ids: { threadId: 'thread_%E0%A4%A' },
    });
    expect(readAzureAgentsHttp(httpSpan('GET', `${BASE}/threads/thread_1?x=1`, { 'http.status_code': 'oops' }))?.error).toBeUndefined();
  });
});
