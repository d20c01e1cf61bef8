import { Agent } from 'node:https';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import type { AgentsClient, AgentsClientOptionalParams } from '@azure/ai-agents';
import { generateKey, startNexusLocal, type StoredTrace } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { AzureAIInstrumentation } from '@nexus-otel/instrumentation-azure-ai';
import { createSelfSignedCert, startFoundryStub, type FoundryStub } from '@nexus-otel/example-azure-agents/foundry-stub';
import {
  ANSWER,
  createAgentsV1Routes,
  FAILED_RUN_USAGE,
  RUN_ERROR_CODE,
  RUN_ERROR_MESSAGE,
  RUN_USAGE,
  STEP_USAGE,
  WEATHER_CALL,
  type AgentsV1RoutesOptions,
  type AgentsV1Stub,
  type WireUsage,
} from './agents-v1-routes.js';
import { manualRun, polledHttpTree, polledRun, streamedRun, USER_QUESTION, WEATHER_OUTPUT, type ScenarioResult } from './agents-scenarios.js';
import { spanTree, spansNamed } from './span-tree.js';
import { startAzureTracing } from './tracing.js';

/** The SDK only needs a token to put in the Authorization header; the stub does not check it. */
const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3600_000 }) };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type AgentsSdk = typeof import('@azure/ai-agents');

interface PlayOptions {
  routes: AgentsV1RoutesOptions;
  scenario: (client: AgentsClient) => Promise<ScenarioResult>;
  /** The app's root span. */
  rootName: string;
  /** Runs once the SDK is loaded, before the client is built: where an instrumentation hooks in. */
  instrument?: (sdk: AgentsSdk) => AgentsClientOptionalParams | void;
  /** Exporters the app runs beside NexusSpanExporter (the console exporter). */
  beside?: SpanExporter[];
}

interface Played {
  v1: AgentsV1Stub;
  stub: FoundryStub;
  result: ScenarioResult;
  traces: StoredTrace[];
}

/**
 * One scenario against a fresh stub, traced as an app would (startAzureTracing, its own root span)
 * and exported by NexusSpanExporter to a local Nexus; returns once the spans are in Nexus.
 */
async function play({ routes, scenario, rootName, instrument, beside = [] }: PlayOptions): Promise<Played> {
  const tls = createSelfSignedCert();
  const v1 = createAgentsV1Routes(routes);
  const stub = await startFoundryStub(tls, v1.routes);
  cleanups.push(() => stub.close());
  const key = generateKey();
  const nexus = await startNexusLocal({ keys: { [key]: {} } });
  cleanups.push(() => nexus.close());
  const tracing = startAzureTracing(new NexusSpanExporter({ apiKey: key, baseUrl: nexus.url, agent: 'azure-e2e' }), ...beside);
  cleanups.push(() => tracing.shutdown());

  // Imported only now: the instrumentation must be registered before the Azure packages load.
  const sdk = await import('@azure/ai-agents');
  const extra = instrument?.(sdk) ?? {};
  // Trust for the stub's self-signed certificate, for this client only (works on Node 20).
  const agent = new Agent({ ca: tls.cert });
  cleanups.push(() => agent.destroy());
  const client = new sdk.AgentsClient(stub.endpoint, credential, { ...extra, agent });

  const result = await tracing.tracer.startActiveSpan(rootName, async (root) => {
    try {
      return await scenario(client);
    } finally {
      root.end();
    }
  });
  await tracing.shutdown();
  return { v1, stub, result, traces: nexus.traces() };
}

/** The SDK's camelCase form of a wire usage. */
const usage = (u: WireUsage): { promptTokens: number; completionTokens: number; totalTokens: number } => ({
  promptTokens: u.prompt_tokens,
  completionTokens: u.completion_tokens,
  totalTokens: u.total_tokens,
});

