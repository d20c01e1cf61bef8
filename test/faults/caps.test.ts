// The held-span cap under a backlog: which trace goes when a new span does not fit. The outage test
// shows it at scale (whole traces dropped after a 30 s outage); this one pins the rule down.
import { describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { AgentApp, audit, otelTraceIdOf, summary, until } from './helpers.js';

describe('held-span cap', () => {
  it('drops a trace waiting in the queue rather than the one being uploaded: no trace is left half in Nexus', async () => {
    const key = generateKey();
    // Every request takes 400 ms; one trace uploads at a time: A uploads while C waits in the queue.
    const server = await startNexusLocal({ keys: { [key]: {} }, latencyMs: 400 });
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url, concurrency: 1, maxHeldSpans: 20 });
    const app = new AgentApp({ exporter });
    try {
      const a = app.run(9); // 10 spans
      await app.provider.forceFlush(); // hands the spans to the exporter (the SDK does not wait for the upload)
      await until(() => server.requests.length > 0, 2_000, 10); // A's create is in flight
      const c = app.run(5); // 6 spans: queued behind A
      await app.provider.forceFlush();
      const b = app.run(5); // 6 more: 22 > 20, one whole trace must go
      await app.provider.forceFlush();

      await exporter.forceFlush();
      const result = audit(server, app.runs);
      expect(exporter.getStats().heldSpans).toBe(0);
      // A was on its way: it lands whole. C, which had not started, is the one dropped, whole, and counted.
      expect(result.incomplete.map((i) => `${i.stored}/${i.run.spans}`), summary(result)).toEqual([]);
      expect(result.missing).toEqual([c]);
      expect(result.landedAt.has(a) && result.landedAt.has(b)).toBe(true);
      expect(exporter.getStats().dropped).toEqual({ held_spans_cap: 6 });
    } finally {
      await exporter.shutdown();
      await server.close();
    }
  });

  it('a trace already in Nexus loses only its held late spans to the cap: its later spans join it, no second trace', async () => {
    const { server, exporter, app, long } = await longRunInNexus();
    try {
      // Two late spans whose upload fails: held, waiting for a retry.
      server.faults.failNext(2, 503, { match: { path: /\/spans$/ } });
      long.add();
      long.add();
      await app.provider.forceFlush();
      // The server logs a status before it sends it: wait for the job to have settled too, so the
      // two late spans are held (not in flight, which the next test covers).
      expect(await until(() => server.requests.filter((r) => r.status === 503).length === 2 && exporter.getStats().activeTraceUploads === 0, 5_000, 20)).toBe(true);
      // A run of 9 spans: 2 + 9 > 10, the long run's held late spans go.
      const other = app.run(8);
      await app.provider.forceFlush();
      const longRun = long.end();
      await app.provider.forceFlush();
      await exporter.forceFlush();

      const ofLong = server.traces().filter((t) => otelTraceIdOf(t) === long.traceId);
      expect(ofLong.map((t) => `${t.status} ${t.spans.length}`)).toEqual([`success ${longRun.spans - 2}`]);
      expect(exporter.getStats().dropped).toEqual({ held_spans_cap: 2 });
      expect(audit(server, [other]).complete).toBe(1);
    } finally {
      await exporter.shutdown();
      await server.close();
    }
  });

  it('a trace whose late spans are being uploaded when the cap strikes keeps them: one Nexus trace, every span counted once', async () => {
    const { server, exporter, app, long } = await longRunInNexus();
    try {
      // The two late spans' upload is answered 503, after 1 s: when the cap strikes below, it is in flight.
      server.faults.failNext(2, 503, { match: { path: /\/spans$/ } });
      server.faults.latency(1_000);
      long.add();
      long.add();
      await app.provider.forceFlush();
      expect(await until(() => exporter.getStats().activeTraceUploads === 1 && server.requests.filter((r) => r.path.endsWith('/spans')).length === 4, 5_000, 5)).toBe(true);
      // 2 in flight + 9 > 10: nothing of the long run can go (its job carries it). What does not
      // fit now, or when the long run's root comes, is of the other run: dropped and counted.
      const other = app.run(8);
      await app.provider.forceFlush();
      server.faults.latency(0);
      const longRun = long.end();
      await app.provider.forceFlush();
      await exporter.forceFlush();

      const ofLong = server.traces().filter((t) => otelTraceIdOf(t) === long.traceId);
      // Before the fix: the cap forgot the trace mid-upload, and its root started a second one (['running 2', 'success 1']).
      expect(ofLong.map((t) => `${t.status} ${t.spans.length}`)).toEqual([`success ${longRun.spans}`]);
      const result = audit(server, [longRun, other]);
      expect(result.duplicateTraces + result.duplicateSpans).toBe(0);
      const dropped = exporter.getStats().dropped;
      expect(Object.keys(dropped)).toEqual(['held_spans_cap']);
      expect(result.storedSpans + (dropped['held_spans_cap'] ?? 0)).toBe(longRun.spans + other.spans);
    } finally {
      await exporter.shutdown();
      await server.close();
    }
  });
});

/**
 * A cap of 10 spans, and a run whose root stays open: its first 2 spans go to Nexus as `running`
 * after maxTraceWaitMillis. One attempt per request, so that a 503 puts a span back to wait at once.
 */
async function longRunInNexus() {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: {} } });
  const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url, maxHeldSpans: 10, maxTraceWaitMillis: 300, maxAttempts: 1 });
  const app = new AgentApp({ exporter });
  const long = app.openRun();
  try {
    long.add();
    long.add();
    await app.provider.forceFlush();
    expect(await until(() => server.traces().some((t) => otelTraceIdOf(t) === long.traceId && t.spans.length === 2), 5_000, 20)).toBe(true);
  } catch (error) {
    await exporter.shutdown();
    await server.close();
    throw error;
  }
  return { server, exporter, app, long };
}
