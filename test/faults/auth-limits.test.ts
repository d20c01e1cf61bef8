// 401, 403 and 429 in the middle of a run: the behaviour docs/troubleshooting.md documents, and
// recovery once the key is fixed or the limit lifts. `authRetryMillis` and `limitRetryMillis` are
// short here (1 s and 1.5 s instead of 60 s and 15 min), and the app's BatchSpanProcessor exports
// every 200 ms instead of 5 s, so each scenario takes seconds.
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal, type NexusLocalOptions } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { AgentApp, audit, captureDiag, report, requestCounts, sleep, summary, until, type Run } from './helpers.js';

const AUTH_RETRY = 1_000;
const LIMIT_RETRY = 1_500;
const BATCH = { scheduledDelayMillis: 200 };

let server: NexusLocal | undefined;
let exporter: NexusSpanExporter | undefined;
afterEach(async () => {
  await exporter?.shutdown();
  await server?.close();
  server = undefined;
  exporter = undefined;
});

async function setUp(serverOptions: NexusLocalOptions = {}): Promise<{ key: string; diagLines: string[] }> {
  const key = generateKey();
  server = await startNexusLocal({ keys: { [key]: {} }, latencyMs: 5, ...serverOptions });
  const diagLines = captureDiag();
  exporter = new NexusSpanExporter({
    apiKey: key,
    baseUrl: server.url,
    authRetryMillis: AUTH_RETRY,
    limitRetryMillis: LIMIT_RETRY,
    // The long run below is created as `running` after 1 s (default 30 s), before the limit hits.
    maxTraceWaitMillis: 1_000,
  });
  return { key, diagLines };
}

const spansOf = (runs: readonly Run[]): number => runs.reduce((n, run) => n + run.spans, 0);

/**
 * From when on no block can be in force: the later of the fix and the last refusal's answer, plus
 * the retry time. Read from the server's log, so a loaded machine's delays do not matter.
 */
function blockOverAt(server: NexusLocal, status: number, fixedAt: number, retryMillis: number): number {
  const lastRefusal = Math.max(0, ...server.requests.filter((r) => r.status === status).map((r) => r.endedAt));
  return Math.max(fixedAt, lastRefusal) + retryMillis;
}