/** The requests of a polled run (manual or createAndPoll: the same HTTP calls). */
const polledRequests = ({ ids }: AgentsV1Stub): string[] => [
  'POST /assistants',
  'POST /threads',
  `POST /threads/${ids.thread}/messages`,
  `POST /threads/${ids.thread}/runs`,
  `GET /threads/${ids.thread}/runs/${ids.run}`,
  `POST /threads/${ids.thread}/runs/${ids.run}/submit_tool_outputs`,
  `GET /threads/${ids.thread}/runs/${ids.run}`,
  `GET /threads/${ids.thread}/runs/${ids.run}/steps`,
  `GET /threads/${ids.thread}/messages`,
  `DELETE /assistants/${ids.agent}`,
];

/** The same run streamed: no polls, create and submit_tool_outputs answer with events. */
const streamedRequests = ({ ids }: AgentsV1Stub): string[] => [
  'POST /assistants',
  'POST /threads',
  `POST /threads/${ids.thread}/messages`,
  `POST /threads/${ids.thread}/runs`,
  `POST /threads/${ids.thread}/runs/${ids.run}/submit_tool_outputs`,
  `GET /threads/${ids.thread}/runs/${ids.run}/steps`,
  `GET /threads/${ids.thread}/messages`,
  `DELETE /assistants/${ids.agent}`,
];

const STREAM_UNTIL_ACTION = [
  'thread.run.created',
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.step.created',
  'thread.run.step.in_progress',
  'thread.run.step.completed',
  'thread.run.step.created',
  'thread.run.requires_action',
  'done',
];
const STREAM_AFTER_OUTPUTS_COMPLETED = [
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.step.completed',
  'thread.run.step.created',
  'thread.message.created',
  'thread.message.in_progress',
  'thread.message.delta',
  'thread.message.delta',
  'thread.message.completed',
  'thread.run.step.completed',
  'thread.run.completed',
  'done',
];
const STREAM_AFTER_OUTPUTS_FAILED = ['thread.run.queued', 'thread.run.in_progress', 'thread.run.step.completed', 'thread.run.failed', 'done'];

/** What the app and the stub saw of any run: the outputs reached the stub, all calls in one trace. */
function expectOneTracedRun({ v1, stub }: Played, requests: string[]): void {
  expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(requests);
  const traceIds = new Set(stub.requests.map((r) => r.traceparent?.split('-')[1]));
  expect(traceIds.size).toBe(1);
  expect([...traceIds][0]).toMatch(/^[0-9a-f]{32}$/);
  expect(v1.submittedOutputs).toEqual([{ tool_call_id: v1.ids.toolCall, output: WEATHER_OUTPUT }]);
  expect(stub.requests.find((r) => r.path === `/threads/${v1.ids.thread}/messages` && r.method === 'POST')?.body).toMatchObject({ content: USER_QUESTION });
}

/** The one trace in Nexus, as the exporter builds it from the HTTP spans alone. */
function theTrace({ traces }: Played): StoredTrace {
  expect(traces).toHaveLength(1);
  return traces[0]!;
}

const TOKEN_KEYS = ['input_tokens', 'output_tokens', 'total_tokens'];

