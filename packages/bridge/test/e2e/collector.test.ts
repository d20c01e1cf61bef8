// The bridge behind a real OpenTelemetry Collector (../collector: built from the Go module proxy,
// cached in ~/.cache/nexus-otel).
//
// 1. One bridge: apps → Collector (otlp receiver, batch, otlp_http exporter: bridgeConfig) → bridge →
//    Nexus. The Python tools run and the OTel JS exporter give the same traces as when they send to the
//    bridge directly: one trace each, whole.
// 2. Scale-out: two bridges, each its own process with its own spool (in one process they would share
//    one exporter pipeline and put split traces together: see bridge-process.ts), behind one Collector
//    whose load_balancing exporter routes by trace id. Two senders send 20 traces in waves, each trace's
//    spans from both senders and in three batches, the root last: every trace must land whole on one
//    bridge, so Nexus has exactly one trace per OTel trace id with all its spans; both bridges took a share.
//    load_balancing (v0.161.0) speaks OTLP/gRPC only: straight to each bridge's OTLP/gRPC receiver
//    (`--grpc-port 0`, i.e. `NexusBridge.start({ grpcPort: 0 })`, `bridge.grpcAddress`), and, for bridges
//    without one (`--grpc-port off`), through a relay Collector (bridgeConfig) in front of each.
//
// Needs Go (and python3 for the Python part); skipped, with the reason, without them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace as otelTrace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { generateKey, startNexusLocal, type NexusLocal, type StoredTrace } from '@nexus-otel/local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeOptions } from '../../src/config.js';
import { NexusBridge } from '../../src/index.js';
import { buildCollector, type BuildResult } from '../collector/build.js';
import { bridgeConfig, loadBalancedConfig } from '../collector/configs.js';
import { startCollector, type RunningCollector } from '../collector/run.js';
import type { PythonPeers } from '../python/venv.js';
import { otlpSender } from '../server/harness.js';
import { startBridgeProcess, type BridgeProcess } from './bridge-process.js';
import {
  BUILD_TIMEOUT_MS,
  GO,
  GO_AND_PYTHON,
  childrenOf,
  deliveredTraces,
  ensurePythonPeers,
  expectOpenAiTrace,
  expectToolsTrace,
  metadataOf,
  pythonOf,
  rootOf,
  runPeer,
  sleep,
  stubTls,
  traceOfRun,
  type StubTls,
} from './helpers.js';

/** One local Nexus and the bridges (and Collectors) of one test; closed after it. */
interface Setup {
  nexus: NexusLocal;
  key: string;
  bridges: NexusBridge[];
  processes: BridgeProcess[];
  collectors: RunningCollector[];
  spoolDirs: string[];
}

let setup: Setup | undefined;

async function newSetup(): Promise<Setup> {
  const key = generateKey();
  setup = { nexus: await startNexusLocal({ keys: { [key]: { plan: 'pro' } } }), key, bridges: [], processes: [], collectors: [], spoolDirs: [] };
  return setup;
}

/** A bridge in this process in front of the setup's Nexus, with its own spool directory and no OTLP/gRPC port. */
async function addBridge(s: Setup): Promise<NexusBridge> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'bridge-e2e-spool-'));
  s.spoolDirs.push(spoolDir);
  // No gRPC here: its default port (4317) would collide between bridges and test files.
  const options: Partial<BridgeOptions> = { port: 0, grpcPort: false, spoolDir };
  const bridge = await NexusBridge.start(options, {}, { apiKey: s.key, baseUrl: s.nexus.url, retryBaseMillis: 5, maxTraceWaitMillis: 60_000 });
  s.bridges.push(bridge);
  return bridge;
}

/** Two bridge processes in front of the setup's Nexus (same key), each with its own spool. */
async function addBridgeProcesses(s: Setup, grpc: boolean): Promise<BridgeProcess[]> {
  const started = await Promise.allSettled([0, 1].map(() => startBridgeProcess({ nexusUrl: s.nexus.url, apiKey: s.key, grpc })));
  for (const p of started) if (p.status === 'fulfilled') s.processes.push(p.value);
  for (const p of started) if (p.status === 'rejected') throw p.reason;
  return s.processes;
}

