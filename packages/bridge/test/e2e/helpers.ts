// Shared by the end-to-end tests: what the machine must have (checked cheaply at module load), the
// Python peers run against a fresh Foundry stub, waiting for the bridge to have delivered, and what a
// user must see in Nexus for each Python scenario.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NexusLocal, StoredSpan, StoredTrace } from '@nexus-otel/local';
import { expect } from 'vitest';
import { createSelfSignedCert, startFoundryStub, type SelfSignedCert, type StubRequest } from '../../../../examples/azure-agents/src/foundry/index.js';
import { requirement } from '../../../../test-support/requirements.js';
import type { BridgeStats } from '../../src/index.js';
import { runPythonPeer, type PythonPeerResult } from '../python/run-peer.js';
import { ANSWER, CHAT_ANSWER, CHAT_RESPONSE_MODEL, CHAT_USAGE, RATE_LIMIT_ERROR, RUN_USAGE, WEATHER_CALL, createPythonPeerRoutes, type PythonPeerStub, type PythonScenario } from '../python/stub-routes.js';
import { ensurePythonPeers, type PythonPeers } from '../python/venv.js';

/** The hook timeout of a first venv or Collector build (both are cached after). */
export const BUILD_TIMEOUT_MS = 15 * 60_000;

function missingProgram(command: string, args: string[]): string | undefined {
  const probe = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  if (probe.error) return (probe.error as NodeJS.ErrnoException).code ?? probe.error.message;
  return probe.status === 0 ? undefined : `\`${command} ${args.join(' ')}\` exited ${probe.status ?? probe.signal}`;
}

const pythonCommand = process.env['NEXUS_OTEL_PYTHON'] || 'python3';
const pythonMissing = missingProgram(pythonCommand, ['--version']);
/** A python3 to make the peers' venv with (PyPI is needed too, on the first run: a build that fails fails the tests). */
export const PYTHON = requirement(
  pythonMissing === undefined ? undefined : `needs python3 with PyPI (${pythonCommand}: ${pythonMissing})`,
  'install python3 (>= 3.9, with venv) where pip can reach PyPI, and run npm test again',
);

const goMissing = missingProgram('go', ['version']);
/** Go, to build the Collector (the Go module proxy is needed too, on the first run). */
export const GO = requirement(
  goMissing === undefined ? undefined : `needs Go and the Go module proxy (go: ${goMissing})`,
  'install Go >= 1.26 where it can reach the Go module proxy, and run npm test again',
);

/** Both: the Python apps through the Collector. (One group with both reasons: vitest leaves a skipIf group inside a skipped one pending, without its reason.) */
export const GO_AND_PYTHON = requirement(
  goMissing === undefined && pythonMissing === undefined
    ? undefined
    : [goMissing === undefined ? undefined : `needs Go and the Go module proxy (go: ${goMissing})`, pythonMissing === undefined ? undefined : `needs python3 with PyPI (${pythonCommand}: ${pythonMissing})`].filter((r) => r !== undefined).join('; '),
  'install Go >= 1.26 and python3 (>= 3.9, with venv) where they can reach the Go module proxy and PyPI, and run npm test again',
);

/** The venv's interpreter; throws (fails the test) with the reason when it could not be made. */
export function pythonOf(peers: PythonPeers | undefined): string {
  if (!peers) throw new Error('the Python peers were not set up (beforeAll did not run)');
  if (!peers.ok) throw new Error(`the Python peers' venv could not be made: ${peers.reason}`);
  return peers.python;
}

export { ensurePythonPeers };

/** A certificate for the Foundry stub and the PEM file the Python app trusts it by. */
export interface StubTls {
  tls: SelfSignedCert;
  caFile: string;
  close(): void;
}

