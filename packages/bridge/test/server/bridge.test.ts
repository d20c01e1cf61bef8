// The bridge as a sender sees it: real OTLP exporters of the OTel JS SDK post to it, and what
// lands in the local Nexus is checked; then every way a request can be refused.
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { NexusBridge } from '../../src/index.js';
import { bridgeHarness, eventually, otlpSender, type BridgeHarness } from './harness.js';

let h: BridgeHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** An OTLP/JSON request with one root GenAI span (and `extra` spans), as an SDK would send it. */
function agentTurnJson(traceId = '5b8efff798038103d269b633813fc60c', extra: object[] = []): string {
  const root = {
    traceId,
    spanId: 'eee19b7ec3c1b174',
    name: 'invoke_agent x',
    startTimeUnixNano: '1760000000000000000',
    endTimeUnixNano: '1760000001000000000',
    attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }],
  };
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [root, ...extra] }] }],
  });
}

async function post(path: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h!.bridge.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', ...headers } });
}

describe('nexus-otel-bridge: OTLP in, whole traces in Nexus', () => {
  for (const [label, json, gzip] of [['protobuf', false, false], ['JSON', true, false], ['gzip protobuf', false, true]] as const) {
    it(`${label}: an agent turn from a real OTLP exporter becomes one nested Nexus trace`, async () => {
      h = await bridgeHarness();
      const sender = otlpSender(h.bridge.url, { json, gzip });
      const traceId = sender.agentTurn();
      await sender.flush();
      expect(await eventually(() => h!.nexus.traces().length === 1 && h!.nexus.traces()[0]!.status === 'success')).toBe(true);
      const [stored] = h.nexus.traces();
      expect(stored!.name).toBe('invoke_agent support');
      expect(stored!.agentName).toBe('support-bot');
      expect((stored!.metadata as Record<string, unknown>)['otel_trace_id']).toBe(traceId);
      const root = stored!.spans.find((s) => s.parentSpanId === null)!;
      expect(stored!.spans.filter((s) => s.parentSpanId === root.id).map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'execute_tool lookup_order']);
      expect(stored!.metadata).toMatchObject({ input_tokens: 12, output_tokens: 5 });
      await sender.shutdown();
      expect(await eventually(() => h!.bridge.stats().spool.pending === 0)).toBe(true);
      expect(h.bridge.stats().spans).toMatchObject({ received: 3, rejected: 0, delivered: 3 });
    });
  }

  it('OTLP/gRPC (gzip) from the real gRPC exporter: the same nested trace', async () => {
    h = await bridgeHarness();
    const sender = otlpSender(h.bridge.grpcAddress!, { grpc: true, gzip: true });
    sender.agentTurn();
    await sender.flush();
    expect(await eventually(() => h!.nexus.traces().length === 1 && h!.nexus.traces()[0]!.status === 'success')).toBe(true);
    expect(h.nexus.traces()[0]!.spans).toHaveLength(3);
    await sender.shutdown();
  });

  it('spans of one trace from two services, the child service first and a second apart: one trace, nested', async () => {
    h = await bridgeHarness();
    const a = otlpSender(h.bridge.url, { service: 'frontend' });
    const b = otlpSender(h.bridge.url, { service: 'pricing' });
    const tracerA = a.provider.getTracer('a');
    const tracerB = b.provider.getTracer('b');
    const { ROOT_CONTEXT, trace } = await import('@opentelemetry/api');
    const root = tracerA.startSpan('invoke_agent planner', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
    const remote = trace.setSpanContext(ROOT_CONTEXT, { ...root.spanContext(), isRemote: true });
    const chat = tracerB.startSpan('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } }, remote);
    chat.end();
    await b.flush();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(h.nexus.traces()).toEqual([]); // held for its root
    root.end();
    await a.flush();
    expect(await eventually(() => h!.nexus.traces().length === 1 && h!.nexus.traces()[0]!.spans.length === 2)).toBe(true);
    const [stored] = h.nexus.traces();
    expect(stored!.agentName).toBe('frontend');
    const top = stored!.spans.find((s) => s.parentSpanId === null)!;
    expect(stored!.spans.map((s) => [s.name, s.parentSpanId === top.id])).toEqual(expect.arrayContaining([['chat gpt-4o', true]]));
  });

  it('answers partial_success for spans it could not read, and keeps the rest', async () => {
    h = await bridgeHarness();
    const body = agentTurnJson('5b8efff798038103d269b633813fc60c', [
      { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'abc', name: 'bad id', startTimeUnixNano: '1760000000000000000', endTimeUnixNano: '1760000001000000000' },
    ]);
    const response = await post('/v1/traces', body, { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
    expect(answer.partialSuccess?.rejectedSpans).toBe('1');
    expect(answer.partialSuccess?.errorMessage).toMatch(/span/);
    expect(await eventually(() => h!.nexus.traces().length === 1)).toBe(true);
  });
});

describe('nexus-otel-bridge: refusals a sender can act on', () => {
  it('a body that is not OTLP: 400 with the reason; an unknown content type: 415; GET: 405; another path: 404', async () => {
    h = await bridgeHarness();
    const bad = await post('/v1/traces', new Uint8Array([0xff, 0xff, 0xff]));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/decode|protobuf|invalid/i);
    expect((await post('/v1/traces', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await fetch(`${h.bridge.url}/v1/traces`)).status).toBe(405);
    expect((await post('/v1/metrics', new Uint8Array())).status).toBe(404);
    expect(h.nexus.traces()).toEqual([]);
  });

  it('a gzip bomb: 413, without holding the inflated body', async () => {
    h = await bridgeHarness({ maxBodyBytes: 1024 * 1024 });
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MiB of zeros, ~64 KB gzipped
    const response = await post('/v1/traces', bomb, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/decompressed body is over the 1048576-byte limit/);
  });

  it('with a token: 401 without it, 200 with it; /health needs none, /stats does', async () => {
    h = await bridgeHarness({ token: 'sekret-token-1' });
    const sender = otlpSender(h.bridge.url);
    sender.agentTurn();
    await sender.flush().catch(() => undefined); // the SDK reports the 401 as a failed export
    expect(h.bridge.stats().requests['401']).toBe(1);
    expect(h.nexus.traces()).toEqual([]);
    const authed = otlpSender(h.bridge.url, { headers: { authorization: 'Bearer sekret-token-1' } });
    authed.agentTurn();
    await authed.flush();
    expect(await eventually(() => h!.nexus.traces().length === 1)).toBe(true);
    expect((await fetch(`${h.bridge.url}/health`)).status).toBe(200);
    expect((await fetch(`${h.bridge.url}/stats`)).status).toBe(401);
    const stats = await fetch(`${h.bridge.url}/stats`, { headers: { authorization: 'Bearer sekret-token-1' } });
    expect(stats.status).toBe(200);
    const text = await stats.text();
    expect(text).not.toContain(h.key);
  });

  it('off loopback without a token it does not start, and says why', async () => {
    await expect(NexusBridge.start({ host: '0.0.0.0', port: 0, spoolDir: '/tmp/unused' }, {}, { apiKey: 'nxs_x' })).rejects.toThrow(/needs NEXUS_BRIDGE_TOKEN/);
  });

  it('the key per request in x-nexus-api-key only when allowed; traces land under that key', async () => {
    h = await bridgeHarness();
    expect((await post('/v1/traces', new Uint8Array(), { 'x-nexus-api-key': h.key })).status).toBe(400);
    await h.close();
    h = await bridgeHarness({ keyHeader: true });
    const sender = otlpSender(h.bridge.url, { headers: { 'x-nexus-api-key': h.key } });
    sender.agentTurn();
    await sender.flush();
    expect(await eventually(() => h!.nexus.traces().length === 1)).toBe(true);
    expect(Object.keys(h.bridge.stats().tenants).some((id) => id.startsWith('key-'))).toBe(true);
  });

  it('spool full: 503 with Retry-After, nothing acknowledged that was not stored', async () => {
    h = await bridgeHarness({ spoolMaxBytes: 1 });
    const response = await post('/v1/traces', agentTurnJson(), { 'content-type': 'application/json' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.text()).toMatch(/^not stored \(full\)/);
    expect(h.bridge.stats().spool.full).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.nexus.traces()).toEqual([]);
  });

  it('too many spans held for Nexus: 429 with Retry-After, so the sender backs off', async () => {
    h = await bridgeHarness({ maxPendingSpans: 1 });
    await h.nexus.faults.down(); // nothing leaves: the first trace stays held
    expect((await post('/v1/traces', agentTurnJson(), { 'content-type': 'application/json' })).status).toBe(200);
    const second = await post('/v1/traces', agentTurnJson('0af7651916cd43dd8448eb211c80319d'), { 'content-type': 'application/json' });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('2');
    await h.nexus.faults.up();
  });
});