/** `host:port` of a bridge's OTLP/gRPC receiver, for the load balancer's backend list. */
function grpcBackendOf(bridge: BridgeProcess): string {
  if (!bridge.grpcAddress) throw new Error('the bridge started with --grpc-port 0 announced no OTLP/gRPC address');
  return bridge.grpcAddress;
}

async function addCollector(s: Setup, binary: string, config: string): Promise<RunningCollector> {
  const collector = await startCollector({ binary, config });
  s.collectors.push(collector);
  return collector;
}

afterEach(async (context) => {
  const s = setup;
  setup = undefined;
  if (!s) return;
  if (context.task.result?.state === 'fail') {
    for (const c of s.collectors) console.error(`--- Collector ${c.pid} log (last lines):\n${c.logs().trim().split('\n').slice(-20).join('\n')}`);
    for (const p of s.processes) console.error(`--- bridge process ${p.pid} output:\n${p.output().trim().split('\n').slice(-20).join('\n')}`);
  }
  await Promise.all(s.collectors.map((c) => c.stop()));
  await Promise.all([...s.bridges.map((b) => b.close(1_000)), ...s.processes.map((p) => p.stop())]);
  await s.nexus.close();
  for (const dir of s.spoolDirs) rmSync(dir, { recursive: true, force: true });
});

// ── senders ──────────────────────────────────────────────────────────────────────────────────────────

/** An app's OTel SDK: one service, its own provider and exporter (OTLP/HTTP protobuf or OTLP/gRPC). */
function sender(service: string, exporter: SpanExporter) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 20, maxExportBatchSize: 16 })],
  });
  return { service, tracer: provider.getTracer('bridge-e2e'), provider };
}
type Sender = ReturnType<typeof sender>;

interface SentTrace {
  traceId: string;
  /** The service of the root (and the chat span); the tool span is the other sender's. */
  service: string;
  toolService: string;
}

const TRACES = 20;
const WAVE_GAP_MS = 400; // longer than the Collectors' 200 ms batch timeout: each wave is its own batch

/**
 * TRACES agent turns, the root of each by one sender or the other in turn: `invoke_agent` → `chat`
 * (the root's sender) and `execute_tool lookup_order` (the other sender, under the remote parent, as
 * a called service would). Sent in three waves, tools, chats, roots, each flushed and a batch timeout
 * apart, so every trace reaches the Collector in three batches from two senders, its root last.
 */
