import { afterEach, describe, expect, it } from 'vitest';
import { exportBatch, harness, SpanFactory, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  // Whatever went wrong, the key never appears in what the exporter said.
  const said = h?.diagLines.join('\n') ?? '';
  const key = h?.key ?? 'no key';
  await h?.close();
  h = undefined;
  expect(said).not.toContain(key.slice(4));
});

const SPANS = /\/spans$/;
const TRACES = '/api/v1/traces';

async function sendTrees(count: number, depth = 2, fanOut = 1): Promise<void> {
  const f = new SpanFactory();
  for (let i = 0; i < count; i += 1) await exportBatch(h!.exporter, f.tree(depth, fanOut, `t${i}`));
  await h!.exporter.forceFlush();
}

describe('errors, per class of the Nexus API', () => {
  it('5xx and connection resets are retried until delivered', async () => {
    h = await harness();
    h.server.faults.failNext(2, 503, { match: { method: 'POST', path: TRACES } });
    h.server.faults.resetNext(1, { match: { method: 'POST', path: SPANS } });
    h.server.faults.failNext(1, 500, { match: { method: 'POST', path: SPANS } });
    await sendTrees(1, 3, 2);
    const traces = h.server.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0]!.spans).toHaveLength(7);
    expect(h.exporter.getStats().dropped).toEqual({});
  });

  it('a trace create whose answer is lost is looked up, not created twice', async () => {
    h = await harness();
    h.server.faults.dropResponseNext(1, { match: { method: 'POST', path: TRACES } });
    await sendTrees(1, 2, 2);
    const traces = h.server.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0]!.spans).toHaveLength(3);
    expect(h.server.requests.some((q) => q.method === 'GET' && q.path.startsWith(TRACES))).toBe(true);
  });

  it('a span create whose answer is lost is looked up, not created twice; its children still nest', async () => {
    h = await harness();
    h.server.faults.dropResponseNext(2, { match: { method: 'POST', path: SPANS } });
    await sendTrees(1, 3, 1);
    const [t] = h.server.traces();
    expect(t!.spans.map((s) => s.name).sort()).toEqual(['t0 0', 't0 0.0', 't0 0.0.0']);
    const byName = new Map(t!.spans.map((s) => [s.name, s]));
    expect(byName.get('t0 0.0')!.parentSpanId).toBe(byName.get('t0 0')!.id);
    expect(byName.get('t0 0.0.0')!.parentSpanId).toBe(byName.get('t0 0.0')!.id);
  });

  it('a request that times out after it was sent is looked up before it is sent again', async () => {
    h = await harness({ timeoutMillis: 200 });
    h.server.faults.latency(400);
    const f = new SpanFactory();
    await exportBatch(h.exporter, f.tree(1, 0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.server.faults.latency(0);
    await h.exporter.forceFlush();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.server.traces()).toHaveLength(1);
    expect(h.server.traces()[0]!.spans).toHaveLength(1);
  });

  it('400: the item is dropped, said once per distinct field message, the rest still lands', async () => {
    h = await harness();
    h.server.faults.failNext(2, 400, { body: { error: 'Validation failed', fields: { name: 'Required' } }, match: { path: SPANS } });
    await sendTrees(1, 3, 1);
    const [t] = h.server.traces();
    // The middle span was refused; its child nests under the root instead of being lost.
    expect(t!.spans.map((s) => s.name).sort()).toEqual(['t0 0.0.0']);
    expect(h.exporter.getStats().dropped).toEqual({ invalid: 2 });
    const said = h.diagLines.filter((line) => line.includes('name: Required'));
    expect(said).toHaveLength(1);
  });

  it('401: said once, without the key; traces are dropped, nothing retried', async () => {
    h = await harness();
    h.server.revokeKey(h.key);
    await sendTrees(1);
    await sendTrees(2);
    expect(h.server.traces()).toHaveLength(0);
    const all = h.diagLines.join('\n');
    expect(all).not.toContain(h.key);
    expect(all).not.toContain(h.key.slice(4, 20));
    expect(h.diagLines.filter((line) => line.includes('refused the API key'))).toHaveLength(1);
    // The first create was refused; later traces are dropped without a request while the key is refused.
    expect(h.server.requests).toHaveLength(1);
    expect(h.exporter.getStats().dropped['unauthorized']).toBe(6);
  });

  it('403 agent limit: said once with the upgrade hint; no more trace creates until the retry time', async () => {
    h = await harness({ agent: 'second-agent' }, {});
    h.server.faults.failNext(1, 403, {
      body: { error: 'Free plan limited to 1 agent', upgrade_url: 'https://nexus.keylightdigital.dev/pricing' },
      match: { path: TRACES },
    });
    await sendTrees(1);
    await sendTrees(2);
    expect(h.server.traces()).toHaveLength(0);
    expect(h.server.requests).toHaveLength(1);
    const said = h.diagLines.filter((line) => line.includes('Free plan limited to 1 agent'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('upgrade');
    expect(h.exporter.getStats().dropped['agent_limit']).toBe(6);
  });

  it('429 monthly limit on a free key: said once; creates stop; they resume when the limit lifts', async () => {
    h = await harness({ limitRetryMillis: 300 }, { freeTraceLimit: 1 });
    h.server.setPlan(h.key, 'free');
    await sendTrees(1);
    await sendTrees(1);
    await sendTrees(1);
    expect(h.server.traces()).toHaveLength(1);
    expect(h.server.requests.filter((q) => q.status === 429)).toHaveLength(1);
    expect(h.diagLines.filter((line) => line.includes('Monthly trace limit reached'))).toHaveLength(1);

    h.server.setPlan(h.key, 'pro');
    await new Promise((resolve) => setTimeout(resolve, 350));
    await sendTrees(1);
    expect(h.server.traces()).toHaveLength(2);
  });

  it('404 on a span: the trace is gone from Nexus, its spans are dropped and counted', async () => {
    h = await harness();
    h.server.faults.failNext(1, 404, { body: { error: 'Trace not found' }, match: { path: SPANS } });
    await sendTrees(1, 2, 1);
    expect(h.exporter.getStats().dropped['trace_not_found']).toBeGreaterThanOrEqual(1);
  });

  it('a dead server: retries are bounded, the app is never blocked, the trace stays held within the caps', async () => {
    const { startNexusLocal } = await import('@nexus-otel/local');
    const dead = await startNexusLocal();
    const url = dead.url;
    await dead.close();
    h = await harness({ baseUrl: url, flushTimeoutMillis: 300, maxAttempts: 2 });
    const f = new SpanFactory();
    const started = Date.now();
    expect(await exportBatch(h.exporter, f.tree(2, 1))).toBe(0);
    expect(Date.now() - started).toBeLessThan(250);
    await h.exporter.forceFlush();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.exporter.getStats().heldSpans).toBe(2);
  });
});
