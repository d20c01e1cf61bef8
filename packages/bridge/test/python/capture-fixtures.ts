// Captures what the real Python peers send: `npx tsx packages/bridge/test/python/capture-fixtures.ts [name…]`
// For each fixture, runs agent_app.py's scenario against a fresh HTTPS stub of the Azure AI Agents
// REST API (+ OpenAI chat completions) and a local OTLP sink, then writes to ../fixtures/python/:
//   <name>.traces.pb, <name>.logs.pb   the raw OTLP/HTTP protobuf bodies (several exports concatenated = merged)
//   <name>.json                        the same, readable: spans, log records, the stub's requests, versions
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createSelfSignedCert, startFoundryStub, type SelfSignedCert } from '../../../../examples/azure-agents/src/foundry/index.js';
import { startOtlpSink } from './capture.js';
import { runPythonPeer } from './run-peer.js';
import { createPythonPeerRoutes, type PythonScenario } from './stub-routes.js';
import { ensurePythonPeers } from './venv.js';

const execFileAsync = promisify(execFile);

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/python/', import.meta.url));
const DUMP_SCRIPT = fileURLToPath(new URL('./dump_otlp.py', import.meta.url));

const CONTENT_OFF = { AZURE_TRACING_GEN_AI_CONTENT_RECORDING_ENABLED: 'false', OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'no_content' };

export interface FixtureSpec {
  name: string;
  scenario: PythonScenario;
  env?: Record<string, string>;
}

/** Content recording is on (agents: true, openai: span_and_event) unless the name says otherwise. */
export const FIXTURES: readonly FixtureSpec[] = [
  { name: 'tools', scenario: 'tools' },
  { name: 'failed', scenario: 'failed' },
  { name: 'expired', scenario: 'expired' },
  { name: 'openai', scenario: 'openai' },
  { name: 'tools-content-off', scenario: 'tools', env: CONTENT_OFF },
  { name: 'openai-content-off', scenario: 'openai', env: CONTENT_OFF },
  // Content only in the log record, not on the span: what a receiver must join by span id.
  { name: 'openai-event-only', scenario: 'openai', env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'event_only' } },
];

/** The versions of the packages that made the telemetry, as installed in the venv. */
async function packageVersions(python: string): Promise<Record<string, string>> {
  const names = [
    'azure-ai-agents',
    'azure-ai-projects',
    'azure-core',
    'azure-core-tracing-opentelemetry',
    'openai',
    'opentelemetry-sdk',
    'opentelemetry-exporter-otlp-proto-http',
    'opentelemetry-instrumentation-openai-v2',
    'opentelemetry-util-genai',
  ];
  const code = `import json, sys, importlib.metadata as m; print(json.dumps({"python": sys.version.split()[0], **{n: m.version(n) for n in ${JSON.stringify(names)}}}))`;
  const { stdout } = await execFileAsync(python, ['-c', code]);
  return JSON.parse(stdout) as Record<string, string>;
}

async function capture(python: string, tls: SelfSignedCert, caFile: string, spec: FixtureSpec, versions: Record<string, string>): Promise<string> {
  const peer = createPythonPeerRoutes(spec.scenario);
  const stub = await startFoundryStub(tls, peer.routes);
  const sink = await startOtlpSink();
  try {
    const result = await runPythonPeer({ python, scenario: spec.scenario, otlpEndpoint: sink.url, stubUrl: stub.endpoint, caFile, env: spec.env ?? {} });
    if (result.code !== 0) throw new Error(`${spec.name}: agent_app.py exited ${result.code}\n${result.stderr}`);
    const traces = sink.merged('traces');
    const logs = sink.merged('logs');
    if (traces.length === 0) throw new Error(`${spec.name}: no traces arrived`);
    const tracesFile = join(FIXTURES_DIR, `${spec.name}.traces.pb`);
    const logsFile = join(FIXTURES_DIR, `${spec.name}.logs.pb`);
    await writeFile(tracesFile, traces);
    if (logs.length > 0) await writeFile(logsFile, logs);
    else await rm(logsFile, { force: true });
    const dumpArgs = [DUMP_SCRIPT, '--traces', tracesFile, ...(logs.length > 0 ? ['--logs', logsFile] : [])];
    const { stdout } = await execFileAsync(python, dumpArgs, { maxBuffer: 64 * 1024 * 1024 });
    const dumped = JSON.parse(stdout) as { spans: unknown[]; logRecords?: unknown[] };
    const readable = {
      captured_with: {
        ...versions,
        scenario: spec.scenario,
        env: spec.env ?? {},
        content_recording: spec.name.endsWith('content-off') ? 'off' : 'on',
        exports: sink.exports.map((e) => ({ signal: e.signal, contentType: e.contentType, bytes: e.body.length })),
        note: 'real agent_app.py run against the local HTTPS stub (stub-routes.ts); regenerate with capture-fixtures.ts',
      },
      requests_seen_by_stub: stub.requests.map((r) => ({
        method: r.method,
        path: r.path,
        apiVersion: r.query.get('api-version'),
        traceparent: r.traceparent ?? null,
      })),
      spans: dumped.spans,
      logRecords: dumped.logRecords ?? [],
    };
    await writeFile(join(FIXTURES_DIR, `${spec.name}.json`), `${JSON.stringify(readable, null, 2)}\n`);
    const logNote = logs.length > 0 ? `, ${dumped.logRecords?.length ?? 0} log records (${logs.length} B)` : '';
    return `${spec.name}: ${dumped.spans.length} spans (${traces.length} B)${logNote}, ${stub.requests.length} stub requests`;
  } finally {
    await sink.close();
    await stub.close();
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const specs = wanted.length > 0 ? FIXTURES.filter((f) => wanted.includes(f.name)) : FIXTURES;
  if (specs.length === 0) throw new Error(`no fixture named ${wanted.join(', ')}; known: ${FIXTURES.map((f) => f.name).join(', ')}`);
  const peers = await ensurePythonPeers();
  if (!peers.ok) throw new Error(peers.reason);
  const versions = await packageVersions(peers.python);
  const tls = createSelfSignedCert();
  const tmp = await mkdtemp(join(tmpdir(), 'python-peer-ca-'));
  try {
    const caFile = join(tmp, 'stub-ca.pem');
    await writeFile(caFile, tls.cert);
    await mkdir(FIXTURES_DIR, { recursive: true });
    for (const spec of specs) console.log(await capture(peers.python, tls, caFile, spec, versions));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