export function stubTls(): StubTls {
  const tls = createSelfSignedCert();
  const dir = mkdtempSync(join(tmpdir(), 'bridge-e2e-ca-'));
  const caFile = join(dir, 'stub-ca.pem');
  writeFileSync(caFile, tls.cert);
  return { tls, caFile, close: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface PeerRun {
  peer: PythonPeerStub;
  result: PythonPeerResult;
  /** The OTel trace id the app's HTTP calls carried (their `traceparent`), when it made any. */
  traceId: string | undefined;
  requests: readonly StubRequest[];
}

/**
 * Runs agent_app.py's scenario once against a fresh Foundry stub, exporting OTLP/HTTP protobuf to
 * `otlpEndpoint`; fails the test unless the app ran as scripted. Everything the app exported has
 * been acknowledged when this resolves (the app flushes before it exits).
 */
export async function runPeer(python: string, tls: StubTls, scenario: PythonScenario, otlpEndpoint: string, env: Record<string, string> = {}): Promise<PeerRun> {
  const peer = createPythonPeerRoutes(scenario);
  const stub = await startFoundryStub(tls.tls, peer.routes);
  try {
    const result = await runPythonPeer({ python, scenario, otlpEndpoint, stubUrl: stub.endpoint, caFile: tls.caFile, env });
    expect(result, `agent_app.py ${scenario} failed:\n${result.stderr}`).toMatchObject({ code: 0, timedOut: false });
    // azure-core's HTTP spans put a traceparent on every call; the openai SDK's calls carry none.
    const traceIds = [...new Set(stub.requests.map((r) => r.traceparent?.split('-')[1]).filter((id): id is string => id !== undefined))];
    if (scenario !== 'openai') expect(traceIds, 'every call the app made carried the one trace id of its run').toHaveLength(1);
    return { peer, result, traceId: traceIds[0], requests: [...stub.requests] };
  } finally {
    await stub.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMillis = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(25);
  }
  return check();
}

/** A bridge in this process (`NexusBridge`) or in its own (`BridgeProcess`, stats over HTTP). */
export interface StatsSource {
  stats(): BridgeStats | Promise<BridgeStats>;
}

/** Bridges whose every span received has been delivered (or dropped) and whose spool is empty. */
export async function settled(bridges: readonly StatsSource[]): Promise<boolean> {
  const all = await Promise.all(bridges.map((b) => b.stats()));
  return all.every(({ spans, spool }) => {
    const dropped = Object.values(spans.dropped).reduce((n, d) => n + d, 0);
    return spans.received > 0 && spans.delivered + dropped >= spans.received && spool.pending === 0;
  });
}

/**
 * Waits until `bridges` have delivered all they received and Nexus holds `count` traces none of which
 * is still `running`; then fails, with what it has, if that did not happen.
 */
export async function deliveredTraces(nexus: NexusLocal, bridges: readonly StatsSource[], count = 1, timeoutMillis = 20_000): Promise<StoredTrace[]> {
  const done = async () => nexus.traces().length >= count && nexus.traces().every((t) => t.status !== 'running') && (await settled(bridges));
  if (!(await eventually(done, timeoutMillis))) {
    const seen = nexus.traces().map((t) => `${t.name} (${t.status}, ${t.spans.length} spans)`);
    const stats = (await Promise.all(bridges.map((b) => b.stats()))).map(({ spans, spool }) => JSON.stringify({ spans, spoolPending: spool.pending }));
    throw new Error(`not delivered within ${timeoutMillis} ms: Nexus has [${seen.join(', ')}]; bridges ${stats.join(' ')}`);
  }
  await sleep(200); // a second upload for the same run, if any, would show now
  return nexus.traces();
}

export function metadataOf(trace: StoredTrace): Record<string, unknown> {
  return (trace.metadata ?? {}) as Record<string, unknown>;
}

export function rootOf(trace: StoredTrace): StoredSpan {
  const roots = trace.spans.filter((s) => s.parentSpanId === null);
  expect(roots.map((s) => s.name), `${trace.name}: one root span`).toHaveLength(1);
  return roots[0]!;
}

export function childrenOf(trace: StoredTrace, span: StoredSpan): StoredSpan[] {
  return trace.spans.filter((s) => s.parentSpanId === span.id);
}

function named(trace: StoredTrace, name: string): StoredSpan[] {
  return trace.spans.filter((s) => s.name === name);
}

/** Every span name of the trace, sorted: what the trace view lists. */
export function spanNames(trace: StoredTrace): string[] {
  return trace.spans.map((s) => s.name).sort();
}

/** The one Nexus trace of a run, found by the OTel trace id its HTTP calls carried. */
export function traceOfRun(traces: readonly StoredTrace[], run: PeerRun): StoredTrace {
  const ids = traces.map((t) => metadataOf(t)['otel_trace_id']);
  expect(ids, 'one Nexus trace for the run').toHaveLength(1);
  if (run.traceId !== undefined) expect(ids).toEqual([run.traceId]);
  return traces[0]!;
}

// ── what a user sees for each scenario ─────────────────────────────────────────────────────────────

/**
 * The Nexus spans of a `tools` run: the SDK's operations under the app's root, each tool call its own
 * span. With content recording off, azure-ai-agents writes a function step as `{id, type: "function"}`
 * and records the function's name nowhere else (the @trace_function span is named after it, but carries
 * no call id and is no GenAI span): the tool span is then `execute_tool function`.
 */
export function toolsSpanNames(functionTool: string = WEATHER_CALL.name): string[] {
  return [
    'create_agent weather-math-agent',
    'create_message',
    'create_thread',
    'execute_tool code_interpreter',
    `execute_tool ${functionTool}`,
    'get_thread_run',
    'get_thread_run',
    'get_thread_run',
    'list_messages',
    'list_messages',
    'list_run_steps',
    'list_run_steps',
    'list_run_steps',
    'scenario tools',
    'start_thread_run',
    'submit_tool_outputs',
  ].sort();
}

export function expectToolsTrace(trace: StoredTrace, run: PeerRun, options: { content?: boolean } = {}): void {
  const content = options.content ?? true;
  const functionTool = content ? WEATHER_CALL.name : 'function';
  const { ids } = run.peer;
  expect(trace).toMatchObject({ name: 'scenario tools', agentName: 'python-peer-tools', status: 'success' });
  expect(spanNames(trace)).toEqual(toolsSpanNames(functionTool));
  expect(metadataOf(trace)).toMatchObject({
    otel_trace_id: run.traceId,
    service_name: 'python-peer-tools',
    input_tokens: RUN_USAGE.prompt_tokens,
    output_tokens: RUN_USAGE.completion_tokens,
    total_tokens: RUN_USAGE.total_tokens,
    models: 'gpt-4o',
    agent_id: ids.agent,
    agent_name: 'weather-math-agent',
    thread_id: ids.thread,
    run_id: ids.run,
    run_status: 'completed',
    tool_calls: 2,
    tool_calls_function: 1,
    tool_calls_code_interpreter: 1,
  });
  expect(metadataOf(trace)).not.toHaveProperty('error');

  const root = rootOf(trace);
  expect(root.name).toBe('scenario tools');
  // Every SDK operation straight under the app's root; tool spans under the list_run_steps span that reported the step.
  for (const span of trace.spans) {
    if (span === root) continue;
    const parent = trace.spans.find((s) => s.id === span.parentSpanId);
    expect([span.name, parent?.name]).toEqual([span.name, span.name.startsWith('execute_tool ') ? 'list_run_steps' : 'scenario tools']);
    expect([span.name, span.status, span.error]).toEqual([span.name, 'ok', null]);
  }

  const [weather] = named(trace, `execute_tool ${functionTool}`);
  const [code] = named(trace, 'execute_tool code_interpreter');
  if (content) {
    expect(weather!.input).toEqual(JSON.parse(WEATHER_CALL.arguments));
    expect(weather!.output).toEqual({ location: 'Seattle, WA', temperature: '12C', condition: 'cloudy' });
    expect(code!.input).toBe('import math\nprint(math.sqrt(1764))');
    expect(code!.output).toEqual([{ type: 'logs', logs: '42.0\n' }, expect.objectContaining({ type: 'image' })]);
    const answered = named(trace, 'list_messages').some((s) => JSON.stringify(s.input).includes(JSON.stringify(ANSWER).slice(1, -1)));
    expect(answered, 'the agent\'s answer is in a list_messages span').toBe(true);
  } else {
    expect([weather!.input, weather!.output, code!.input, code!.output]).toEqual([null, null, null, null]);
    expect(JSON.stringify(trace)).not.toContain('Seattle');
  }
  // The run's usage is reported once, on the last poll: not added again by the steps.
  const completed = named(trace, 'get_thread_run').filter((s) => (s.output as { run_status?: string } | null)?.run_status === 'completed');
  expect(completed).toHaveLength(1);
  expect((completed[0]!.output as { usage?: unknown }).usage).toMatchObject({ input_tokens: RUN_USAGE.prompt_tokens, output_tokens: RUN_USAGE.completion_tokens });
}

export function expectFailedTrace(trace: StoredTrace, run: PeerRun): void {
  const line = `${RATE_LIMIT_ERROR.code}: ${RATE_LIMIT_ERROR.message}`;
  expect(trace).toMatchObject({ name: 'scenario failed', agentName: 'python-peer-failed', status: 'error' });
  // The stub reports usage on the failed run too: 512 prompt tokens, no completion.
  expect(metadataOf(trace)).toMatchObject({
    otel_trace_id: run.traceId,
    run_status: 'failed',
    error: line,
    run_id: run.peer.ids.run,
    thread_id: run.peer.ids.thread,
    input_tokens: 512,
    output_tokens: 0,
  });
  // The failed poll carries the error; nothing else does.
  const failed = trace.spans.filter((s) => s.status === 'error');
  expect(failed.map((s) => [s.name, s.error])).toEqual([['get_thread_run', line]]);
  expect(spanNames(trace)).toEqual(['create_agent weather-math-agent', 'create_message', 'create_thread', 'get_thread_run', 'get_thread_run', 'scenario failed', 'start_thread_run']);
}

export function expectExpiredTrace(trace: StoredTrace, run: PeerRun): void {
  expect(trace).toMatchObject({ name: 'scenario expired', agentName: 'python-peer-expired', status: 'timeout' });
  expect(metadataOf(trace)).toMatchObject({ otel_trace_id: run.traceId, run_status: 'expired', run_id: run.peer.ids.run });
  expect(String(metadataOf(trace)['error'])).toMatch(/expired/);
  // No usage was reported for the run: no token keys, rather than zeros.
  expect(metadataOf(trace)).not.toHaveProperty('input_tokens');
  expect(spanNames(trace)).toEqual(['create_agent weather-math-agent', 'create_message', 'create_thread', 'get_thread_run', 'get_thread_run', 'scenario expired', 'start_thread_run']);
}

export function expectOpenAiTrace(trace: StoredTrace, run: PeerRun, options: { content?: boolean } = {}): void {
  const content = options.content ?? true;
  expect(trace).toMatchObject({ name: 'scenario openai', agentName: 'python-peer-openai', status: 'success' });
  expect(metadataOf(trace)).toMatchObject({
    service_name: 'python-peer-openai',
    input_tokens: CHAT_USAGE.prompt_tokens,
    output_tokens: CHAT_USAGE.completion_tokens,
    total_tokens: CHAT_USAGE.total_tokens,
    models: CHAT_RESPONSE_MODEL,
    response_id: run.peer.ids.chatCompletion,
  });
  expect(spanNames(trace)).toEqual(['chat gpt-4o', 'scenario openai']);
  const [chat] = named(trace, 'chat gpt-4o');
  expect(chat!.parentSpanId).toBe(rootOf(trace).id);
  const input = chat!.input as { model?: string; messages?: unknown[] };
  const output = chat!.output as { messages?: unknown[]; model?: string; usage?: unknown };
  expect(input.model).toBe('gpt-4o');
  expect(output).toMatchObject({ model: CHAT_RESPONSE_MODEL, usage: { input_tokens: CHAT_USAGE.prompt_tokens, output_tokens: CHAT_USAGE.completion_tokens } });
  if (content) {
    expect(input.messages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a terse assistant.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is sqrt(1764)?' }] },
    ]);
    expect(output.messages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: CHAT_ANSWER }], finish_reason: 'stop' }]);
  } else {
    expect(JSON.stringify(chat)).not.toContain('1764');
  }
}
