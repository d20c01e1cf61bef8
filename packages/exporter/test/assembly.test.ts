import { afterEach, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { depthByName, eventually, exportBatch, harness, SpanFactory, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('assembly: one OTel trace becomes one Nexus trace', () => {
  it('a depth-3 trace exported in three batches, children first, lands as one nested trace', async () => {
    h = await harness();
    const f = new SpanFactory();
    const root = f.start('invoke_agent', undefined, { 'app.user': 'u1' });
    const mid = f.start('chat', root);
    const leaf1 = f.start('execute_tool lookup', mid);
    const leaf2 = f.start('execute_tool refund', mid);
    const [l1, l2] = f.end(leaf1, leaf2);
    const [m] = f.end(mid);
    const [r] = f.end(root);

    expect(await exportBatch(h.exporter, [l1!, l2!])).toBe(0);
    expect(await exportBatch(h.exporter, [m!])).toBe(0);
    expect(h.server.traces()).toHaveLength(0); // nothing before the root
    await exportBatch(h.exporter, [r!]);
    await h.exporter.forceFlush();

    const traces = h.server.traces();
    expect(traces).toHaveLength(1);
    const [t] = traces;
    expect(t!.name).toBe('invoke_agent');
    expect(t!.agentName).toBe('checkout-agent');
    expect(t!.status).toBe('success');
    expect(t!.endedAt).toMatch(/Z$/);
    expect(t!.metadata).toMatchObject({
      otel_trace_id: r!.spanContext().traceId,
      otel_root_span_id: r!.spanContext().spanId,
      service_name: 'checkout-agent',
    });
    expect(depthByName(t!.spans)).toEqual({ invoke_agent: 1, chat: 2, 'execute_tool lookup': 3, 'execute_tool refund': 3 });
    expect(t!.spans.find((s) => s.name === 'invoke_agent')!.input).toEqual({ 'app.user': 'u1' });
    // 1 trace (created running) + 4 spans + the final status, nothing else.
    expect(h.server.requests.map((q) => `${q.method} ${q.path.replace(/[0-9a-f-]{36}/g, ':id')}`)).toEqual([
      'POST /api/v1/traces',
      'POST /api/v1/traces/:id/spans',
      'POST /api/v1/traces/:id/spans',
      'POST /api/v1/traces/:id/spans',
      'POST /api/v1/traces/:id/spans',
      'PATCH /api/v1/traces/:id',
    ]);
  });

  it('uploads parents before children, siblings concurrently: 1 + depth round trips', async () => {
    // 150 ms a request: a sibling sent late by a stalled event loop (a loaded machine: it measured
    // 6 round trips once at 40 ms) still overlaps the others unless the stall outlasts a request.
    h = await harness({}, { latencyMs: 150 });
    const f = new SpanFactory();
    const spans = f.tree(4, 2); // 15 spans, depth 4
    await exportBatch(h.exporter, spans);
    await h.exporter.forceFlush();
    const [t] = h.server.traces();
    expect(t!.spans).toHaveLength(15);
    expect(h.server.requests).toHaveLength(17);
    // Each span request started only after its parent's answer came back.
    const byId = new Map(t!.spans.map((s) => [s.id, s]));
    for (const span of t!.spans) {
      if (span.parentSpanId) expect(byId.get(span.parentSpanId)!.createdAt).toBeLessThanOrEqual(span.createdAt);
    }
    // Round trips, from the server's log: the longest chain of requests each started after the
    // previous one was answered. 1 (trace) + 4 levels + 1 (final status); a span-after-span client would need 17.
    const requests = [...h.server.requests].sort((a, b) => a.startedAt - b.startedAt);
    const chain: number[] = requests.map(() => 1);
    requests.forEach((request, i) => {
      for (let j = 0; j < i; j += 1) if (requests[j]!.endedAt <= request.startedAt) chain[i] = Math.max(chain[i]!, chain[j]! + 1);
    });
    expect(Math.max(...chain)).toBe(6);
    // Keep-alive: far fewer connections than requests.
    expect(h.server.connections).toBeLessThanOrEqual(8);
  });

  it('interleaved traces in shared batches stay separate, one Nexus trace each', async () => {
    h = await harness();
    const f = new SpanFactory();
    const a = f.tree(2, 2, 'a');
    const b = f.tree(2, 2, 'b');
    await exportBatch(h.exporter, [a[0]!, b[0]!, a[1]!]);
    await exportBatch(h.exporter, [b[1]!, b[2]!, a[2]!]);
    await h.exporter.forceFlush();
    const names = h.server.traces().map((t) => [t.name, t.spans.length]);
    expect(names.sort()).toEqual([['a 0', 3], ['b 0', 3]]);
  });

  it('a span that ends after its trace was uploaded joins the existing Nexus trace under its parent', async () => {
    h = await harness();
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root);
    const [c] = f.end(child);
    const lateChild = f.start('execute_tool background', child);
    const [r] = f.end(root);
    await exportBatch(h.exporter, [c!, r!]);
    await h.exporter.forceFlush();
    expect(h.server.traces()[0]!.spans).toHaveLength(2);

    const [late] = f.end(lateChild);
    await exportBatch(h.exporter, [late!]);
    await h.exporter.forceFlush();
    const traces = h.server.traces();
    expect(traces).toHaveLength(1);
    expect(depthByName(traces[0]!.spans)).toEqual({ invoke_agent: 1, chat: 2, 'execute_tool background': 3 });
  });

  it('a root still running after maxTraceWaitMillis is created as running, then patched when it ends', async () => {
    h = await harness({ maxTraceWaitMillis: 150 });
    const f = new SpanFactory();
    const root = f.start('invoke_agent long');
    const step = f.start('chat', root);
    const [s] = f.end(step);
    await exportBatch(h.exporter, [s!]);

    expect(await eventually(() => h!.server.traces()[0]?.spans.length === 1)).toBe(true);
    const running = h.server.traces()[0]!;
    expect(running.status).toBe('running');
    expect(running.endedAt).toBeNull();

    root.setStatus({ code: SpanStatusCode.ERROR, message: 'run failed: rate limited' });
    const [r] = f.end(root);
    await exportBatch(h.exporter, [r!]);
    await h.exporter.forceFlush();
    const done = h.server.traces();
    expect(done).toHaveLength(1);
    expect(done[0]!.status).toBe('error');
    expect(done[0]!.endedAt).not.toBeNull();
    expect(done[0]!.spans.map((x) => x.name).sort()).toEqual(['chat', 'invoke_agent long']);
    expect(done[0]!.spans.find((x) => x.name === 'invoke_agent long')!.error).toBe('run failed: rate limited');
    const methods = h.server.requests.map((q) => q.method);
    expect(methods.filter((m) => m === 'PATCH')).toHaveLength(1);
  });

  it('a span whose parent is remote is a local root; each such trace is one Nexus trace', async () => {
    h = await harness();
    const f = new SpanFactory();
    const remote = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true };
    const { trace, ROOT_CONTEXT } = await import('@opentelemetry/api');
    const server = f.tracer.startSpan('POST /agent', {}, trace.setSpanContext(ROOT_CONTEXT, remote));
    const inner = f.start('chat', server);
    const spans = f.end(inner, server);
    await exportBatch(h.exporter, spans);
    await h.exporter.forceFlush();
    const [t] = h.server.traces();
    expect(t!.name).toBe('POST /agent');
    expect(t!.metadata).toMatchObject({ otel_trace_id: 'a'.repeat(32) });
    expect(depthByName(t!.spans)).toEqual({ 'POST /agent': 1, chat: 2 });
  });

  it('a span whose parent never arrives goes at the top level once flushed, not lost', async () => {
    h = await harness();
    const f = new SpanFactory();
    const root = f.start('root');
    const lost = f.start('parent that never ends', root);
    const orphan = f.start('orphan', lost);
    const [o] = f.end(orphan);
    const [r] = f.end(root);
    await exportBatch(h.exporter, [o!, r!]);
    await h.exporter.forceFlush();
    const [t] = h.server.traces();
    expect(depthByName(t!.spans)).toEqual({ root: 1, orphan: 1 });
  });
});
