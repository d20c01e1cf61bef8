// Smoke test of the real OpenTelemetry Collector built here, with plain Node sinks in place of bridges.
//
//   npx tsx packages/bridge/test/collector/smoke.ts     (from /work/main)
//
// 1. one sink:  OTLPTraceExporter → Collector (bridgeConfig, encoding json, gzip, bearer token) → sink
// 2. two sinks: OTLPTraceExporter → Collector (loadBalancedConfig, routing_key traceID)
//                 ─ OTLP/gRPC → relay Collector i (bridgeConfig) ─ OTLP/HTTP JSON → sink i
// 3. two sinks: OTLPTraceExporter → Collector (loadBalancedConfig) ─ OTLP/gRPC → Node http2 gRPC sink i
//    (what a bridge with its own OTLP/gRPC receiver would see; the sink reads trace ids off the protobuf)
// Each sends 20 traces of 5 spans in 5 waves 400 ms apart (so a trace reaches the Collector in several
// batches), and checks that all
// 100 spans arrive; with two sinks, that each trace's spans all reached one sink and both sinks got some.
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { buildCollector } from './build.js';
import { bridgeConfig, loadBalancedConfig } from './configs.js';
import { startCollector, type RunningCollector } from './run.js';

const TRACES = 20;
const SPANS_PER_TRACE = 5;
const TOKEN = 'smoke-token';
const WAVE_GAP_MS = 400; // > the 200ms batch timeout of configs.ts

// ── the OpenTelemetry JS SDK, from what the workspace already installed ─────────────────────────────
// @nexus-otel/bridge does not depend on these; they resolve through packages/exporter (sdk-trace-base,
// api) and through its @opentelemetry/sdk-node (exporter-trace-otlp-http 0.223). A devDependency on
// @opentelemetry/exporter-trace-otlp-http in packages/bridge would make this a plain import.
interface OtelSpan { end(): void; spanContext(): { traceId: string } }
interface OtelTracer { startSpan(name: string, options?: object, context?: unknown): OtelSpan }
interface OtelProvider { getTracer(name: string): OtelTracer; forceFlush(): Promise<void>; shutdown(): Promise<void> }
interface OtelSdk {
  OTLPTraceExporter: new (config: { url: string }) => unknown;
  BasicTracerProvider: new (config: { spanProcessors: unknown[] }) => OtelProvider;
  BatchSpanProcessor: new (exporter: unknown, config: { maxExportBatchSize: number; scheduledDelayMillis: number }) => unknown;
  api: { context: { active(): unknown }; trace: { setSpan(context: unknown, span: OtelSpan): unknown } };
  version: string;
}

function loadSdk(): OtelSdk {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const exporterPkg = path.resolve(here, '../../../exporter/package.json');
  const fromExporter = createRequire(exporterPkg);
  const fromSdkNode = createRequire(fs.realpathSync(fromExporter.resolve('@opentelemetry/sdk-node')));
  const otlpHttp = fromSdkNode('@opentelemetry/exporter-trace-otlp-http') as Pick<OtelSdk, 'OTLPTraceExporter'>;
  const base = fromExporter('@opentelemetry/sdk-trace-base') as Pick<OtelSdk, 'BasicTracerProvider' | 'BatchSpanProcessor'>;
  const api = fromExporter('@opentelemetry/api') as OtelSdk['api'];
  const version = (fromSdkNode('@opentelemetry/exporter-trace-otlp-http/package.json') as { version: string }).version;
  return { ...otlpHttp, ...base, api, version };
}

/**
 * Sends TRACES traces of SPANS_PER_TRACE spans in SPANS_PER_TRACE waves (one span of every trace per
 * wave, each wave in export batches of 7), with a pause longer than the Collector's batch timeout between
 * waves, so each trace reaches the load balancer in several separate batches. Returns the trace ids.
 */
