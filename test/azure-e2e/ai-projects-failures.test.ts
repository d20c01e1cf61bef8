import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type StoredTrace } from '@nexus-otel/local';
import { AzureAIInstrumentation } from '@nexus-otel/instrumentation-azure-ai';
import type { StubRoutes } from '@nexus-otel/example-azure-agents/foundry-stub';
import { spansNamed } from './span-tree.js';
import { foundryForChild, foundryToNexus } from './scenario.js';
import { NODE_22_19 } from '../../test-support/requirements.js';

// Responses that fail without an HTTP error: @azure/ai-projects 2.10.0 ends its span OK for them
// (the first test shows it), @nexus-otel/instrumentation-azure-ai makes them errors (the second).
// Real SDK and openai client against the local HTTPS stub, exported by NexusSpanExporter.

const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3600_000 }) };
const RATE_LIMITED = { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded. Try again in 20 seconds.' };
const USAGE = { input_tokens: 96, output_tokens: 0, total_tokens: 96 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A Responses result as the service returns it, with HTTP 200 whatever its status. */
function result(id: string, status: 'failed' | 'incomplete', model = 'gpt-4o-2024-11-20'): Record<string, unknown> {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: status === 'failed' ? RATE_LIMITED : null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    model,
    output: status === 'incomplete' ? [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'incomplete', content: [{ type: 'output_text', text: 'The answer is', annotations: [] }] }] : [],
    usage: status === 'incomplete' ? { input_tokens: 40, output_tokens: 16, total_tokens: 56 } : USAGE,
  };
}

/** `POST /openai/v1/responses`, by the input's first word: failed, incomplete, or a failed stream. */
const routes: StubRoutes = (req) => {
  if (`${req.method} ${req.path}` !== 'POST /openai/v1/responses') return undefined;
  const body = (req.body ?? {}) as { input?: unknown; stream?: boolean };
  const input = typeof body.input === 'string' ? body.input : '';
  if (input.startsWith('incomplete')) return { body: result('resp_incomplete', 'incomplete') };
  if (body.stream) {
    const failed = result('resp_stream', 'failed');
    return {
      body: null,
      events: [
        { type: 'response.created', sequence_number: 0, response: { ...failed, status: 'in_progress', error: null, usage: null } },
        { type: 'response.failed', sequence_number: 1, response: failed },
      ],
    };
  }
  return { body: result('resp_failed', 'failed') };
};

async function scenario(instrument: boolean): Promise<StoredTrace[]> {
  const { stub, nexus, tracing } = await foundryToNexus(routes, cleanups);

  const aiProjects = await import('@azure/ai-projects');
  if (instrument) {
    // Under vitest the SDK is loaded as an ES module the loader hooks cannot see: the manual entry.
    const instrumentation = new AzureAIInstrumentation();
    instrumentation.manuallyInstrument(aiProjects);
  }
  const project = new aiProjects.AIProjectClient(stub.endpoint, credential, { tracingOptions: { experimental: true, contentRecording: true } });
  const openai = project.getOpenAIClient();

  const statuses: string[] = [];
  await tracing.tracer.startActiveSpan('agent-turn', async (root) => {
    const failed = await openai.responses.create({ input: 'What is the weather in Seattle?' }, { body: { agent: { name: 'weather-agent', type: 'agent_reference' } } });
    statuses.push(failed.status ?? '');
    root.end();
  });
  await tracing.tracer.startActiveSpan('long-answer', async (root) => {
    const incomplete = await openai.responses.create({ model: 'gpt-4o', input: 'incomplete: write a long essay' });
    statuses.push(incomplete.status ?? '');
    root.end();
  });
  await tracing.tracer.startActiveSpan('streamed', async (root) => {
    const stream = await openai.responses.create({ model: 'gpt-4o', input: 'stream an answer', stream: true });
    for await (const event of stream) statuses.push(event.type);
    root.end();
  });
  await tracing.shutdown();
  // The app saw every result: nothing threw (HTTP 200 each time).
  expect(statuses).toEqual(['failed', 'incomplete', 'response.created', 'response.failed']);
  return nexus.traces();
}

const byName = (traces: StoredTrace[], name: string): StoredTrace => {
  const trace = traces.find((t) => t.name === name);
  if (!trace) throw new Error(`no trace ${name}: ${traces.map((t) => t.name).join(', ')}`);
  return trace;
};