describe('without @nexus-otel/instrumentation-azure-ai: @azure/ai-agents 1.1.0 runs that fail, expire or stream land in Nexus as plain HTTP calls (today’s gap)', () => {
  it('the stub’s step usage adds up to the run usage, and a failed run’s to the steps before the failure', () => {
    // Literal numbers: the other assertions compare with these constants.
    expect(RUN_USAGE).toEqual({ prompt_tokens: 740, completion_tokens: 98, total_tokens: 838 });
    expect(FAILED_RUN_USAGE).toEqual({ prompt_tokens: 520, completion_tokens: 70, total_tokens: 590 });
    expect(STEP_USAGE.codeInterpreter.total_tokens + STEP_USAGE.function.total_tokens + STEP_USAGE.message.total_tokens).toBe(838);
  });

  it('createAndPoll on a run that fails after its tool outputs: the app gets the error, Nexus a successful trace without tokens', async () => {
    const played = await play({ routes: { outcome: 'failed' }, scenario: polledRun, rootName: 'weather-math-failed' });
    const { result, v1 } = played;

    // The poller throws the run's error message (its code is not in the Error); poller.result has the run.
    expect(result.error).toBe(`Operation failed: ${RUN_ERROR_MESSAGE}`);
    expect(result.statuses).toEqual(['queued', 'requires_action', 'queued', 'failed']);
    expect(result.run).toMatchObject({ id: v1.ids.run, status: 'failed', lastError: { code: RUN_ERROR_CODE, message: RUN_ERROR_MESSAGE }, completedAt: null });
    expect(result.run.failedAt).toBeInstanceOf(Date);
    expect(result.run.usage).toEqual(usage(FAILED_RUN_USAGE));
    expect(result.steps.map((s) => [s.id, s.status, s.usage])).toEqual([
      [v1.ids.steps.codeInterpreter, 'completed', usage(STEP_USAGE.codeInterpreter)],
      [v1.ids.steps.function, 'completed', usage(STEP_USAGE.function)],
    ]);
    // The stub sends the submitted output on the step (`function.output`), but the SDK's
    // runStepFunctionToolCallDetailsDeserializer keeps only name and arguments.
    expect(result.steps[1]!.stepDetails).toEqual({
      type: 'tool_calls',
      toolCalls: [{ id: v1.ids.toolCall, type: 'function', function: { ...WEATHER_CALL } }],
    });
    expect(result.messages.map((m) => m.role)).toEqual(['user']);
    expectOneTracedRun(played, polledRequests(v1));

    const trace = theTrace(played);
    expect(trace.name).toBe('weather-math-failed');
    expect(spanTree(trace)).toEqual(polledHttpTree('weather-math-failed'));
    // The gap: the run failed, yet every HTTP call was a 200, so the trace is a success without tokens.
    expect(trace.status).toBe('success');
    expect(trace.spans.every((s) => s.status === 'ok' && s.error === null)).toBe(true);
    expect(trace.metadata).toMatchObject({ agent_id: v1.ids.agent, thread_id: v1.ids.thread, run_id: v1.ids.run });
    for (const key of [...TOKEN_KEYS, 'error']) expect(trace.metadata).not.toHaveProperty(key);
  });

  it('createAndPoll on a run that expires after its tool outputs: the app gets a bare "Operation failed", Nexus a successful trace', async () => {
    const played = await play({ routes: { outcome: 'expired' }, scenario: polledRun, rootName: 'weather-math-expired' });
    const { result, v1 } = played;

    // An expired run has no last_error, so the poller's error says nothing of the expiry.
    expect(result.error).toBe('Operation failed');
    expect(result.statuses).toEqual(['queued', 'requires_action', 'queued', 'expired']);
    expect(result.run).toMatchObject({ id: v1.ids.run, status: 'expired', lastError: null, usage: null, completedAt: null, failedAt: null });
    expect(result.run.expiresAt).toBeInstanceOf(Date);
    expect(result.steps.map((s) => [s.id, s.status, s.usage])).toEqual([
      [v1.ids.steps.codeInterpreter, 'completed', usage(STEP_USAGE.codeInterpreter)],
      [v1.ids.steps.function, 'expired', null],
    ]);
    expect(result.steps[1]!.expiredAt).toBeInstanceOf(Date);
    expect(result.messages.map((m) => m.role)).toEqual(['user']);
    expectOneTracedRun(played, polledRequests(v1));

    const trace = theTrace(played);
    expect(spanTree(trace)).toEqual(polledHttpTree('weather-math-expired'));
    expect(trace.status).toBe('success');
    expect(trace.spans.every((s) => s.status === 'ok' && s.error === null)).toBe(true);
    expect(trace.metadata).toMatchObject({ agent_id: v1.ids.agent, thread_id: v1.ids.thread, run_id: v1.ids.run });
    for (const key of [...TOKEN_KEYS, 'error']) expect(trace.metadata).not.toHaveProperty(key);
  });

  it('createAndPoll on a run that completes: the run’s 838 tokens are not in Nexus', async () => {
    const played = await play({ routes: {}, scenario: polledRun, rootName: 'weather-math-polled' });
    const { result, v1 } = played;

    expect(result.error).toBeUndefined();
    expect(result.statuses).toEqual(['queued', 'requires_action', 'queued', 'completed']);
    expect(result.run.usage).toEqual(usage(RUN_USAGE));
    expect(result.steps.map((s) => [s.id, s.status, s.usage])).toEqual([
      [v1.ids.steps.codeInterpreter, 'completed', usage(STEP_USAGE.codeInterpreter)],
      [v1.ids.steps.function, 'completed', usage(STEP_USAGE.function)],
      [v1.ids.steps.message, 'completed', usage(STEP_USAGE.message)],
    ]);
    expect(result.messages.map((m) => m.role)).toEqual(['assistant', 'user']);
    expectOneTracedRun(played, polledRequests(v1));

    const trace = theTrace(played);
    expect(trace.status).toBe('success');
    expect(spanTree(trace)).toHaveLength(11);
    for (const key of TOKEN_KEYS) expect(trace.metadata).not.toHaveProperty(key);
  });

  it('a streamed run (create.stream, submitToolOutputs.stream): the app reads every event, Nexus shows two HTTP calls and no tokens', async () => {
    const played = await play({ routes: { stream: true }, scenario: streamedRun, rootName: 'weather-math-streamed' });
    const { result, v1 } = played;

    expect(result.streams?.map((events) => events.map((e) => e.event))).toEqual([STREAM_UNTIL_ACTION, STREAM_AFTER_OUTPUTS_COMPLETED]);
    // `[DONE]` is not JSON: the SDK logs a parse error and hands the raw string on.
    expect(result.streams?.map((events) => events.at(-1))).toEqual([
      { event: 'done', data: '[DONE]' },
      { event: 'done', data: '[DONE]' },
    ]);
    expect(result.statuses).toEqual(['queued', 'queued', 'in_progress', 'requires_action', 'queued', 'in_progress', 'completed']);
    expect(result.streamedText).toBe(ANSWER);
    expect(result.run).toMatchObject({ id: v1.ids.run, status: 'completed', usage: usage(RUN_USAGE), lastError: null });
    const stepEvents = result.streams?.flat().filter((e) => e.event.startsWith('thread.run.step.')).map((e) => [e.event, typeof e.data === 'object' && 'id' in e.data ? e.data.id : e.data]);
    expect(stepEvents).toEqual([
      ['thread.run.step.created', v1.ids.steps.codeInterpreter],
      ['thread.run.step.in_progress', v1.ids.steps.codeInterpreter],
      ['thread.run.step.completed', v1.ids.steps.codeInterpreter],
      ['thread.run.step.created', v1.ids.steps.function],
      ['thread.run.step.completed', v1.ids.steps.function],
      ['thread.run.step.created', v1.ids.steps.message],
      ['thread.run.step.completed', v1.ids.steps.message],
    ]);
    expect(result.steps.map((s) => [s.id, s.status, s.usage])).toEqual([
      [v1.ids.steps.codeInterpreter, 'completed', usage(STEP_USAGE.codeInterpreter)],
      [v1.ids.steps.function, 'completed', usage(STEP_USAGE.function)],
      [v1.ids.steps.message, 'completed', usage(STEP_USAGE.message)],
    ]);
    expect(result.messages.map((m) => m.role)).toEqual(['assistant', 'user']);
    expectOneTracedRun(played, streamedRequests(v1));
    // The SDK asked for the streams.
    expect(played.stub.requests.filter((r) => r.method === 'POST' && r.path.includes('/runs')).map((r) => (r.body as { stream?: unknown }).stream)).toEqual([true, true]);

    const trace = theTrace(played);
    expect(spanTree(trace)).toEqual([
      'weather-math-streamed',
      '  create_agent',
      '  create_thread',
      '  create_message',
      '  create_run',
      '  submit_tool_outputs',
      '  list_run_steps',
      '  list_messages',
      '  delete_agent',
    ]);
    expect(trace.status).toBe('success');
    expect(trace.metadata).toMatchObject({ agent_id: v1.ids.agent, thread_id: v1.ids.thread, run_id: v1.ids.run });
    for (const key of TOKEN_KEYS) expect(trace.metadata).not.toHaveProperty(key);
  });

  it('a streamed run that fails after its tool outputs: thread.run.failed reaches the app, Nexus still says success', async () => {
    const played = await play({ routes: { outcome: 'failed', stream: true }, scenario: streamedRun, rootName: 'weather-math-streamed-failed' });
    const { result, v1 } = played;

    expect(result.streams?.map((events) => events.map((e) => e.event))).toEqual([STREAM_UNTIL_ACTION, STREAM_AFTER_OUTPUTS_FAILED]);
    expect(result.run).toMatchObject({ status: 'failed', lastError: { code: RUN_ERROR_CODE, message: RUN_ERROR_MESSAGE }, usage: usage(FAILED_RUN_USAGE) });
    expect(result.streamedText).toBe('');
    expect(result.steps.map((s) => s.status)).toEqual(['completed', 'completed']);
    expectOneTracedRun(played, streamedRequests(v1));

    const trace = theTrace(played);
    expect(trace.status).toBe('success');
    expect(trace.spans.every((s) => s.status === 'ok' && s.error === null)).toBe(true);
    for (const key of [...TOKEN_KEYS, 'error']) expect(trace.metadata).not.toHaveProperty(key);
  });

  it('the stub refuses a polled request when it plays a streamed run, so a scenario cannot silently take the wrong path', async () => {
    const played = play({ routes: { stream: true }, scenario: manualRun, rootName: 'wrong-path' });
    await expect(played).rejects.toMatchObject({ statusCode: 400 });
  });
});