async function sendTraces(sdk: OtelSdk, collectorUrl: string): Promise<string[]> {
  const exporter = new sdk.OTLPTraceExporter({ url: `${collectorUrl}/v1/traces` });
  const processor = new sdk.BatchSpanProcessor(exporter, { maxExportBatchSize: 7, scheduledDelayMillis: 50 });
  const provider = new sdk.BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('nexus-otel-collector-smoke');
  const roots = Array.from({ length: TRACES }, (_, i) => tracer.startSpan(`trace ${i}`));
  for (let c = 1; c < SPANS_PER_TRACE; c++) {
    for (const root of roots) tracer.startSpan(`child ${c}`, {}, sdk.api.trace.setSpan(sdk.api.context.active(), root)).end();
    await provider.forceFlush();
    await sleep(WAVE_GAP_MS);
  }
  for (const root of roots) root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return roots.map((r) => r.spanContext().traceId);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ── sinks ────────────────────────────────────────────────────────────────────────────────────────────
interface Sink {
  name: string;
  url: string; // http://127.0.0.1:port (HTTP sink) or 127.0.0.1:port (gRPC sink)
  requests: number;
  bytes: number;
  spans: number;
  spansByTrace: Map<string, number>;
  headers: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

function newSink(name: string): Sink {
  return { name, url: '', requests: 0, bytes: 0, spans: 0, spansByTrace: new Map(), headers: [], close: async () => {} };
}

function countSpan(sink: Sink, traceId: string): void {
  sink.spans++;
  sink.spansByTrace.set(traceId, (sink.spansByTrace.get(traceId) ?? 0) + 1);
}

/** A plain HTTP server recording POST /v1/traces; counts spans when the body is OTLP JSON. */
async function httpSink(name: string): Promise<Sink> {
  const sink = newSink(name);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        let body = Buffer.concat(chunks);
        sink.requests++;
        sink.bytes += body.length;
        sink.headers.push(req.headers);
        if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
        if (String(req.headers['content-type']).startsWith('application/json')) {
          const doc = JSON.parse(body.toString('utf8')) as {
            resourceSpans?: { scopeSpans?: { spans?: { traceId: string }[] }[] }[];
          };
          for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) countSpan(sink, s.traceId);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  sink.url = `http://127.0.0.1:${address.port}`;
  sink.close = () => new Promise((r) => server.close(() => r()));
  return sink;
}

/**
 * A gRPC server on node:http2 alone (no gRPC library) answering TraceService/Export with an empty
 * ExportTraceServiceResponse; reads span trace ids off the protobuf with a minimal wire-format walk.
 */
async function grpcSink(name: string): Promise<Sink> {
  const sink = newSink(name);
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      if (headers[':path'] === '/opentelemetry.proto.collector.trace.v1.TraceService/Export') {
        sink.requests++;
        sink.bytes += body.length;
        sink.headers.push(headers as http.IncomingHttpHeaders);
        for (let at = 0; at + 5 <= body.length;) { // gRPC framing: 1 byte compressed flag, 4 bytes length
          const len = body.readUInt32BE(at + 1);
          let message = body.subarray(at + 5, at + 5 + len);
          if (body[at] === 1) message = headers['grpc-encoding'] === 'gzip' ? zlib.gunzipSync(message) : message;
          at += 5 + len;
          for (const rs of fields(message, 1)) for (const ss of fields(rs, 2)) for (const span of fields(ss, 2)) {
            const traceId = fields(span, 1)[0];
            if (traceId) countSpan(sink, traceId.toString('hex'));
          }
        }
      }
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.alloc(5)); // an uncompressed, empty ExportTraceServiceResponse
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  sink.url = `127.0.0.1:${address.port}`;
  sink.close = () => new Promise((r) => server.close(() => r()));
  return sink;
}

/** The length-delimited values of field `field` in a protobuf message (other fields skipped). */
function fields(buf: Buffer, field: number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[at++];
      if (b === undefined) throw new Error('truncated varint');
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (at < buf.length) {
    const key = varint();
    const wire = key % 8;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = varint();
      if (Math.floor(key / 8) === field) out.push(buf.subarray(at, at + len));
      at += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

// ── checks ───────────────────────────────────────────────────────────────────────────────────────────
let passed = 0;
let failed = 0;
function check(ok: boolean, what: string): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function checkSharding(label: string, sinks: Sink[], traceIds: string[]): void {
  const total = TRACES * SPANS_PER_TRACE;
  check(sinks.reduce((n, s) => n + s.spans, 0) === total, `${label}: all ${total} spans arrived (${sinks.map((s) => `${s.name} ${s.spans} spans in ${s.requests} requests, ${s.bytes} B`).join('; ')})`);
  const split = traceIds.filter((id) => sinks.filter((s) => s.spansByTrace.has(id)).length !== 1);
  check(split.length === 0, `${label}: every trace's spans all at one sink (split or missing: ${split.length})`);
  const whole = traceIds.filter((id) => sinks.some((s) => s.spansByTrace.get(id) === SPANS_PER_TRACE));
  check(whole.length === TRACES, `${label}: each sink holding a trace holds all ${SPANS_PER_TRACE} of its spans (${whole.length}/${TRACES})`);
  check(sinks.every((s) => s.requests >= SPANS_PER_TRACE), `${label}: each sink got its traces in several requests, one per wave (${sinks.map((s) => s.requests).join(', ')})`);
  check(sinks.every((s) => s.spansByTrace.size > 0), `${label}: both sinks got traces (${sinks.map((s) => `${s.name} ${s.spansByTrace.size}`).join(', ')})`);
}

async function main(): Promise<void> {
  const build = await buildCollector({ log: (line) => console.log(`  go: ${line}`) });
  if (!build.ok) {
    console.log(`skipped: ${build.reason}`);
    return;
  }
  console.log(`collector: ${build.binary} (${(fs.statSync(build.binary).size / 1e6).toFixed(1)} MB, ready in ${build.seconds} s)`);
  const sdk = loadSdk();
  console.log(`sender: @opentelemetry/exporter-trace-otlp-http ${sdk.version}`);
  const running: RunningCollector[] = [];
  const sinks: Sink[] = [];
  try {
    // 1. one bridge
    {
      const sink = await httpSink('sink');
      sinks.push(sink);
      const t0 = Date.now();
      const col = await startCollector({ binary: build.binary, config: bridgeConfig({ bridgeUrl: sink.url, encoding: 'json', bearerToken: TOKEN, signals: ['traces'] }) });
      running.push(col);
      console.log(`one bridge: Collector ${col.otlpHttpUrl} ready in ${Date.now() - t0} ms`);
      await sendTraces(sdk, col.otlpHttpUrl);
      await waitFor(() => sink.spans >= TRACES * SPANS_PER_TRACE, 15_000);
      check(sink.spans === TRACES * SPANS_PER_TRACE, `one bridge: all ${TRACES * SPANS_PER_TRACE} spans arrived (${sink.spans} in ${sink.requests} requests, ${sink.bytes} B)`);
      check(sink.spansByTrace.size === TRACES, `one bridge: ${TRACES} distinct trace ids (${sink.spansByTrace.size})`);
      check(sink.headers.every((h) => h.authorization === `Bearer ${TOKEN}`), 'one bridge: every request had Authorization: Bearer <token>');
      check(sink.headers.every((h) => h['content-encoding'] === 'gzip'), 'one bridge: every request was gzip');
      console.log(`  request headers: ${JSON.stringify(sink.headers[0])}`);
    }
    // 2. two bridges behind load_balancing, through one relay Collector each (gRPC in, OTLP/HTTP out)
    {
      const two = [await httpSink('sink A'), await httpSink('sink B')];
      sinks.push(...two);
      const relays = await Promise.all(two.map((s) => startCollector({ binary: build.binary, config: bridgeConfig({ bridgeUrl: s.url, encoding: 'json', signals: ['traces'] }) })));
      running.push(...relays);
      const lb = await startCollector({ binary: build.binary, config: loadBalancedConfig({ backends: relays.map((r) => r.otlpGrpcEndpoint) }) });
      running.push(lb);
      const ids = await sendTraces(sdk, lb.otlpHttpUrl);
      await waitFor(() => two.reduce((n, s) => n + s.spans, 0) >= TRACES * SPANS_PER_TRACE, 15_000);
      await sleep(500); // anything extra would show up now
      checkSharding('load_balancing → relays → HTTP sinks', two, ids);
    }
    // 3. two gRPC sinks straight behind load_balancing
    {
      const two = [await grpcSink('gRPC sink A'), await grpcSink('gRPC sink B')];
      sinks.push(...two);
      const lb = await startCollector({ binary: build.binary, config: loadBalancedConfig({ backends: two.map((s) => s.url), bearerToken: TOKEN }) });
      running.push(lb);
      const ids = await sendTraces(sdk, lb.otlpHttpUrl);
      await waitFor(() => two.reduce((n, s) => n + s.spans, 0) >= TRACES * SPANS_PER_TRACE, 15_000);
      await sleep(500);
      checkSharding('load_balancing → gRPC sinks', two, ids);
      check(two.every((s) => s.headers.every((h) => h.authorization === `Bearer ${TOKEN}` && h['grpc-encoding'] === 'gzip')),
        'load_balancing → gRPC sinks: every call had authorization: Bearer <token> and grpc-encoding gzip');
    }
  } catch (err) {
    failed++;
    console.log(`FAIL ${(err as Error).message}`);
  } finally {
    const t0 = Date.now();
    await Promise.all(running.map((c) => c.stop()));
    console.log(`stopped ${running.length} Collectors in ${Date.now() - t0} ms`);
    await Promise.all(sinks.map((s) => s.close()));
  }
  if (failed > 0) for (const c of running) console.log(`--- Collector ${c.pid} log:\n${c.logs().split('\n').slice(-15).join('\n')}`);
  console.log(`smoke: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