describe.skipIf(NODE_22_19.unmet)('@azure/ai-projects 2.10.0: failed and incomplete Responses results', NODE_22_19.options, () => {
  it('without the instrumentation, the SDK ends each span OK: Nexus shows three successes', async () => {
    const traces = await scenario(false);
    expect(traces.map((t) => t.status)).toEqual(['success', 'success', 'success']);
    expect(traces.flatMap((t) => t.spans).every((s) => s.status === 'ok')).toBe(true);
  });

  it('with AzureAIInstrumentation: the agent run is an error with the provider message, each span says why', async () => {
    const traces = await scenario(true);
    expect(traces).toHaveLength(3);

    // An agent run that failed: the trace is `error` (alerts fire), quoting the provider.
    const turn = byName(traces, 'agent-turn');
    expect(turn.status).toBe('error');
    expect(turn.metadata).toMatchObject({
      error: 'rate_limit_exceeded: Rate limit is exceeded. Try again in 20 seconds.',
      response_id: 'resp_failed',
      input_tokens: USAGE.input_tokens,
    });
    const [run] = spansNamed(turn, 'invoke_agent weather-agent');
    expect(run).toMatchObject({ status: 'error', error: 'rate_limit_exceeded: Rate limit is exceeded. Try again in 20 seconds.' });

    // A model call cut at max_output_tokens: its span is an error; the app's trace goes on as the app says.
    const long = byName(traces, 'long-answer');
    const [chat] = spansNamed(long, 'chat gpt-4o');
    expect(chat).toMatchObject({ status: 'error', error: 'response_incomplete: max_output_tokens' });
    expect(long.metadata).toMatchObject({ input_tokens: 40, output_tokens: 16, response_id: 'resp_incomplete' });

    // A stream that ended in response.failed: the SDK set no id or usage at all; now both are there.
    const streamed = byName(traces, 'streamed');
    const [streamChat] = spansNamed(streamed, 'chat gpt-4o');
    expect(streamChat).toMatchObject({ status: 'error', error: 'rate_limit_exceeded: Rate limit is exceeded. Try again in 20 seconds.' });
    expect(streamed.metadata).toMatchObject({ response_id: 'resp_stream', input_tokens: USAGE.input_tokens, models: 'gpt-4o-2024-11-20' });
  });
});

describe.skipIf(NODE_22_19.unmet)('registered the usual way in an ES-module app (import-in-the-middle loader hook)', NODE_22_19.options, () => {
  it('node --import ./register.mjs app.mjs: the failed result ends the SDK span ERROR', async () => {
    const { stub, caFile } = await foundryForChild(routes, cleanups);
    const hooked = fileURLToPath(new URL('./hooked/', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', './register.mjs', 'app.mjs'], {
      cwd: hooked,
      env: { ...process.env, STUB_ENDPOINT: stub.endpoint, NODE_EXTRA_CA_CERTS: caFile },
      timeout: 30_000,
    });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ status: 'failed' });
    expect(lines[1]).toEqual({
      spans: [{ name: 'chat gpt-4o', status: { code: 2, message: 'rate_limit_exceeded: Rate limit is exceeded. Try again in 20 seconds.' }, errorType: 'rate_limit_exceeded' }],
    });
  });
});

describe.skipIf(NODE_22_19.unmet)('with no code at all: node --import @nexus-otel/exporter/register', NODE_22_19.options, () => {
  it('the register entry starts the instrumentation (installed beside the SDK): the failed turn lands in Nexus as an error', async () => {
    const { stub, caFile } = await foundryForChild(routes, cleanups);
    const key = generateKey();
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    cleanups.push(() => nexus.close());
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', '@nexus-otel/exporter/register', 'app.mjs'], {
      cwd: fileURLToPath(new URL('./hooked/', import.meta.url)),
      env: { ...process.env, STUB_ENDPOINT: stub.endpoint, NODE_EXTRA_CA_CERTS: caFile, NEXUS_API_KEY: key, NEXUS_BASE_URL: nexus.url, OTEL_SERVICE_NAME: 'weather-app' },
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe(JSON.stringify({ status: 'failed' }));
    const traces = nexus.traces();
    expect(traces, stderr).toHaveLength(1);
    expect(traces[0]).toMatchObject({ name: 'chat gpt-4o', status: 'error', agentName: 'weather-app' });
    expect(traces[0]!.metadata).toMatchObject({ error: 'rate_limit_exceeded: Rate limit is exceeded. Try again in 20 seconds.', input_tokens: USAGE.input_tokens });
  });
});
