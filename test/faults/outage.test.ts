// Nexus down for 30 s, then back: every trace within the caps is delivered after recovery, none
// twice. Two apps ride through the same outage side by side: one with the exporter's defaults
// throughout (retries, backoff, deferral, timeouts and caps), one whose held-span cap is lowered
// below what the outage piles up, so that the cap's rule shows (whole oldest traces dropped, counted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { AgentApp, audit, captureDiag, otelTraceIdOf, percentile, report, requestCounts, sleep, summary, until, type Audit, type Run } from './helpers.js';

const RUNS_PER_SECOND = 4;
const OUTAGE_MILLIS = 30_000;
const LOW_CAP = 600;

interface Side {
  exporter: NexusSpanExporter;
  app: AgentApp;
  maxHeld: number;
  maxHeldBytes: number;
  backlog: Run[];
  /** ms from up() until every run that ended before it was in Nexus or dropped by the cap; undefined: not within 60 s. */
  drainedAfter: number | undefined;
  afterUp: Audit | undefined;
  final: Audit | undefined;
}

let server: NexusLocal;
let key: string;
let diagLines: string[];
let downAt = 0;
let upAt = 0;
let defaults: Side;
let capped: Side;
let connectionsResetWhileDown = 0;

function side(service: string, seed: number, maxHeldSpans?: number): Side {
  const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url, ...(maxHeldSpans ? { maxHeldSpans } : {}) });
  const app = new AgentApp({ exporter, service, seed });
  return { exporter, app, maxHeld: 0, maxHeldBytes: 0, backlog: [], drainedAfter: undefined, afterUp: undefined, final: undefined };
}

/** Every span of the runs that ended before up() is in Nexus, or in the drop count. */
function drained(s: Side): boolean {
  const landed = audit(server, s.backlog);
  const dropped = s.exporter.getStats().dropped['held_spans_cap'] ?? 0;
  const missingSpans = landed.missing.reduce((n, run) => n + run.spans, 0) + landed.incomplete.reduce((n, i) => n + i.run.spans - i.stored, 0);
  return landed.complete + landed.missing.length + landed.incomplete.length === s.backlog.length && missingSpans === dropped;
}

beforeAll(async () => {
  key = generateKey();
  server = await startNexusLocal({ keys: { [key]: {} }, latencyMs: 5 });
  diagLines = captureDiag();
  defaults = side('support-bot', 11);
  capped = side('billing-bot', 12, LOW_CAP);
  const sides = [defaults, capped];
  const sampler = setInterval(() => {
    for (const s of sides) {
      const stats = s.exporter.getStats();
      s.maxHeld = Math.max(s.maxHeld, stats.heldSpans);
      s.maxHeldBytes = Math.max(s.maxHeldBytes, stats.heldBytes);
    }
  }, 100);
  const loads = sides.map((s) => s.app.steady(RUNS_PER_SECOND));
  try {
    await sleep(6_000); // healthy: everything lands
    // Down: 15 s refusing connections, then 15 s accepting and resetting them (a request may have left).
    downAt = Date.now();
    await server.faults.down({ mode: 'refuse' });
    await sleep(OUTAGE_MILLIS / 2);
    await server.faults.down({ mode: 'reset' });
    const connectionsAtReset = server.connections;
    await sleep(OUTAGE_MILLIS / 2);
    connectionsResetWhileDown = server.connections - connectionsAtReset;
    await server.faults.up();
    upAt = Date.now();
    for (const s of sides) s.backlog = s.app.runs.filter((run) => run.endedAt < upAt);

    await until(() => {
      for (const s of sides) if (s.drainedAfter === undefined && drained(s)) s.drainedAfter = Date.now() - upAt;
      return sides.every((s) => s.drainedAfter !== undefined);
    }, 60_000, 100);
    for (const s of sides) s.afterUp = audit(server, s.backlog);

    await sleep(5_000); // runs emitted after recovery land as usual
  } finally {
    for (const load of loads) load.stop();
    clearInterval(sampler);
  }
  for (const s of sides) {
    await s.app.provider.shutdown();
    s.final = audit(server, s.app.runs);
  }
  const counts = requestCounts(server);
  const afterUp = server.requests.filter((r) => r.startedAt >= upAt);
  for (const [name, s] of [['defaults', defaults], [`maxHeldSpans ${LOW_CAP}`, capped]] as const) {
    const landedAfterUp = [...(s.afterUp?.landedAt.values() ?? [])].filter((at) => at >= upAt).map((at) => at - upAt);
    report(`outage 30 s, ${name}`, {
      runs: s.app.runs.length,
      spans: s.app.spans,
      backlogRuns: s.backlog.length,
      backlogSpans: s.backlog.reduce((n, run) => n + run.spans, 0),
      drainedWithinMillisOfUp: s.drainedAfter,
      backlogRunsLandedAfterUp: landedAfterUp.length,
      backlogLandedAfterUpMillis: { p50: percentile(landedAfterUp, 50), p95: percentile(landedAfterUp, 95), max: percentile(landedAfterUp, 100) },
      maxHeldSpans: s.maxHeld,
      maxHeldBytes: s.maxHeldBytes,
      stats: s.exporter.getStats(),
      audit: JSON.parse(summary(s.final!)) as unknown,
      incomplete: s.final!.incomplete.map((i) => `${i.stored}/${i.run.spans}`),
    });
  }
  report('outage 30 s, server', {
    requestsWhileDown: server.requests.filter((r) => r.startedAt >= downAt && r.startedAt < upAt).length,
    connectionsResetWhileDown,
    requestsAfterUp: afterUp.length,
    firstRequestAfterUpMillis: (afterUp[0]?.startedAt ?? Number.NaN) - upAt,
    lookupsAfterUp: afterUp.filter((r) => r.method === 'GET').length,
    requests: counts,
  });
}, 160_000);