async function sendWaves(a: Sender, b: Sender): Promise<SentTrace[]> {
  const turns = Array.from({ length: TRACES }, (_, i) => {
    const [own, other] = i % 2 === 0 ? [a, b] : [b, a];
    const root = own.tracer.startSpan(`invoke_agent agent-${i}`, { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': `agent-${i}` } });
    const parent = otelTrace.setSpan(ROOT_CONTEXT, root);
    const remote = otelTrace.setSpanContext(ROOT_CONTEXT, { ...root.spanContext(), isRemote: true });
    return { i, own, other, root, parent, remote };
  });
  const flush = async (): Promise<void> => {
    await Promise.all([a.provider.forceFlush(), b.provider.forceFlush()]);
    await sleep(WAVE_GAP_MS);
  };
  const end = (span: Span): void => span.end();
  for (const t of turns) {
    end(t.other.tracer.startSpan('execute_tool lookup_order', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.arguments': `{"order":${t.i}}` } }, t.remote));
  }
  await flush();
  for (const t of turns) {
    end(chatSpan(t.own.tracer, t.parent, t.i));
  }
  await flush();
  for (const t of turns) t.root.end();
  await flush();
  return turns.map((t) => ({ traceId: t.root.spanContext().traceId, service: t.own.service, toolService: t.other.service }));
}

function chatSpan(tracer: Tracer, parent: ReturnType<typeof otelTrace.setSpan>, i: number): Span {
  return tracer.startSpan(
    'chat gpt-4o',
    { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 10 + i, 'gen_ai.usage.output_tokens': 1 + i } },
    parent,
  );
}

/** Exactly one Nexus trace per sent trace, each whole: root, chat and tool span, nested, tokens its own. */
function expectEveryTraceWhole(traces: readonly StoredTrace[], sent: readonly SentTrace[]): void {
  const byOtelId = new Map<string, StoredTrace[]>();
  for (const t of traces) {
    const id = String(metadataOf(t)['otel_trace_id']);
    byOtelId.set(id, [...(byOtelId.get(id) ?? []), t]);
  }
  const problems: string[] = [];
  for (const [i, s] of sent.entries()) {
    const found = byOtelId.get(s.traceId) ?? [];
    if (found.length !== 1) {
      problems.push(`${s.traceId}: ${found.length} Nexus traces (${found.map((t) => `${t.spans.length} spans`).join(', ')})`);
      continue;
    }
    const t = found[0]!;
    const root = t.spans.find((x) => x.parentSpanId === null);
    const shape = {
      name: t.name,
      agentName: t.agentName,
      status: t.status,
      spans: t.spans.length,
      children: root ? childrenOf(t, root).map((c) => c.name).sort() : [],
      tokens: [metadataOf(t)['input_tokens'], metadataOf(t)['output_tokens']],
    };
    const want = { name: `invoke_agent agent-${i}`, agentName: s.service, status: 'success', spans: 3, children: ['chat gpt-4o', 'execute_tool lookup_order'], tokens: [10 + i, 1 + i] };
    if (JSON.stringify(shape) !== JSON.stringify(want)) problems.push(`${s.traceId}: ${JSON.stringify(shape)}, expected ${JSON.stringify(want)}`);
  }
  const unexpected = [...byOtelId.keys()].filter((id) => !sent.some((s) => s.traceId === id));
  if (unexpected.length > 0) problems.push(`Nexus traces for trace ids never sent: ${unexpected.join(', ')}`);
  expect(problems, 'every trace whole, once').toEqual([]);
  expect(traces).toHaveLength(sent.length);
}

/** Every span arrived at exactly one bridge, and each bridge took some. */
async function expectBothBridgesTookAShare(bridges: readonly BridgeProcess[], spans: number): Promise<void> {
  const stats = await Promise.all(bridges.map((b) => b.stats()));
  const received = stats.map((st) => st.spans.received);
  expect(received.every((n) => n > 0), `both bridges received spans (${received.join(', ')})`).toBe(true);
  expect(received.reduce((n, r) => n + r, 0)).toBe(spans);
  for (const st of stats) expect(st.spans).toMatchObject({ rejected: 0, dropped: {}, delivered: st.spans.received });
}

// ── the tests ────────────────────────────────────────────────────────────────────────────────────────

/** Builds (or finds) the Collector in beforeAll; the getter throws (fails the test) with the reason when it could not be built. */
function useCollector(): () => string {
  let build: BuildResult | undefined;
  beforeAll(async () => {
    build = await buildCollector();
  }, BUILD_TIMEOUT_MS);
  return () => {
    if (!build) throw new Error('the Collector was not built (beforeAll did not run)');
    if (!build.ok) throw new Error(`the OpenTelemetry Collector could not be built: ${build.reason}`);
    return build.binary;
  };
}

describe.skipIf(GO_AND_PYTHON.unmet)('a Python app → real OpenTelemetry Collector → bridge → Nexus', GO_AND_PYTHON.options, () => {
  const collectorBinary = useCollector();
  let peers: PythonPeers | undefined;
  let tls: StubTls | undefined;
  beforeAll(async () => {
    tls = stubTls();
    peers = await ensurePythonPeers();
  }, BUILD_TIMEOUT_MS);
  afterAll(() => tls?.close());

  it('tools: the same trace as straight to the bridge: one, whole, tools named, tokens exact', async () => {
    const s = await newSetup();
    const bridge = await addBridge(s);
    const collector = await addCollector(s, collectorBinary(), bridgeConfig({ bridgeUrl: bridge.url }));
    const run = await runPeer(pythonOf(peers), tls!, 'tools', collector.otlpHttpUrl);
    expectToolsTrace(traceOfRun(await deliveredTraces(s.nexus, [bridge]), run), run);
    expect(bridge.stats().requests).toEqual({ 200: expect.any(Number) });
  });

  it("openai, content only in the log record: the Collector's logs pipeline brings it, joined to its chat span", async () => {
    const s = await newSetup();
    const bridge = await addBridge(s);
    const collector = await addCollector(s, collectorBinary(), bridgeConfig({ bridgeUrl: bridge.url }));
    const run = await runPeer(pythonOf(peers), tls!, 'openai', collector.otlpHttpUrl, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'event_only' });
    expectOpenAiTrace(traceOfRun(await deliveredTraces(s.nexus, [bridge]), run), run);
    expect(bridge.stats().logRecords).toMatchObject({ received: 1, rejected: 0 });
  });
});

describe.skipIf(GO.unmet)('a real OpenTelemetry Collector in front of the bridge', GO.options, () => {
  const collectorBinary = useCollector();

  it('the OTel JS OTLP exporter → Collector → bridge: one nested trace, whole', async () => {
    const s = await newSetup();
    const bridge = await addBridge(s);
    const collector = await addCollector(s, collectorBinary(), bridgeConfig({ bridgeUrl: bridge.url }));
    const app = otlpSender(collector.otlpHttpUrl);
    try {
      const traceId = app.agentTurn();
      await app.flush();
      const [stored, ...more] = await deliveredTraces(s.nexus, [bridge]);
      expect(more).toEqual([]);
      expect(stored).toMatchObject({ name: 'invoke_agent support', agentName: 'support-bot', status: 'success' });
      expect(metadataOf(stored!)).toMatchObject({ otel_trace_id: traceId, input_tokens: 12, output_tokens: 5 });
      expect(childrenOf(stored!, rootOf(stored!)).map((c) => c.name).sort()).toEqual(['chat gpt-4o', 'execute_tool lookup_order']);
      expect(bridge.stats().spans).toMatchObject({ received: 3, delivered: 3, rejected: 0 });
    } finally {
      await app.shutdown();
    }
  });

  describe('scale-out: two bridges behind load_balancing (routing_key traceID)', () => {
    /** Two senders into the load balancer: one over OTLP/HTTP protobuf, one over OTLP/gRPC. */
    function senders(lb: RunningCollector): [Sender, Sender] {
      return [
        sender('frontend', new ProtoExporter({ url: `${lb.otlpHttpUrl}/v1/traces` })),
        sender('pricing', new GrpcExporter({ url: `http://${lb.otlpGrpcEndpoint}` })),
      ];
    }

    it("straight to each bridge's OTLP/gRPC receiver: every trace whole in Nexus, exactly once; both bridges took a share", async () => {
      const s = await newSetup();
      const bridges = await addBridgeProcesses(s, true);
      const backends = bridges.map(grpcBackendOf);
      const lb = await addCollector(s, collectorBinary(), loadBalancedConfig({ backends, signals: ['traces'] }));
      const [a, b] = senders(lb);
      try {
        const sent = await sendWaves(a, b);
        expectEveryTraceWhole(await deliveredTraces(s.nexus, bridges, TRACES), sent);
        await expectBothBridgesTookAShare(bridges, TRACES * 3);
      } finally {
        await Promise.all([a.provider.shutdown(), b.provider.shutdown()]);
      }
    });

    it('bridges without gRPC (--grpc-port off), through a relay Collector each: every trace whole in Nexus, exactly once; both bridges took a share', async () => {
      const s = await newSetup();
      const bridges = await addBridgeProcesses(s, false);
      const relays = await Promise.all(bridges.map((bridge) => addCollector(s, collectorBinary(), bridgeConfig({ bridgeUrl: bridge.url, signals: ['traces'] }))));
      const lb = await addCollector(s, collectorBinary(), loadBalancedConfig({ backends: relays.map((r) => r.otlpGrpcEndpoint), signals: ['traces'] }));
      const [a, b] = senders(lb);
      try {
        const sent = await sendWaves(a, b);
        expectEveryTraceWhole(await deliveredTraces(s.nexus, bridges, TRACES), sent);
        await expectBothBridgesTookAShare(bridges, TRACES * 3);
      } finally {
        await Promise.all([a.provider.shutdown(), b.provider.shutdown()]);
      }
    });
  });
});