describe('401, 403 and 429 in the middle of a run', () => {
  it('401: said once without the key, traces dropped and counted, one try per authRetryMillis; all lands again once the key is fixed', async () => {
    const { key, diagLines } = await setUp();
    const app = new AgentApp({ exporter: exporter!, batch: BATCH });
    const load = app.steady(5);
    await sleep(2_000);
    server!.revokeKey(key);
    const revokedAt = Date.now();
    await sleep(4_000);
    server!.addKey(key); // fixed (rotated back in)
    const fixedAt = Date.now();
    await sleep(4_000);
    load.stop();
    await app.provider.shutdown();

    const result = audit(server!, app.runs);
    const stats = exporter!.getStats();
    const refused = server!.requests.filter((r) => r.status === 401);
    const firstAfterFix = Math.min(...server!.traces().map((t) => t.createdAt).filter((at) => at >= fixedAt));
    const incompleteSpans = result.incomplete.reduce((n, i) => n + i.run.spans - i.stored, 0);
    report('401 mid-run', {
      runs: app.runs.length,
      delivered: result.complete,
      missing: result.missing.length,
      incomplete: result.incomplete.length,
      refused401: refused.length,
      refused401Spread: refused.map((r) => r.startedAt - revokedAt),
      recoveryMillisAfterFix: firstAfterFix - fixedAt,
      dropped: stats.dropped,
      requests: requestCounts(server!),
    });

    expect(diagLines.filter((line) => line.includes('refused the API key'))).toHaveLength(1);
    expect(diagLines.join('\n')).not.toContain(key.slice(4));
    // Nothing is sent while the key is refused, but one try per authRetryMillis (each try: what was ready then).
    // Requests refused after the first answer's block began: one try per window (the requests of
    // the traces that were ready then), never a stream.
    const firstRefusal = Math.min(...refused.map((r) => r.endedAt));
    const laterTries = new Set(refused.filter((r) => r.startedAt > firstRefusal + 100).map((r) => Math.floor((r.startedAt - firstRefusal) / AUTH_RETRY)));
    expect(laterTries.size).toBeLessThanOrEqual(Math.ceil((fixedAt - firstRefusal) / AUTH_RETRY) + 1);
    expect(refused.length).toBeLessThanOrEqual((laterTries.size + 1) * 16);
    // Runs that were in Nexus before the revocation stay; every run after the fix (and the retry time) lands, once.
    const before = app.runs.filter((run) => (result.landedAt.get(run) ?? Infinity) < revokedAt);
    expect(before.length).toBeGreaterThan(3);
    const overAt = blockOverAt(server!, 401, fixedAt, AUTH_RETRY);
    const after = app.runs.filter((run) => run.endedAt > overAt);
    expect(result.missing.filter((run) => after.includes(run))).toEqual([]);
    expect(result.incomplete.filter((i) => after.includes(i.run))).toEqual([]);
    expect(after.length).toBeGreaterThan(5);
    expect(result.duplicateTraces + result.duplicateSpans).toBe(0);
    // What did not land is counted as unauthorized, span for span; a trace cut short by the
    // revocation (its create went through, a span was refused) is counted for what it lacks.
    expect(result.missing.length).toBeGreaterThan(0);
    expect(stats.dropped).toEqual({ unauthorized: spansOf(result.missing) + incompleteSpans });
    expect(firstAfterFix - overAt).toBeLessThan(2_000);
  });

  it("403 (a free key's second agent): said once with the upgrade link; only that agent's traces stop; all resume on upgrade", async () => {
    const { key, diagLines } = await setUp();
    server!.setPlan(key, 'free');
    const support = new AgentApp({ exporter: exporter!, service: 'support-bot', batch: BATCH, seed: 1 });
    const billing = new AgentApp({ exporter: exporter!, service: 'billing-bot', batch: BATCH, seed: 2 });
    const long = support.openRun(); // a run that spans the whole scenario: created `running`, its spans keep going
    const adder = setInterval(() => long.add(), 400);
    const supportLoad = support.steady(4);
    await sleep(2_000);
    const secondAgentAt = Date.now();
    const billingLoad = billing.steady(4); // a second agent name on a free key: 403
    await sleep(4_000);
    server!.setPlan(key, 'pro');
    const upgradedAt = Date.now();
    await sleep(4_000);
    supportLoad.stop();
    billingLoad.stop();
    clearInterval(adder);
    long.end();
    // Both providers feed the one exporter: empty both queues before the first shutdown stops it.
    await billing.provider.forceFlush();
    await support.provider.forceFlush();
    await support.provider.shutdown();
    await billing.provider.shutdown();

    const supportResult = audit(server!, support.runs);
    const billingResult = audit(server!, billing.runs);
    const stats = exporter!.getStats();
    const refused = server!.requests.filter((r) => r.status === 403);
    const longTrace = server!.traces().find((t) => (t.metadata as Record<string, unknown>)['otel_trace_id'] === long.traceId);
    report('403 mid-run', {
      supportRuns: support.runs.length,
      supportDelivered: supportResult.complete,
      billingRuns: billing.runs.length,
      billingDelivered: billingResult.complete,
      billingMissing: billingResult.missing.length,
      refused403: refused.length,
      longRunSpans: `${longTrace?.spans.length}/${support.runs.find((r) => r.traceId === long.traceId)?.spans}`,
      longRunStatus: longTrace?.status,
      recoveryMillisAfterUpgrade:
        Math.min(...server!.traces().filter((t) => t.agentName === 'billing-bot').map((t) => t.createdAt)) - upgradedAt,
      dropped: stats.dropped,
    });

    const said = diagLines.filter((line) => line.includes('Free plan limited to 1 agent'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('https://nexus.keylightdigital.dev/pricing');
    // The agent already in use is not held back by the other one's 403: all of its runs land, once.
    expect(supportResult.complete, summary(supportResult)).toBe(support.runs.length);
    // Spans of a trace created before the 403 kept going; its end was patched in.
    expect(longTrace?.spans).toHaveLength(support.runs.find((r) => r.traceId === long.traceId)!.spans);
    expect(longTrace?.status).toBe('success');
    // The second agent: dropped and counted while refused, one try per limitRetryMillis; all of it after the upgrade.
    expect(billingResult.missing.length).toBeGreaterThan(0);
    expect(stats.dropped).toEqual({ agent_limit: spansOf(billingResult.missing) });
    const windows = Math.ceil((upgradedAt - secondAgentAt) / LIMIT_RETRY) + 1;
    expect(refused.length).toBeLessThanOrEqual(windows * 16);
    const after = billing.runs.filter((run) => run.endedAt > blockOverAt(server!, 403, upgradedAt, LIMIT_RETRY));
    expect(after.length).toBeGreaterThan(5);
    expect(billingResult.missing.filter((run) => after.includes(run))).toEqual([]);
    expect(billingResult.incomplete).toEqual([]);
    expect(supportResult.duplicateTraces + supportResult.duplicateSpans + billingResult.duplicateTraces + billingResult.duplicateSpans).toBe(0);
  });

  it('429 (monthly limit): said once; no trace is created until it lifts, spans of created traces still go; all resumes on upgrade', async () => {
    const { key, diagLines } = await setUp({ freeTraceLimit: 12 });
    server!.setPlan(key, 'free');
    const app = new AgentApp({ exporter: exporter!, batch: BATCH });
    const long = app.openRun();
    const adder = setInterval(() => long.add(), 400);
    const load = app.steady(4); // the 12th trace comes after ~3 s
    expect(await until(() => server!.requests.some((r) => r.status === 429), 30_000, 50)).toBe(true);
    await sleep(3_000); // two retry windows of limitRetryMillis while the limit holds
    const tracesAtLimit = server!.traces().length;
    server!.setPlan(key, 'pro');
    const upgradedAt = Date.now();
    await sleep(4_000);
    load.stop();
    clearInterval(adder);
    long.end();
    await app.provider.shutdown();

    const result = audit(server!, app.runs);
    const stats = exporter!.getStats();
    const refused = server!.requests.filter((r) => r.status === 429);
    const firstLimited = refused[0]?.startedAt ?? Number.NaN;
    const longTrace = server!.traces().find((t) => (t.metadata as Record<string, unknown>)['otel_trace_id'] === long.traceId);
    const longSpansWhileLimited = longTrace?.spans.filter((s) => s.createdAt > firstLimited && s.createdAt < upgradedAt).length ?? 0;
    report('429 mid-run', {
      runs: app.runs.length,
      delivered: result.complete,
      missing: result.missing.length,
      tracesAtLimit,
      refused429: refused.length,
      longRunSpans: longTrace?.spans.length,
      longSpansWhileLimited,
      longRunStatus: longTrace?.status,
      recoveryMillisAfterUpgrade: Math.min(...server!.traces().map((t) => t.createdAt).filter((at) => at >= upgradedAt)) - upgradedAt,
      dropped: stats.dropped,
    });

    expect(diagLines.filter((line) => line.includes('Monthly trace limit reached'))).toHaveLength(1);
    expect(diagLines.join('\n')).not.toContain(key.slice(4));
    expect(tracesAtLimit).toBe(12);
    expect(longSpansWhileLimited).toBeGreaterThanOrEqual(2);
    expect(longTrace?.status).toBe('success');
    expect(longTrace?.spans).toHaveLength(app.runs.find((r) => r.traceId === long.traceId)!.spans);
    const windows = Math.ceil((upgradedAt - firstLimited) / LIMIT_RETRY) + 1;
    expect(refused.length).toBeLessThanOrEqual(windows * 16);
    expect(result.missing.length).toBeGreaterThan(0);
    expect(stats.dropped).toEqual({ monthly_limit: spansOf(result.missing) });
    const after = app.runs.filter((run) => run.endedAt > blockOverAt(server!, 429, upgradedAt, LIMIT_RETRY));
    expect(after.length).toBeGreaterThan(5);
    expect(result.missing.filter((run) => after.includes(run))).toEqual([]);
    expect(result.incomplete).toEqual([]);
    expect(result.duplicateTraces + result.duplicateSpans).toBe(0);
  });
});
