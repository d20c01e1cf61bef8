import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal, type StoredTrace } from '@nexus-otel/local';
import { STUB_ANSWER, startOpenAiStub, type OpenAiStub } from '../openai-stub.js';
import { runApp, type AppRun } from './run-app.js';

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const QUESTION = 'My order #1234 has not arrived. What can I do?';
const REGISTER = '@nexus-otel/exporter/register';

/** The register entry as the example resolves it: it must be built (`npm run build`). */
function registerEntry(): string {
  try {
    return createRequire(join(EXAMPLE, 'package.json')).resolve(REGISTER);
  } catch (error) {
    throw new Error(`${REGISTER} does not resolve from examples/env-only: build the exporter first (npm run build). ${String(error)}`);
  }
}

let nexus: NexusLocal;
let openai: OpenAiStub;

beforeAll(async () => {
  registerEntry();
  nexus = await startNexusLocal(); // open mode: any well-formed key; each test uses its own
  openai = await startOpenAiStub();
});

afterAll(async () => {
  await openai?.close();
  await nexus?.close();
});

/** The environment of one run: everything a user would export in their shell, nothing else. */
function envFor(key: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(key ? { NEXUS_API_KEY: key } : {}),
    NEXUS_BASE_URL: nexus.url,
    OPENAI_API_KEY: 'sk-local-stub',
    OPENAI_BASE_URL: openai.baseURL,
    OTEL_SERVICE_NAME: 'support-bot',
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    ...extra,
  };
}

function tracesOf(key: string): StoredTrace[] {
  return nexus.traces().filter((trace) => trace.key === key);
}

function metadataOf(trace: StoredTrace): Record<string, unknown> {
  return trace.metadata as Record<string, unknown>;
}

/** The run's answer reached the user: the app itself was not disturbed. */
function expectAppRan(run: AppRun): void {
  expect(run.stdout).toContain(`agent: ${STUB_ANSWER}`);
  expect(run.code, run.stderr).toBe(0);
}

/** One Nexus trace for the chat call, content included (it comes through the log pipeline). */
function expectChatTrace(key: string, agent = 'support-bot'): StoredTrace {
  const traces = tracesOf(key);
  expect(traces.map((t) => [t.name, t.agentName, t.status])).toEqual([['chat gpt-4o-mini', agent, 'success']]);
  const trace = traces[0]!;
  expect(trace.spans).toHaveLength(1);
  const span = trace.spans[0]!;
  expect(JSON.stringify(span.input)).toContain(QUESTION);
  expect(JSON.stringify(span.output)).toContain(STUB_ANSWER);
  expect(metadataOf(trace)).toMatchObject({ input_tokens: 31, output_tokens: 19, response_id: expect.stringMatching(/^chatcmpl-stub/) });
  return trace;
}