/** Every attribute name the conventions define (stable and incubating). */
const SEMCONV_NAMES = new Set(Object.entries(incubating).filter(([name, value]) => name.startsWith('ATTR_') && typeof value === 'string').map(([, value]) => value as string));
/** Operation names beyond the conventions' well-known ones: the Agents service's own steps. */
const OPERATIONS = new Set([...Object.entries(incubating).filter(([name]) => name.startsWith('GEN_AI_OPERATION_NAME_VALUE_')).map(([, value]) => value as string), 'create_thread', 'create_message']);

/** The instrumentation, its policy given to the client through its options (content capture on). */
function instrumented(): { instrumentation: AzureAIInstrumentation; instrument: PlayOptions['instrument'] } {
  const instrumentation = new AzureAIInstrumentation({ captureMessageContent: true });
  cleanups.push(() => instrumentation.disable());
  return { instrumentation, instrument: () => ({ additionalPolicies: [{ policy: instrumentation.agentsPolicy, position: 'perCall' }] }) };
}

/** The spans under the run span, in name order (their order in time is the service's seconds). */
function runChildren(trace: StoredTrace, runName: string): string[] {
  const [run] = spansNamed(trace, runName);
  expect(run).toBeDefined();
  return trace.spans.filter((s) => s.parentSpanId === run!.id).map((s) => s.name).sort();
}

