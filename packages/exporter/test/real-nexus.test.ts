// What a user sees in the real Nexus, not only in a lenient stand-in: no "Error: null" on ok spans,
// no duplicate trace after a lost answer on a busy agent, no trace left `running` by a process that
// ended, no finished-looking half trace, no outage-style retry storm for a row the server cannot store.
import { afterEach, describe, expect, it } from 'vitest';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { NexusSpanExporter, createNexusExporters } from '../src/index.js';
import { PROCESS_ENDED } from '../src/upload/trace-job.js';
import { TRUNCATION_MARKER } from '../src/map/field-limit.js';
import { SpanFactory, exportBatch, harness, type Harness } from './helpers.js';

const TRACES = '/api/v1/traces';
const SPANS = /^\/api\/v1\/traces\/[^/]+\/spans$/;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** `GET /api/v1/traces/:id` as any API client reads it. */
async function apiTrace(harnessed: Harness, id: string): Promise<{ status: string; metadata: Record<string, unknown>; spans: Array<Record<string, unknown>> }> {
  const response = await fetch(`${harnessed.server.url}${TRACES}/${id}`, { headers: { authorization: `Bearer ${harnessed.key}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; metadata: Record<string, unknown>; spans: Array<Record<string, unknown>> };
}

function route(entry: { method: string; path: string }): string {
  return `${entry.method} ${entry.path.replace(/[0-9a-f-]{36}/g, ':id')}`;
}

describe('what the real Nexus stores', () => {
  it('ok spans and spans without content read back with no error, input or output text (absent fields are left out, not sent as null)', async () => {
    h = await harness();
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root);
    await exportBatch(h.exporter, f.end(child, root));
    await h.exporter.forceFlush();
    const [stored] = h.server.traces();
    const read = await apiTrace(h, stored!.id);
    expect(read.spans).toHaveLength(2);
    for (const span of read.spans) {
      expect(span['status']).toBe('ok');
      // The real server stores String(null): sending null reads back as "null" ("Error: null" on the page).
      expect(span['error']).toBeNull();
    }
    // The chat span carries no attributes: nothing for input, nothing sent.
    expect(read.spans.find((span) => span['name'] === 'chat')!['input']).toBeNull();
  });
});

describe('a lost answer to POST /traces on a busy agent', () => {
  it('finds the stored trace among 1,400 of the same agent started within a second, and creates no second one', async () => {
    h = await harness({ agent: 'busy-agent' });
    const start = Date.now() - 60_000;
    const startedAt = new Date(start).toISOString();
    // Other traces of the agent: 1,100 later in the same second (newest first, they fill the five
    // pages a ±1 s lookup read), 300 in the very same millisecond (more than one page of the exact window).
    const others = [...Array.from({ length: 1_100 }, (_, i) => new Date(start + 1 + (i % 999)).toISOString()), ...Array.from({ length: 300 }, () => startedAt)];
    for (let i = 0; i < others.length; i += 50) {
      await Promise.all(
        others.slice(i, i + 50).map(async (at, j) => {
          const response = await fetch(`${h!.server.url}${TRACES}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${h!.key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ agent_id: 'busy-agent', name: `other ${i + j}`, status: 'success', started_at: at, metadata: { otel_trace_id: `other-${i + j}` } }),
          });
          expect(response.status).toBe(201);
        }),
      );
    }
    h.server.faults.dropResponseNext(1, { match: { method: 'POST', path: TRACES } });
    const f = new SpanFactory();
    const root = f.start('invoke_agent', undefined, {}, start);
    const spans = f.end(root);
    await exportBatch(h.exporter, spans);
    await h.exporter.forceFlush();

    const ours = h.server.traces().filter((t) => (t.metadata as Record<string, unknown> | null)?.['otel_trace_id'] === spans[0]!.spanContext().traceId);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.spans).toHaveLength(1);
    expect(ours[0]!.status).toBe('success');
    expect(h.server.traces()).toHaveLength(1_401);
  });
});

