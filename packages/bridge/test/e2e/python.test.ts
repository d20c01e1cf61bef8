// Real Python apps → the bridge → the local Nexus. Each scenario of ../python/agent_app.py (the Azure
// AI Agents SDK's own tracing, the OpenTelemetry OpenAI v2 instrumentation) exports OTLP/HTTP
// protobuf straight to a bridge, against a local HTTPS stub of the service; what lands in Nexus is
// what a user would see: one trace per run, tool calls as tool spans, exact tokens, the run's outcome.
//
// Needs python3 (the peers' venv is made on first use, about a minute, and cached in
// ~/.cache/nexus-otel); skipped, with the reason, without it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PythonPeers } from '../python/venv.js';
import { bridgeHarness, type BridgeHarness } from '../server/harness.js';
import {
  BUILD_TIMEOUT_MS,
  PYTHON,
  deliveredTraces,
  ensurePythonPeers,
  expectExpiredTrace,
  expectFailedTrace,
  expectOpenAiTrace,
  expectToolsTrace,
  pythonOf,
  runPeer,
  stubTls,
  traceOfRun,
  type StubTls,
} from './helpers.js';

describe.skipIf(PYTHON.unmet)('Python apps → bridge (OTLP/HTTP protobuf) → Nexus', PYTHON.options, () => {
  let peers: PythonPeers | undefined;
  let tls: StubTls | undefined;
  let h: BridgeHarness | undefined;

  beforeAll(async () => {
    tls = stubTls();
    peers = await ensurePythonPeers();
  }, BUILD_TIMEOUT_MS);
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  afterAll(() => tls?.close());

  it('tools: one trace, whole; each tool call a span named by its tool; the run\'s tokens once', async () => {
    h = await bridgeHarness({ grpcPort: false });
    const run = await runPeer(pythonOf(peers), tls!, 'tools', h.bridge.url);
    const trace = traceOfRun(await deliveredTraces(h.nexus, [h.bridge]), run);
    expectToolsTrace(trace, run);
    expect(h.bridge.stats().spans).toMatchObject({ rejected: 0, dropped: {} });
    expect(h.bridge.stats().requests).toEqual({ 200: expect.any(Number) });
  });

  it('tools with content recording off: the same trace, without content; the function tool is "execute_tool function" (its name is in no GenAI span)', async () => {
    h = await bridgeHarness({ grpcPort: false });
    const run = await runPeer(pythonOf(peers), tls!, 'tools', h.bridge.url, { AZURE_TRACING_GEN_AI_CONTENT_RECORDING_ENABLED: 'false' });
    const trace = traceOfRun(await deliveredTraces(h.nexus, [h.bridge]), run);
    expectToolsTrace(trace, run, { content: false });
  });

  it('failed: the trace is an error, and metadata.error says rate_limit_exceeded with the message', async () => {
    h = await bridgeHarness({ grpcPort: false });
    const run = await runPeer(pythonOf(peers), tls!, 'failed', h.bridge.url);
    expectFailedTrace(traceOfRun(await deliveredTraces(h.nexus, [h.bridge]), run), run);
  });

  it('expired: the trace is a timeout (the SDK leaves the span status unset; the run status says expired)', async () => {
    h = await bridgeHarness({ grpcPort: false });
    const run = await runPeer(pythonOf(peers), tls!, 'expired', h.bridge.url);
    expectExpiredTrace(traceOfRun(await deliveredTraces(h.nexus, [h.bridge]), run), run);
  });

  it('openai: one chat trace with the prompt, the answer and 23/9 tokens', async () => {
    h = await bridgeHarness({ grpcPort: false });
    const run = await runPeer(pythonOf(peers), tls!, 'openai', h.bridge.url);
    expectOpenAiTrace(traceOfRun(await deliveredTraces(h.nexus, [h.bridge]), run), run);
    expect(h.bridge.stats().logRecords).toMatchObject({ received: 1, rejected: 0 });
  });

  it('openai with content capture off (no_content): the same chat trace and tokens, no messages', async () => {
    h = await bridgeHarness({ grpcPort: false });
    const run = await runPeer(pythonOf(peers), tls!, 'openai', h.bridge.url, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'no_content' });
    expectOpenAiTrace(traceOfRun(await deliveredTraces(h.nexus, [h.bridge]), run), run, { content: false });
  });

  it('openai with content only in the log record (event_only): the bridge joins it to its chat span', async () => {
    h = await bridgeHarness({ grpcPort: false });
    const run = await runPeer(pythonOf(peers), tls!, 'openai', h.bridge.url, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'event_only' });
    expectOpenAiTrace(traceOfRun(await deliveredTraces(h.nexus, [h.bridge]), run), run);
    expect(h.bridge.stats().logRecords).toMatchObject({ received: 1, rejected: 0 });
  });
});