describe.concurrent('env-only: node --import @nexus-otel/exporter/register, configured by environment variables alone', () => {
  it('OTEL_TRACES_EXPORTER=nexus,console: the run lands in Nexus and the console exporter prints the same span', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'app.js'], { cwd: EXAMPLE, env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus,console' }) });
    expectAppRan(run);
    expect(run.lines).toEqual([]);
    const trace = expectChatTrace(key);
    const otelTraceId = String(metadataOf(trace)['otel_trace_id']);
    expect(otelTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.stdout).toContain(`traceId: '${otelTraceId}'`);
    expect(run.stdout).toContain("name: 'chat gpt-4o-mini'");
    expect(run.stdout).toContain("'service.name': 'support-bot'");
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  it('a standard exporter beside nexus: otlp (http/json) delivers the same run to an OTLP endpoint', async () => {
    const key = generateKey();
    const otlpKey = generateKey(); // the local server's OTLP route files what it gets under this key
    const run = await runApp(['--import', REGISTER, 'app.js'], {
      cwd: EXAMPLE,
      env: envFor(key, {
        OTEL_TRACES_EXPORTER: 'nexus,otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${nexus.url}/v1/traces`,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${otlpKey}`,
      }),
    });
    expectAppRan(run);
    expect(run.lines).toEqual([]);
    const viaNexus = expectChatTrace(key);
    const viaOtlp = tracesOf(otlpKey);
    expect(viaOtlp.map((t) => [t.name, t.agentName])).toEqual([['chat gpt-4o-mini', 'support-bot']]);
    // The same span, whichever way it came: same start time.
    expect(Date.parse(viaOtlp[0]!.startedAt)).toBe(Date.parse(viaNexus.startedAt));
  });

  it('--require with a CommonJS app: the same run lands in Nexus', async () => {
    const key = generateKey();
    const run = await runApp(['--require', REGISTER, 'app.cjs'], { cwd: EXAMPLE, env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus' }) });
    expectAppRan(run);
    expect(run.lines).toEqual([]);
    expectChatTrace(key);
  });

  it('OTEL_TRACES_EXPORTER unset with NEXUS_API_KEY set: Nexus alone; OTEL_RESOURCE_ATTRIBUTES names the agent', async () => {
    const key = generateKey();
    const env = envFor(key, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=billing-bot,deployment.environment=test' });
    delete env['OTEL_SERVICE_NAME'];
    const run = await runApp(['--import', REGISTER, 'app.js'], { cwd: EXAMPLE, env });
    expectAppRan(run);
    expect(run.lines).toEqual([]);
    expect(run.stdout).not.toContain('traceId:'); // no console exporter
    expectChatTrace(key, 'billing-bot');
  });

  it('OTEL_SDK_DISABLED=true: one line, nothing starts, the app runs as without it', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'app.js'], {
      cwd: EXAMPLE,
      env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus,console', OTEL_SDK_DISABLED: 'true' }),
    });
    expectAppRan(run);
    expect(run.lines).toEqual(['[nexus-otel] OTEL_SDK_DISABLED=true: OpenTelemetry not started.']);
    expect(run.stdout).not.toContain('traceId:');
    expect(tracesOf(key)).toEqual([]);
  });

  it('an unknown exporter name: one line naming it, exit code 0, and the run still reaches Nexus', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'app.js'], { cwd: EXAMPLE, env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus,nexsu' }) });
    expectAppRan(run);
    expect(run.lines).toEqual([
      '[nexus-otel] OTEL_TRACES_EXPORTER: unknown exporter "nexsu" ignored (known: otlp, console, zipkin, nexus, azuremonitor, none).',
    ]);
    expectChatTrace(key);
  });

  it('nexus named but NEXUS_API_KEY missing: one line, the app runs on, the console exporter still works', async () => {
    const run = await runApp(['--import', REGISTER, 'app.js'], { cwd: EXAMPLE, env: envFor(undefined, { OTEL_TRACES_EXPORTER: 'nexus,console' }) });
    expectAppRan(run);
    expect(run.lines).toEqual(['[nexus-otel] nexus exporter off: NEXUS_API_KEY is not set. Nothing goes to Nexus; the app runs on.']);
    expect(run.stdout).toContain("name: 'chat gpt-4o-mini'");
  });

  it('a bad NEXUS_BASE_URL: one line, without the key, and the app runs on', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'app.js'], {
      cwd: EXAMPLE,
      env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus', NEXUS_BASE_URL: 'nexus.example.com/api' }),
    });
    expectAppRan(run);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(/^\[nexus-otel\] nexus exporter off: NEXUS_BASE_URL is not a URL/);
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  it('azuremonitor without its connection string, then without its package: one line each, Nexus unaffected', async () => {
    const key = generateKey();
    const noConnection = await runApp(['--import', REGISTER, 'app.js'], { cwd: EXAMPLE, env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus,azuremonitor' }) });
    expectAppRan(noConnection);
    expect(noConnection.lines).toEqual([
      '[nexus-otel] azuremonitor exporter off: APPLICATIONINSIGHTS_CONNECTION_STRING is not set. Nothing goes to Azure Monitor; the app runs on.',
    ]);

    const noPackage = await runApp(['--import', REGISTER, 'app.js'], {
      cwd: EXAMPLE,
      env: envFor(key, {
        OTEL_TRACES_EXPORTER: 'nexus,azuremonitor',
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
      }),
    });
    expectAppRan(noPackage);
    expect(noPackage.lines).toEqual([
      '[nexus-otel] azuremonitor exporter off: @azure/monitor-opentelemetry-exporter is not installed (npm install @azure/monitor-opentelemetry-exporter). Nothing goes to Azure Monitor; the app runs on.',
    ]);
    expect(tracesOf(key)).toHaveLength(2);
  });

  it('the Azure SDK instrumentation, when installed, is enabled too: an Azure client span reaches Nexus', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'test/fixtures/azure-sdk-call.js'], { cwd: EXAMPLE, env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus' }) });
    expect(run.stdout).toContain('created asst_stub0001');
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toEqual([]);
    expect(tracesOf(key).map((t) => [t.name, t.status])).toEqual([['create_agent support-bot', 'success']]);
  });

  it('SIGTERM to a long-running app: the held spans are flushed to Nexus, then the process ends by the signal', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'test/fixtures/until-sigterm.js'], {
      cwd: EXAMPLE,
      // A batch delay far longer than the run: only the flush on SIGTERM can deliver the span.
      env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus', OTEL_BSP_SCHEDULE_DELAY: '60000' }),
      onStdout: (text, signal) => {
        if (text.includes('waiting for SIGTERM')) signal('SIGTERM');
      },
    });
    expect(run.stdout).toContain(`agent: ${STUB_ANSWER}`);
    expect(run.signal).toBe('SIGTERM');
    expect(run.lines).toEqual([]);
    expect(tracesOf(key).map((t) => t.name)).toEqual(['chat gpt-4o-mini']);
  });

  it('SIGTERM in the middle of a run (its root span open): the trace is ended as `timeout`, saying why, not left `running`', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'test/fixtures/root-open-until-sigterm.js'], {
      cwd: EXAMPLE,
      env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus' }),
      onStdout: (text, signal) => {
        if (text.includes('waiting for SIGTERM')) signal('SIGTERM');
      },
    });
    expect(run.stdout).toContain(`agent: ${STUB_ANSWER}`);
    expect(run.signal).toBe('SIGTERM');
    expect(run.lines).toEqual([]);
    const traces = tracesOf(key);
    expect(traces.map((t) => [t.name, t.status])).toEqual([['chat gpt-4o-mini', 'timeout']]);
    expect(traces[0]!.endedAt).toMatch(/Z$/);
    expect(metadataOf(traces[0]!)['error']).toMatch(/^the process ended before the root span of this trace did/);
  });

  describe('beside @opentelemetry/auto-instrumentations-node/register', () => {
    const AUTO = '@opentelemetry/auto-instrumentations-node/register';
    // Resource detectors that ask no cloud metadata service: the run stays offline and quick.
    const autoEnv = (key: string, extra: Record<string, string> = {}): Record<string, string> =>
      envFor(key, { OTEL_NODE_RESOURCE_DETECTORS: 'env,host', OTEL_METRICS_EXPORTER: 'none', ...extra });

    it('this entry first: one SDK; the other\'s instrumentations (undici) report to it, the OpenAI call is traced once, with content', async () => {
      const key = generateKey();
      const run = await runApp(['--import', REGISTER, '--import', AUTO, 'app.js'], { cwd: EXAMPLE, env: autoEnv(key, { NEXUS_SPAN_FILTER: 'all' }) });
      expectAppRan(run);
      expect(run.lines).toEqual([]);
      const traces = tracesOf(key);
      expect(traces).toHaveLength(1);
      const [chat, post, ...rest] = traces[0]!.spans;
      expect(rest).toEqual([]);
      expect(chat!.name).toBe('chat gpt-4o-mini');
      expect(JSON.stringify(chat!.input)).toContain(QUESTION);
      // The HTTP call under the chat span comes from auto-instrumentations' undici instrumentation.
      expect([post!.name, post!.parentSpanId]).toEqual(['POST', chat!.id]);
    });

    it('the same in NODE_OPTIONS, with the default span filter: the chat trace as without it', async () => {
      const key = generateKey();
      const run = await runApp(['app.js'], { cwd: EXAMPLE, env: autoEnv(key, { NODE_OPTIONS: `--import ${REGISTER} --import ${AUTO}` }) });
      expectAppRan(run);
      expect(run.lines).toEqual([]);
      expectChatTrace(key);
    });

    it('the other first, with an exporter it knows: one line saying to put this entry first; the app runs on, its console exporter works', async () => {
      const key = generateKey();
      const run = await runApp(['--import', AUTO, '--import', REGISTER, 'app.js'], { cwd: EXAMPLE, env: autoEnv(key, { OTEL_TRACES_EXPORTER: 'nexus,console' }) });
      expectAppRan(run);
      expect(run.lines).toEqual([
        `[nexus-otel] ${AUTO} ran before ${REGISTER} and started its SDK with the exporters it knows, so nothing would reach Nexus: ${REGISTER} does not start a second one. Put --import ${REGISTER} first.`,
      ]);
      // Its SDK, not this one, prints the HTTP span (its OpenAI instrumentation has no ESM hook).
      expect(run.stdout).toContain("name: 'POST'");
      expect(tracesOf(key)).toEqual([]);
    });
  });

  it('@opentelemetry/sdk-node not installed where the app is: one line saying what to install, the app runs on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-only-no-sdk-'));
    try {
      copyFileSync(join(EXAMPLE, 'test/fixtures/no-sdk-app.mjs'), join(dir, 'app.mjs'));
      // Outside any project the package name does not resolve: the entry is given by path.
      const entry = join(dirname(registerEntry()), 'register.js');
      const run = await runApp(['--import', entry, 'app.mjs'], { cwd: dir, env: { NEXUS_API_KEY: generateKey(), OTEL_TRACES_EXPORTER: 'nexus' } });
      expect(run.stdout).toBe('app ran\n');
      expect(run.code).toBe(0);
      expect(run.lines).toHaveLength(1);
      expect(run.lines[0]).toMatch(/^\[nexus-otel\] @opentelemetry\/sdk-node is not installed, so nothing is traced: npm install @opentelemetry\/sdk-node/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
