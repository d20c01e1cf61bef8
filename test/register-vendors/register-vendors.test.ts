// `node --import @nexus-otel/exporter/register` in an app that has OpenInference's, OpenLLMetry's
// and the contrib OpenAI instrumentation installed: one runs (two would trace each call twice),
// the others are named in one line, NEXUS_INSTRUMENTATIONS picks; each lands as a mapped trace.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal, type StoredTrace } from '@nexus-otel/local';
import { STUB_ANSWER, startOpenAiStub, type OpenAiStub } from '../../examples/env-only/openai-stub.js';
import { runApp, type AppRun } from '../../examples/env-only/test/run-app.js';

const APP_DIR = fileURLToPath(new URL('.', import.meta.url));
const REGISTER = '@nexus-otel/exporter/register';
const QUESTION = 'My order #1234 has not arrived. What can I do?';

let nexus: NexusLocal;
let openai: OpenAiStub;

beforeAll(async () => {
  nexus = await startNexusLocal();
  openai = await startOpenAiStub();
});

afterAll(async () => {
  await openai?.close();
  await nexus?.close();
});

async function run(key: string, extra: Record<string, string> = {}, app = 'app.js'): Promise<AppRun> {
  const result = await runApp([app.endsWith('.cjs') ? '--require' : '--import', REGISTER, app, QUESTION], {
    cwd: APP_DIR,
    env: {
      NEXUS_API_KEY: key,
      NEXUS_BASE_URL: nexus.url,
      OPENAI_API_KEY: 'sk-local-stub',
      OPENAI_BASE_URL: openai.baseURL,
      OTEL_SERVICE_NAME: 'support-bot',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      ...extra,
    },
  });
  expect(result.stdout).toContain(`agent: ${STUB_ANSWER}`);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** The one trace of the run: one span, with the question in, the answer out, the stub's tokens. */
function onlyChatTrace(key: string): StoredTrace {
  const traces = nexus.traces().filter((trace) => trace.key === key);
  expect(traces).toHaveLength(1);
  const trace = traces[0]!;
  expect(trace.status).toBe('success');
  expect(trace.spans).toHaveLength(1);
  expect(JSON.stringify(trace.spans[0]!.input)).toContain(QUESTION);
  expect(JSON.stringify(trace.spans[0]!.output)).toContain(STUB_ANSWER);
  expect(trace.metadata).toMatchObject({ input_tokens: 31, output_tokens: 19 });
  return trace;
}

describe('register entry with several OpenAI instrumentations installed', () => {
  it('by default the contrib one runs, and one line names the two left out', async () => {
    const key = generateKey();
    const result = await run(key, { OTEL_TRACES_EXPORTER: 'nexus,console' });
    expect(result.stdout).toContain("name: '@opentelemetry/instrumentation-openai'");
    expect(result.lines).toEqual([
      '[nexus-otel] openai: traced by @opentelemetry/instrumentation-openai; @traceloop/instrumentation-openai, @arizeai/openinference-instrumentation-openai also installed, not started (two would trace each call twice). NEXUS_INSTRUMENTATIONS=<package>,… picks others.',
    ]);
    expect(onlyChatTrace(key).spans[0]!.name).toBe('chat gpt-4o-mini');
  });

  it('NEXUS_INSTRUMENTATIONS=@traceloop/instrumentation-openai: OpenLLMetry’s span, mapped to the same trace', async () => {
    const key = generateKey();
    // The console exporter beside nexus shows whose span it is.
    const result = await run(key, { NEXUS_INSTRUMENTATIONS: '@traceloop/instrumentation-openai', OTEL_TRACES_EXPORTER: 'nexus,console' });
    expect(result.lines).toEqual([]);
    expect(result.stdout).toContain("name: '@traceloop/instrumentation-openai'");
    onlyChatTrace(key);
  });

  it('NEXUS_INSTRUMENTATIONS=@arizeai/openinference-instrumentation-openai with a CommonJS app: OpenInference’s span, mapped', async () => {
    const key = generateKey();
    const result = await run(key, { NEXUS_INSTRUMENTATIONS: '@arizeai/openinference-instrumentation-openai' }, 'app.cjs');
    expect(result.lines).toEqual([]);
    expect(onlyChatTrace(key).spans[0]!.name).toBe('OpenAI Chat Completions');
  });

  it('the same with an ESM app: its old import-in-the-middle hook (which would crash the import of openai 6) is not registered, said once; the app runs', async () => {
    const key = generateKey();
    const result = await run(key, { NEXUS_INSTRUMENTATIONS: '@arizeai/openinference-instrumentation-openai' });
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(
      /^\[nexus-otel\] @arizeai\/openinference-instrumentation-openai brings import-in-the-middle 1\.7\.1, whose ESM loader hook fails on modules such as openai 6/,
    );
    expect(nexus.traces().filter((trace) => trace.key === key)).toEqual([]);
  });

  it('NEXUS_INSTRUMENTATIONS with a name it does not know: one line listing the known ones; none runs, the app runs on', async () => {
    const key = generateKey();
    const result = await run(key, { NEXUS_INSTRUMENTATIONS: 'openai' });
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(/^\[nexus-otel\] NEXUS_INSTRUMENTATIONS: "openai" is not one this register entry starts \(known: @opentelemetry\/instrumentation-openai, /);
    expect(nexus.traces().filter((trace) => trace.key === key)).toEqual([]);
  });
});
