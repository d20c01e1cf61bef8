import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { diag, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NexusSpanExporter } from '../src/index.js';
import { captureDiag, exportBatch, harness, SpanFactory, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  diag.disable();
});

describe('the SpanExporter contract', () => {
  it('plugs into a real BatchSpanProcessor; shutdown of the provider delivers everything', async () => {
    h = await harness();
    const exporter: SpanExporter = h.exporter;
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('app');
    for (let i = 0; i < 5; i += 1) {
      const root = tracer.startSpan(`run ${i}`);
      tracer.startSpan('step', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
      root.end();
    }
    await provider.shutdown();
    const traces = h.server.traces();
    expect(traces.map((t) => t.name).sort()).toEqual(['run 0', 'run 1', 'run 2', 'run 3', 'run 4']);
    expect(traces.every((t) => t.agentName === 'support-bot' && t.spans.length === 2)).toBe(true);
  });

  it('malformed spans never throw into the app: each is dropped and counted, the rest lands', async () => {
    h = await harness();
    const f = new SpanFactory();
    const good = f.tree(2, 1);
    const broken = [
      {} as never,
      { spanContext: () => { throw new Error('boom'); } } as never,
      null as never,
      { ...good[0]!, spanContext: () => ({ traceId: 5, spanId: undefined }) } as never,
    ];
    expect(await exportBatch(h.exporter, [...broken, ...good])).toBe(0);
    expect(() => h!.exporter.export(undefined as never, () => undefined)).not.toThrow();
    await h.exporter.forceFlush();
    expect(h.server.traces()).toHaveLength(1);
    expect(h.server.traces()[0]!.spans).toHaveLength(2);
    expect(h.exporter.getStats().dropped['malformed_span']).toBe(4);
  });

  it('export answers before any network work', async () => {
    h = await harness({}, { latencyMs: 300 });
    const f = new SpanFactory();
    const started = Date.now();
    expect(await exportBatch(h.exporter, f.tree(3, 2))).toBe(0);
    expect(Date.now() - started).toBeLessThan(250); // under the 300 ms the server takes to answer anything
    expect(h.server.traces()).toHaveLength(0);
  });

  it('forceFlush uploads incomplete traces as running, and resolves when done', async () => {
    h = await harness();
    const f = new SpanFactory();
    const root = f.start('long run');
    const [child] = f.end(f.start('chat', root));
    await exportBatch(h.exporter, [child!]);
    expect(h.server.traces()).toHaveLength(0);
    await h.exporter.forceFlush();
    const [t] = h.server.traces();
    expect(t!.status).toBe('running');
    expect(t!.spans.map((s) => s.name)).toEqual(['chat']);
  });

  it('forceFlush gives up at flushTimeoutMillis when Nexus does not answer', async () => {
    h = await harness({ flushTimeoutMillis: 200, timeoutMillis: 5_000 }, { latencyMs: 3_000 });
    const f = new SpanFactory();
    await exportBatch(h.exporter, f.tree(1, 0));
    const started = Date.now();
    await h.exporter.forceFlush();
    expect(Date.now() - started).toBeLessThan(2_500); // the server would take 3 s to answer
  });

  it('shutdown flushes, then refuses new spans', async () => {
    h = await harness();
    const f = new SpanFactory();
    await exportBatch(h.exporter, f.tree(2, 2));
    await h.exporter.shutdown();
    expect(h.server.traces()).toHaveLength(1);
    expect(await exportBatch(h.exporter, f.tree(1, 0))).toBe(1);
    await h.exporter.shutdown(); // idempotent
    expect(h.server.traces()).toHaveLength(1);
  });

  it('without a key the exporter is disabled with one warning, and the app runs on', async () => {
    const lines = captureDiag();
    const saved = process.env['NEXUS_API_KEY'];
    delete process.env['NEXUS_API_KEY'];
    try {
      const exporter = new NexusSpanExporter();
      const f = new SpanFactory();
      expect(await exportBatch(exporter, f.tree(2, 1))).toBe(0);
      await exporter.forceFlush();
      await exporter.shutdown();
      expect(exporter.getStats().enabled).toBe(false);
      const warnings = lines.filter((line) => line.startsWith('warn'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('NEXUS_API_KEY');
    } finally {
      if (saved !== undefined) process.env['NEXUS_API_KEY'] = saved;
    }
  });

  it('refuses plain http off loopback unless allowInsecureHttp; never prints the key', () => {
    const lines = captureDiag();
    const key = `nxs_${'ab'.repeat(32)}`;
    const refused = new NexusSpanExporter({ apiKey: key, baseUrl: 'http://nexus.example.com' });
    expect(refused.getStats().enabled).toBe(false);
    expect(lines.join('\n')).toContain('refusing plain http');
    const allowed = new NexusSpanExporter({ apiKey: key, baseUrl: 'http://nexus.example.com', allowInsecureHttp: true });
    expect(allowed.getStats().enabled).toBe(true);
    expect(new NexusSpanExporter({ apiKey: key, baseUrl: 'http://127.0.0.1:9' }).getStats().enabled).toBe(true);
    expect(lines.join('\n')).not.toContain(key.slice(4));
    void allowed.shutdown();
  });

  it('reads its configuration from NEXUS_* environment variables', async () => {
    h = await harness();
    const saved = { ...process.env };
    Object.assign(process.env, { NEXUS_API_KEY: h.key, NEXUS_BASE_URL: h.server.url, NEXUS_AGENT: 'from-env' });
    try {
      const exporter = new NexusSpanExporter();
      await exportBatch(exporter, new SpanFactory().tree(1, 0));
      await exporter.shutdown();
      expect(h.server.traces()[0]!.agentName).toBe('from-env');
    } finally {
      for (const name of ['NEXUS_API_KEY', 'NEXUS_BASE_URL', 'NEXUS_AGENT']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  it('caps: held spans stay bounded, whole oldest traces are dropped and counted', async () => {
    h = await harness({ maxHeldSpans: 10, maxTraceWaitMillis: 60_000 });
    const f = new SpanFactory();
    // Roots never end: every span stays held.
    for (let i = 0; i < 6; i += 1) {
      const root = f.start(`never ends ${i}`);
      const spans = f.end(f.start('a', root), f.start('b', root), f.start('c', root));
      await exportBatch(h.exporter, spans);
      expect(h.exporter.getStats().heldSpans).toBeLessThanOrEqual(10);
    }
    expect(h.exporter.getStats().heldSpans).toBe(9);
    expect(h.exporter.getStats().dropped).toEqual({ held_spans_cap: 9 });
    expect(h.diagLines.filter((line) => line.includes('held_spans_cap'))).toHaveLength(1);
  });

  it('caps on bytes: a trace too large for maxHeldBytes does not grow memory', async () => {
    h = await harness({ maxHeldBytes: 200_000 });
    const f = new SpanFactory();
    const root = f.start('big');
    for (let i = 0; i < 20; i += 1) {
      await exportBatch(h.exporter, f.end(f.start(`chunk ${i}`, root, { payload: 'x'.repeat(20_000) })));
    }
    expect(h.exporter.getStats().heldBytes).toBeLessThanOrEqual(200_000);
    expect(h.exporter.getStats().dropped['held_bytes_cap']).toBeGreaterThan(0);
  });

  it('a process that never calls shutdown still exits: no timer or socket keeps it alive', async () => {
    h = await harness();
    const script = fileURLToPath(new URL('./fixtures/exit-without-shutdown.ts', import.meta.url));
    const started = Date.now();
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, NEXUS_API_KEY: h.key, NEXUS_BASE_URL: h.server.url },
      timeout: 20_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`child failed: ${error.stderr ?? ''}`);
    });
    expect(stdout).toContain('exported');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
