import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemName, operationIdOf, startIngestionStub, type IngestionStub } from '@nexus-otel/appinsights-local';
import { generateKey, startNexusLocal, type NexusLocal, type StoredTrace } from '@nexus-otel/local';
import { STUB_ANSWER, startOpenAiStub, type OpenAiStub } from '../../examples/env-only/openai-stub.js';
import { runApp } from '../../examples/env-only/test/run-app.js';
import { NODE_22_15, OPENSSL } from '../../test-support/requirements.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REGISTER = '@nexus-otel/exporter/register';
const QUESTION = 'My order #1234 has not arrived. What can I do?';

let nexus: NexusLocal;
let openai: OpenAiStub;

beforeAll(async () => {
  // sdk-node 0.30x and instrumentation-openai 0.22 need Node >= 22.15.
  if (NODE_22_15.unmet) return;
  nexus = await startNexusLocal();
  openai = await startOpenAiStub();
});

afterAll(async () => {
  await openai?.close();
  await nexus?.close();
});

function envFor(key: string, extra: Record<string, string>): Record<string, string> {
  return {
    NEXUS_API_KEY: key,
    NEXUS_BASE_URL: nexus.url,
    OPENAI_API_KEY: 'sk-local-stub',
    OPENAI_BASE_URL: openai.baseURL,
    OTEL_SERVICE_NAME: 'support-bot',
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    ...extra,
  };
}

/** The one Nexus trace of the run, with the chat's content (from the log records) on its span. */
function chatTrace(key: string): StoredTrace {
  const traces = nexus.traces().filter((trace) => trace.key === key);
  expect(traces.map((t) => [t.name, t.agentName, t.status])).toEqual([['chat gpt-4o-mini', 'support-bot', 'success']]);
  const span = traces[0]!.spans[0]!;
  expect(JSON.stringify(span.input)).toContain(QUESTION);
  expect(JSON.stringify(span.output)).toContain(STUB_ANSWER);
  return traces[0]!;
}

function otelTraceId(trace: StoredTrace): string {
  return String((trace.metadata as Record<string, unknown>)['otel_trace_id']);
}

describe.skipIf(NODE_22_15.unmet).concurrent('register on the OpenTelemetry JS 3.x line (sdk-node 0.301, instrumentation-openai 0.22)', NODE_22_15.options, () => {
  it('OTEL_TRACES_EXPORTER=nexus,console: the run lands in Nexus with its content, and the console prints it', async () => {
    const key = generateKey();
    const run = await runApp(['--import', REGISTER, 'app.js'], { cwd: HERE, env: envFor(key, { OTEL_TRACES_EXPORTER: 'nexus,console' }) });
    expect(run.stdout).toContain(`agent: ${STUB_ANSWER}`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toEqual([]);
    const trace = chatTrace(key);
    expect(run.stdout).toContain(`traceId: '${otelTraceId(trace)}'`);
  });

  describe.skipIf(OPENSSL.unmet)('with Azure Monitor', OPENSSL.options, () => {
    let ingestion: IngestionStub;
    let caDir: string;

    beforeAll(async () => {
      ingestion = await startIngestionStub();
      // The app trusts the stub's self-signed certificate through NODE_EXTRA_CA_CERTS, a file.
      caDir = mkdtempSync(join(tmpdir(), 'register-otel3x-ca-'));
      writeFileSync(join(caDir, 'ca.pem'), ingestion.ca);
    });

    afterAll(async () => {
      await ingestion?.close();
      if (caDir) rmSync(caDir, { recursive: true, force: true });
    });

    it('OTEL_TRACES_EXPORTER=nexus,azuremonitor: one run lands in both, under the same trace id, log records included', async () => {
      const key = generateKey();
      const run = await runApp(['--import', REGISTER, 'app.js'], {
        cwd: HERE,
        env: envFor(key, {
          OTEL_TRACES_EXPORTER: 'nexus,azuremonitor',
          APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
          // The exporter's TLS trust (read at process start) and no usage stats to Microsoft hosts.
          NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem'),
          APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
          APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
          APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
        }),
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.lines).toEqual([]);

      const operationId = otelTraceId(chatTrace(key));
      const ofRun = ingestion.envelopes().filter((e) => operationIdOf(e) === operationId);
      expect(ofRun.filter((e) => e.data.baseType === 'RemoteDependencyData').map(itemName)).toEqual(['chat gpt-4o-mini']);
      // The instrumentation's content records went through the log pipeline to Azure Monitor too.
      expect(ofRun.filter((e) => e.data.baseType === 'MessageData').length).toBeGreaterThan(0);
    });
  });
});