const RUN = 'invoke_agent weather-math-agent';
const OUTSIDE_RUN = ['  create_agent weather-math-agent', '  create_thread', '  create_message'];

describe('with AzureAIInstrumentation: @azure/ai-agents 1.1.0 runs as GenAI spans', () => {
  it('a run polled to completion: one invoke_agent span with the run’s tokens, a span per tool call and model step, content with capture on', async () => {
    const { instrument } = instrumented();
    const played = await play({ routes: {}, scenario: polledRun, rootName: 'weather-math-polled', instrument });
    const { v1 } = played;
    expectOneTracedRun(played, polledRequests(v1));
    const trace = theTrace(played);

    expect(spanTree(trace).slice(0, 5)).toEqual(['weather-math-polled', ...OUTSIDE_RUN, `  ${RUN}`]);
    expect(runChildren(trace, RUN)).toEqual(['chat gpt-4o', 'chat gpt-4o', 'chat gpt-4o', 'execute_tool code_interpreter', 'execute_tool get_current_weather']);
    expect(trace.status).toBe('success');
    // The steps' tokens, each once: the run span repeats them and is not added again.
    expect(trace.metadata).toMatchObject({
      input_tokens: RUN_USAGE.prompt_tokens,
      output_tokens: RUN_USAGE.completion_tokens,
      total_tokens: RUN_USAGE.total_tokens,
      models: 'gpt-4o',
      agent_id: v1.ids.agent,
      agent_name: 'weather-math-agent',
      conversation_id: v1.ids.thread,
      run_id: v1.ids.run,
      tool_calls: 2,
    });

    const [run] = spansNamed(trace, RUN);
    expect(run).toMatchObject({ status: 'ok', error: null });
    expect(run!.input).toMatchObject({ messages: [{ role: 'user', parts: [{ type: 'text', content: USER_QUESTION }] }] });
    expect(run!.output).toMatchObject({ model: 'gpt-4o', response_id: v1.ids.run, usage: { input_tokens: 740, output_tokens: 98 } });
    const [code] = spansNamed(trace, 'execute_tool code_interpreter');
    expect(code).toMatchObject({ input: 'import math\nprint(math.sqrt(1764))', output: [{ type: 'logs', logs: '42.0' }] });
    const [weather] = spansNamed(trace, 'execute_tool get_current_weather');
    expect(weather).toMatchObject({ input: JSON.parse(WEATHER_CALL.arguments) as unknown, output: JSON.parse(WEATHER_OUTPUT) as unknown });
    expect(spansNamed(trace, 'chat gpt-4o').map((s) => (s.output as { usage?: unknown }).usage)).toEqual(
      expect.arrayContaining([
        { input_tokens: STEP_USAGE.codeInterpreter.prompt_tokens, output_tokens: STEP_USAGE.codeInterpreter.completion_tokens },
        { input_tokens: STEP_USAGE.function.prompt_tokens, output_tokens: STEP_USAGE.function.completion_tokens },
        { input_tokens: STEP_USAGE.message.prompt_tokens, output_tokens: STEP_USAGE.message.completion_tokens },
      ]),
    );
  });

  it('a run that fails with rate_limit_exceeded: the trace is an error quoting the service, with the tokens spent', async () => {
    const { instrument } = instrumented();
    const played = await play({ routes: { outcome: 'failed' }, scenario: polledRun, rootName: 'weather-math-failed', instrument });
    const trace = theTrace(played);

    expect(trace.status).toBe('error');
    const line = `${RUN_ERROR_CODE}: ${RUN_ERROR_MESSAGE}`;
    expect(trace.metadata).toMatchObject({
      error: line,
      input_tokens: FAILED_RUN_USAGE.prompt_tokens,
      output_tokens: FAILED_RUN_USAGE.completion_tokens,
      total_tokens: FAILED_RUN_USAGE.total_tokens,
    });
    expect(spanTree(trace)).toContain(`  ${RUN} [error]`);
    expect(spansNamed(trace, RUN)[0]).toMatchObject({ status: 'error', error: line });
    expect(runChildren(trace, RUN)).toEqual(['chat gpt-4o', 'chat gpt-4o', 'execute_tool code_interpreter', 'execute_tool get_current_weather']);
  });

  it('a run that expires: the trace is a timeout, the expired step an error', async () => {
    const { instrument } = instrumented();
    const played = await play({ routes: { outcome: 'expired' }, scenario: polledRun, rootName: 'weather-math-expired', instrument });
    const trace = theTrace(played);

    expect(trace.status).toBe('timeout');
    expect(trace.metadata).toMatchObject({ error: 'run_expired: run expired before it completed', input_tokens: STEP_USAGE.codeInterpreter.prompt_tokens });
    expect(spansNamed(trace, RUN)[0]).toMatchObject({ status: 'error', error: 'run_expired: run expired before it completed' });
    // The function step expired waiting: its model span says so; the app's call itself had ended.
    expect(spanTree(trace).filter((line) => line.includes('[error]'))).toEqual([`  ${RUN} [error]`, '    chat gpt-4o [error]']);
  });

  it('a streamed run: the same spans from its events, the assistant’s answer as the run’s output, nothing twice when the app lists the steps after', async () => {
    const { instrument } = instrumented();
    const consoleSeen: unknown[] = [];
    const dir = vi.spyOn(console, 'dir').mockImplementation((value: unknown) => void consoleSeen.push(value));
    cleanups.push(() => dir.mockRestore());
    const played = await play({ routes: { stream: true }, scenario: streamedRun, rootName: 'weather-math-streamed', instrument, beside: [new ConsoleSpanExporter()] });
    const { v1 } = played;
    expect(played.result.streamedText).toBe(ANSWER);
    expectOneTracedRun(played, streamedRequests(v1));
    const trace = theTrace(played);

    expect(trace.status).toBe('success');
    expect(runChildren(trace, RUN)).toEqual(['chat gpt-4o', 'chat gpt-4o', 'chat gpt-4o', 'execute_tool code_interpreter', 'execute_tool get_current_weather']);
    expect(trace.metadata).toMatchObject({ input_tokens: 740, output_tokens: 98, total_tokens: 838, run_id: v1.ids.run });
    expect(spansNamed(trace, RUN)[0]!.output).toMatchObject({ messages: [{ role: 'assistant', parts: [{ type: 'text', content: ANSWER }] }] });

    // The console exporter beside it got the same spans, each name the conventions define.
    const exported = consoleSeen as Array<{ name: string; attributes: Record<string, unknown> }>;
    const genai = exported.filter((span) => typeof span.attributes['gen_ai.operation.name'] === 'string');
    expect(genai.map((span) => span.name).sort()).toEqual(
      ['chat gpt-4o', 'chat gpt-4o', 'chat gpt-4o', 'create_agent weather-math-agent', 'create_message', 'create_thread', 'execute_tool code_interpreter', 'execute_tool get_current_weather', RUN].sort(),
    );
    const names = new Set(genai.flatMap((span) => Object.keys(span.attributes)));
    expect([...names].filter((name) => /^(gen_ai|error|server)\./.test(name) && !SEMCONV_NAMES.has(name))).toEqual([]);
    expect([...names].filter((name) => !/^(gen_ai|error|server)\./.test(name)).every((name) => name.startsWith('azure.ai.agents.'))).toBe(true);
    expect(genai.filter((span) => !OPERATIONS.has(span.attributes['gen_ai.operation.name'] as string))).toEqual([]);
  });

  it('a streamed run that fails: thread.run.failed makes the trace an error', async () => {
    const { instrument } = instrumented();
    const played = await play({ routes: { outcome: 'failed', stream: true }, scenario: streamedRun, rootName: 'weather-math-streamed-failed', instrument });
    const trace = theTrace(played);
    expect(trace.status).toBe('error');
    expect(trace.metadata).toMatchObject({ error: `${RUN_ERROR_CODE}: ${RUN_ERROR_MESSAGE}`, input_tokens: FAILED_RUN_USAGE.prompt_tokens });
  });

  it('capture off (the default): the same spans, no message, code or tool text in Nexus', async () => {
    const instrumentation = new AzureAIInstrumentation();
    cleanups.push(() => instrumentation.disable());
    const played = await play({ routes: {}, scenario: manualRun, rootName: 'weather-math-private', instrument: () => ({ additionalPolicies: [{ policy: instrumentation.agentsPolicy, position: 'perCall' }] }) });
    const trace = theTrace(played);
    expect(runChildren(trace, RUN)).toHaveLength(5);
    const everything = JSON.stringify(trace);
    for (const content of ['sqrt(1764)?', 'import math', '12C', 'Seattle, WA']) expect(everything).not.toContain(content);
  });
});