describe('an upload cut short', () => {
  it('leaves the trace `running` with the spans that made it, and it turns `success` only after the last span', async () => {
    h = await harness({ maxAttempts: 1, flushTimeoutMillis: 300 });
    const f = new SpanFactory();
    const spans = f.tree(3, 3); // 13 spans
    h.server.faults.failNext(1_000, 503, { match: { method: 'POST', path: SPANS } });
    await exportBatch(h.exporter, spans);
    await h.exporter.forceFlush();
    const [cut] = h.server.traces();
    expect(cut!.status).toBe('running');
    expect(cut!.endedAt).toBeNull();
    expect(cut!.spans.length).toBeLessThan(13);

    h.server.faults.clear();
    await h.exporter.forceFlush();
    const [whole] = h.server.traces();
    expect(whole!.status).toBe('success');
    expect(whole!.spans).toHaveLength(13);
    const answered = h.server.requests.filter((entry) => entry.status !== null && entry.status < 300);
    expect(route(answered.at(-1)!)).toBe('PATCH /api/v1/traces/:id');
  });

  it('a failed run is created `running` (no alert yet) with its error in metadata, then patched to `error` after its spans', async () => {
    h = await harness();
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root);
    root.setStatus({ code: 2, message: 'rate_limit_exceeded: slow down' });
    await exportBatch(h.exporter, f.end(child, root));
    await h.exporter.forceFlush();
    const [stored] = h.server.traces();
    expect(stored!.status).toBe('error');
    expect((stored!.metadata as Record<string, unknown>)['error']).toContain('rate_limit_exceeded');
    expect(h.server.requests.map(route)).toEqual(['POST /api/v1/traces', 'POST /api/v1/traces/:id/spans', 'POST /api/v1/traces/:id/spans', 'PATCH /api/v1/traces/:id']);
  });
});

describe('traces whose root never ends in this process', () => {
  it('shutdown with the root still open ends the trace as `timeout`, its metadata saying why', async () => {
    h = await harness();
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root);
    await exportBatch(h.exporter, f.end(child));
    await h.exporter.shutdown();
    const [stored] = h.server.traces();
    expect(stored!.status).toBe('timeout');
    expect(stored!.endedAt).toMatch(/Z$/);
    expect((stored!.metadata as Record<string, unknown>)['error']).toBe(PROCESS_ENDED);
    expect(stored!.spans.map((span) => span.name)).toEqual(['chat']);
  });

  it('a trace already in Nexus as `running` (its root waited too long) is patched to `timeout` at shutdown', async () => {
    h = await harness({ maxTraceWaitMillis: 100 });
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root);
    await exportBatch(h.exporter, f.end(child));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await h.exporter.forceFlush();
    expect(h.server.traces()[0]!.status).toBe('running');
    await h.exporter.shutdown();
    expect(h.server.traces()[0]!.status).toBe('timeout');
    expect(h.server.traces()[0]!.endedAt).toMatch(/Z$/);
  });

  it('two tracer providers in one process, B exporting a child of A’s span: one Nexus trace, nested, ended', async () => {
    h = await harness();
    const options = { apiKey: h.key, baseUrl: h.server.url, spanFilter: 'all' as const, retryBaseMillis: 5 };
    const providerA = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'front' }),
      spanProcessors: [new SimpleSpanProcessor(new NexusSpanExporter(options))],
    });
    const providerB = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'front' }),
      spanProcessors: [new SimpleSpanProcessor(new NexusSpanExporter(options))],
    });
    const parent = providerA.getTracer('a').startSpan('invoke_agent', {}, ROOT_CONTEXT);
    const child = providerB.getTracer('b').startSpan('chat', {}, trace.setSpan(ROOT_CONTEXT, parent));
    child.end();
    parent.end();
    await providerB.shutdown();
    await providerA.shutdown();
    const traces = h.server.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0]!.status).toBe('success');
    const byName = new Map(traces[0]!.spans.map((span) => [span.name, span]));
    expect(byName.get('chat')!.parentSpanId).toBe(byName.get('invoke_agent')!.id);
  });

  it('the exporters of createNexusExporters (the register entry’s) and a hand-built one with the same settings share the trace', async () => {
    h = await harness();
    const options = { apiKey: h.key, baseUrl: h.server.url, spanFilter: 'all' as const, retryBaseMillis: 5 };
    const pair = createNexusExporters(options);
    const hand = new NexusSpanExporter(options);
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root);
    const [c] = f.end(child);
    const [r] = f.end(root);
    await exportBatch(hand, [c!]);
    await exportBatch(pair.spanExporter, [r!]);
    await Promise.all([hand.shutdown(), pair.spanExporter.shutdown(), pair.logRecordExporter.shutdown()]);
    const traces = h.server.traces();
    expect(traces.map((t) => [t.name, t.status, t.spans.length])).toEqual([['invoke_agent', 'success', 2]]);
  });
});