afterAll(async () => {
  await defaults?.exporter.shutdown();
  await capped?.exporter.shutdown();
  await server?.close();
});

describe('Nexus down for 30 s, then back', () => {
  it('with the defaults: every trace lands after recovery, within 30 s of it, none twice, nothing dropped', () => {
    const result = defaults.final!;
    expect(defaults.drainedAfter, summary(defaults.afterUp!)).toBeDefined();
    expect(defaults.drainedAfter!).toBeLessThan(30_000);
    expect(result.complete, summary(result)).toBe(defaults.app.runs.length);
    expect(result.duplicateTraces).toBe(0);
    expect(result.duplicateSpans).toBe(0);
    expect(defaults.exporter.getStats().dropped).toEqual({});
    // The backlog was really held through the outage, within the default caps.
    expect(defaults.backlog.filter((run) => run.endedAt >= downAt).length).toBeGreaterThan(100);
    expect(defaults.maxHeld).toBeLessThanOrEqual(20_000);
  });

  it('over a lower cap: the oldest whole traces are dropped and counted, every other one lands whole, none twice', () => {
    const result = capped.final!;
    const missingSpans = result.missing.reduce((n, run) => n + run.spans, 0);
    expect(capped.maxHeld).toBeLessThanOrEqual(LOW_CAP);
    expect(missingSpans).toBeGreaterThan(0); // the outage did overflow the cap
    expect(result.duplicateTraces).toBe(0);
    expect(result.duplicateSpans).toBe(0);
    // No trace half in Nexus, except one already there when the outage began (its create went
    // through, its spans did not): what the cap dropped of the others, it dropped whole.
    const createdAt = new Map(server.traces().map((t) => [otelTraceIdOf(t), t.createdAt]));
    expect(result.incomplete.filter((i) => (createdAt.get(i.run.traceId) ?? 0) >= downAt).map((i) => `${i.stored}/${i.run.spans}`)).toEqual([]);
    const incompleteSpans = result.incomplete.reduce((n, i) => n + i.run.spans - i.stored, 0);
    expect(capped.exporter.getStats().dropped).toEqual({ held_spans_cap: missingSpans + incompleteSpans });
    expect(result.complete + result.missing.length + result.incomplete.length).toBe(capped.app.runs.length);
    expect(capped.drainedAfter, summary(capped.afterUp!)).toBeDefined();
    expect(capped.drainedAfter!).toBeLessThan(30_000);
    // Only runs held during the outage were dropped (those that ended up to a BatchSpanProcessor
    // delay before it were still on their way); the least recently active went first.
    expect(result.missing.every((run) => run.endedAt >= downAt - 6_000 && run.endedAt < upAt)).toBe(true);
    const lastBeforeUp = capped.backlog.slice(-Math.floor(LOW_CAP / 20));
    expect(result.missing.filter((run) => lastBeforeUp.includes(run))).toEqual([]);
  });

  it('said nothing with the key in it; the server saw no request it refused as invalid', () => {
    expect(diagLines.join('\n')).not.toContain(key.slice(4));
    expect(server.requests.filter((r) => r.status === 400)).toEqual([]);
    expect(server.traces().every((t) => t.spans.every((s) => s.parentSpanId !== null || s.name.startsWith('invoke_agent')))).toBe(true);
  });
});
