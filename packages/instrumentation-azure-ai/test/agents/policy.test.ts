// The policy against hand-made pipeline answers: what it does with the malformed, the failed and the
// streamed. The real SDK against the service stub is in test/azure-e2e.
import { Readable } from 'node:stream';
import { text as readAll } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { AzureAIInstrumentation, type PipelineRequestLike, type PipelineResponseLike } from '../../src/index.js';

const BASE = 'https://acct.services.ai.azure.com/api/projects/p';
let spans: InMemorySpanExporter;
let provider: NodeTracerProvider;
let instrumentation: AzureAIInstrumentation;

beforeEach(() => {
  // A new one each test: a provider's shutdown stops its exporter for good.
  spans = new InMemorySpanExporter();
  provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  instrumentation = new AzureAIInstrumentation({ captureMessageContent: false });
  instrumentation.setTracerProvider(provider);
});
afterEach(async () => {
  instrumentation.disable();
  await provider.shutdown();
  context.disable();
  trace.disable();
});

const request = (method: string, path: string, body?: unknown): PipelineRequestLike => ({
  method,
  url: `${BASE}${path}?api-version=v1`,
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
});
const answer = (status: number, body: unknown): PipelineResponseLike => ({ status, bodyAsText: typeof body === 'string' ? body : JSON.stringify(body) });
const finished = (): Array<{ name: string; status: number; errorType: unknown }> =>
  spans.getFinishedSpans().map((span) => ({ name: span.name, status: span.status.code, errorType: span.attributes['error.type'] }));