describe('a span row the server cannot store', () => {
  it('is kept under maxSpanBytes as a whole, though each field is under maxFieldBytes', async () => {
    h = await harness({ maxFieldBytes: 4 * 1024 * 1024 });
    const f = new SpanFactory();
    const big = 'x'.repeat(1_200_000);
    const root = f.start('invoke_agent', undefined, { 'app.in': big, 'app.out': big });
    await exportBatch(h.exporter, f.end(root));
    await h.exporter.forceFlush();
    const [stored] = h.server.traces();
    expect(stored!.spans).toHaveLength(1);
    const bytes = Buffer.byteLength(JSON.stringify(stored!.spans[0]!.input)) + Buffer.byteLength(JSON.stringify(stored!.spans[0]!.output));
    expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(JSON.stringify(stored!.spans[0]!.input)).toContain(TRUNCATION_MARKER);
  });

  it('the server’s own 500 to a 1.2 MB + 1.2 MB row (maxSpanBytes raised past it): two tries, then cut and stored', async () => {
    h = await harness({ maxFieldBytes: 4 * 1024 * 1024, maxSpanBytes: 4 * 1024 * 1024 });
    const f = new SpanFactory();
    const big = 'x'.repeat(1_200_000);
    const root = f.start('invoke_agent', undefined, { 'app.in': big, 'app.out': big });
    await exportBatch(h.exporter, f.end(root));
    await h.exporter.forceFlush();
    const [stored] = h.server.traces();
    expect(stored!.status).toBe('success');
    expect(stored!.spans).toHaveLength(1);
    expect(h.server.requests.filter((entry) => SPANS.test(entry.path)).map((entry) => entry.status)).toEqual([500, 500, 201]);
  });

  it('a repeated 500 to one large span: cut down once and sent again, not retried like an outage', async () => {
    h = await harness({ maxFieldBytes: 4 * 1024 * 1024, maxSpanBytes: 4 * 1024 * 1024 });
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root, { 'app.in': 'y'.repeat(300_000) });
    await exportBatch(h.exporter, f.end(root));
    await h.exporter.forceFlush();
    h.server.faults.failNext(2, 500, { match: { method: 'POST', path: SPANS } });
    await exportBatch(h.exporter, f.end(child));
    await h.exporter.forceFlush();
    const [stored] = h.server.traces();
    expect(stored!.status).toBe('success');
    const chat = stored!.spans.find((span) => span.name === 'chat')!;
    expect(Buffer.byteLength(JSON.stringify(chat.input))).toBeLessThanOrEqual(16 * 1024);
    expect(h.server.requests.filter((entry) => SPANS.test(entry.path))).toHaveLength(4); // root, 2 × 500, the cut one
    expect(h.diagLines.filter((line) => line.includes('twice to a span'))).toHaveLength(1);
  });

  it('still refused when cut down: that span is dropped and counted, its trace and siblings land', async () => {
    h = await harness({ maxFieldBytes: 4 * 1024 * 1024, maxSpanBytes: 4 * 1024 * 1024 });
    const f = new SpanFactory();
    const root = f.start('invoke_agent');
    const child = f.start('chat', root, { 'app.in': 'y'.repeat(300_000) });
    const sibling = f.start('execute_tool lookup', root);
    const [r] = f.end(root);
    await exportBatch(h.exporter, [r!]);
    await h.exporter.forceFlush();
    h.server.faults.failNext(4, 500, { match: { method: 'POST', path: SPANS } });
    await exportBatch(h.exporter, f.end(child));
    await h.exporter.forceFlush();
    await exportBatch(h.exporter, f.end(sibling));
    await h.exporter.forceFlush();
    const [stored] = h.server.traces();
    expect(stored!.spans.map((span) => span.name).sort()).toEqual(['execute_tool lookup', 'invoke_agent']);
    expect(h.exporter.getStats().dropped).toEqual({ span_rejected: 1 });
    expect(h.server.requests.filter((entry) => SPANS.test(entry.path))).toHaveLength(6); // root, 4 × 500, sibling
  });
});