describe('the Agents pipeline policy', () => {
  it('a run created, then polled to failed: one invoke_agent span, ERROR with the service error, tokens', async () => {
    const policy = instrumentation.agentsPolicy;
    await policy.sendRequest(request('POST', '/threads/thread_1/runs', { assistant_id: 'asst_1' }), async () => answer(200, { id: 'run_1', object: 'thread.run', status: 'queued', model: 'gpt-4o' }));
    expect(finished()).toEqual([]);
    await policy.sendRequest(request('GET', '/threads/thread_1/runs/run_1'), async () =>
      answer(200, { id: 'run_1', object: 'thread.run', status: 'failed', last_error: { code: 'server_error', message: 'Sorry.' }, usage: { prompt_tokens: 5, completion_tokens: 1 } }),
    );
    const [run] = spans.getFinishedSpans();
    expect(run?.name).toBe('invoke_agent asst_1');
    expect(run?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Sorry.' });
    expect(run?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'asst_1',
      'gen_ai.conversation.id': 'thread_1',
      'gen_ai.response.id': 'run_1',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 1,
      'azure.ai.agents.run.status': 'failed',
      'error.type': 'server_error',
    });
  });

  it('malformed answers and bodies: the app gets the response as it came, and nothing throws', async () => {
    const policy = instrumentation.agentsPolicy;
    const bad = answer(200, '{not json');
    await expect(policy.sendRequest({ method: 'POST', url: `${BASE}/assistants`, body: '{"name":' }, async () => bad)).resolves.toBe(bad);
    await expect(policy.sendRequest(request('POST', '/threads/thread_1/runs', { assistant_id: 'asst_1' }), async () => bad)).resolves.toBe(bad);
    const odd = answer(200, { id: 42, status: ['x'] });
    await expect(policy.sendRequest(request('GET', '/threads/t/runs/run_1/steps'), async () => odd)).resolves.toBe(odd);
    // The run that answered no run object ends at once, said as such; the agent span ends unset.
    expect(finished()).toEqual([
      { name: 'create_agent', status: SpanStatusCode.UNSET, errorType: undefined },
      { name: 'invoke_agent asst_1', status: SpanStatusCode.ERROR, errorType: 'unreadable_run' },
    ]);
  });

  it('a request that throws: the same error reaches the app, the span ends ERROR', async () => {
    const policy = instrumentation.agentsPolicy;
    const failure = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(policy.sendRequest(request('POST', '/threads', {}), async () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(policy.sendRequest(request('POST', '/threads/t/runs', { assistant_id: 'a' }), async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(finished()).toEqual([
      { name: 'create_thread', status: SpanStatusCode.ERROR, errorType: 'ECONNREFUSED' },
      { name: 'invoke_agent a', status: SpanStatusCode.ERROR, errorType: 'ECONNREFUSED' },
    ]);
  });

  it('an error answer: the service code as error.type', async () => {
    await instrumentation.agentsPolicy.sendRequest(request('POST', '/threads/t/runs', { assistant_id: 'a' }), async () =>
      answer(429, { error: { code: 'too_many_requests', message: 'Slow down.' } }),
    );
    expect(spans.getFinishedSpans()[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Slow down.' });
    expect(finished()[0]?.errorType).toBe('too_many_requests');
  });

  it('a streamed run: the app reads the same bytes, and the run span ends on thread.run.completed', async () => {
    const events = [
      'event: thread.run.created\ndata: {"id":"run_9","object":"thread.run","status":"queued","thread_id":"t"}\n\n',
      'event: thread.run.step.completed\ndata: {"id":"step_1","object":"thread.run.step","type":"tool_calls","status":"completed","step_details":{"type":"tool_calls","tool_calls":[{"id":"ci_1","type":"code_interpreter","code_interpreter":{"input":"1+1","outputs":[]}}]},"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n',
      'event: thread.run.completed\ndata: {"id":"run_9","object":"thread.run","status":"completed","usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n',
      'event: done\ndata: [DONE]\n\n',
    ];
    const bytes = Buffer.from(events.join(''));
    // Cut mid-event, as a network would.
    const body = Readable.from([bytes.subarray(0, 50), bytes.subarray(50, 333), bytes.subarray(333)]);
    const response = await instrumentation.agentsPolicy.sendRequest(request('POST', '/threads/t/runs', { assistant_id: 'a', stream: true }), async () => ({ status: 200, readableStreamBody: body }));
    expect(response.readableStreamBody).not.toBe(body);
    expect(await readAll(response.readableStreamBody as Readable)).toBe(bytes.toString());
    expect(finished().map((s) => s.name)).toEqual(['chat', 'execute_tool code_interpreter', 'invoke_agent a']);
    const run = spans.getFinishedSpans()[2];
    expect(run?.attributes).toMatchObject({ 'gen_ai.response.id': 'run_9', 'gen_ai.usage.input_tokens': 3, 'azure.ai.agents.run.status': 'completed' });
  });

  it('a stream that fails: the app sees the stream error; a run never named ends as stream_ended', async () => {
    const body = new Readable({ read() {} });
    const response = await instrumentation.agentsPolicy.sendRequest(request('POST', '/threads/t/runs', { assistant_id: 'a', stream: true }), async () => ({ status: 200, readableStreamBody: body }));
    body.destroy(new Error('socket hang up'));
    await expect(readAll(response.readableStreamBody as Readable)).rejects.toThrow('socket hang up');
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished()).toEqual([{ name: 'invoke_agent a', status: SpanStatusCode.ERROR, errorType: 'stream_ended' }]);
  });

  it('content stays out with capture off: no message, instruction or tool text on any span', async () => {
    const policy = instrumentation.agentsPolicy;
    await policy.sendRequest(request('POST', '/threads/t/messages', { role: 'user', content: 'secret question' }), async () => answer(200, { id: 'msg_1' }));
    await policy.sendRequest(request('POST', '/threads/t/runs', { assistant_id: 'a', instructions: 'secret instructions' }), async () =>
      answer(200, { id: 'run_c', object: 'thread.run', status: 'requires_action', required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"secret":1}' } }] } } }),
    );
    await policy.sendRequest(request('POST', '/threads/t/runs/run_c/submit_tool_outputs', { tool_outputs: [{ tool_call_id: 'call_1', output: 'secret output' }] }), async () =>
      answer(200, { id: 'run_c', object: 'thread.run', status: 'completed' }),
    );
    const all = JSON.stringify(spans.getFinishedSpans().map((span) => span.attributes));
    expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['create_message', 'execute_tool f', 'invoke_agent a']);
    expect(all).not.toMatch(/secret/);
  });

  it('a cancelled run ends when a poll shows cancelled, without an error status', async () => {
    const policy = instrumentation.agentsPolicy;
    const run = (status: string): PipelineResponseLike => answer(200, { id: 'run_x', object: 'thread.run', status });
    await policy.sendRequest(request('POST', '/threads/t/runs', { assistant_id: 'a' }), async () => run('in_progress'));
    await policy.sendRequest(request('POST', '/threads/t/runs/run_x/cancel'), async () => run('cancelling'));
    expect(finished()).toEqual([]);
    await policy.sendRequest(request('GET', '/threads/t/runs/run_x'), async () => run('cancelled'));
    expect(finished()).toEqual([{ name: 'invoke_agent a', status: SpanStatusCode.UNSET, errorType: undefined }]);
    expect(spans.getFinishedSpans()[0]?.attributes['azure.ai.agents.run.status']).toBe('cancelled');
  });

  it('createThreadAndRun: the thread comes from the answer, the thread’s user messages are the input (capture on)', async () => {
    const capturing = new AzureAIInstrumentation({ captureMessageContent: true });
    capturing.setTracerProvider(provider);
    try {
      await capturing.agentsPolicy.sendRequest(
        request('POST', '/threads/runs', { assistant_id: 'a', thread: { messages: [{ role: 'user', content: 'Hi there' }] } }),
        async () => answer(200, { id: 'run_t', object: 'thread.run', thread_id: 'thread_new', status: 'completed', usage: { prompt_tokens: 9, completion_tokens: 3 } }),
      );
    } finally {
      capturing.disable();
    }
    const [run] = spans.getFinishedSpans();
    expect(run?.attributes).toMatchObject({
      'gen_ai.conversation.id': 'thread_new',
      'gen_ai.response.id': 'run_t',
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Hi there"}]}]',
      'gen_ai.usage.input_tokens': 9,
    });
  });

  it('disabled: requests pass untouched and no span is made', async () => {
    instrumentation.disable();
    const reply = answer(200, { id: 'thread_1' });
    await expect(instrumentation.agentsPolicy.sendRequest(request('POST', '/threads', {}), async () => reply)).resolves.toBe(reply);
    expect(finished()).toEqual([]);
  });
});
