// Two minutes of agent runs against a Nexus that answers 20 % of requests with 503, resets 10 % of
// connections before reading the request, and loses the answer of 10 % after writing it (commit,
// then no response): 100 % delivered, 0 duplicates, counted in the server. Exporter defaults.
import { describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { AgentApp, audit, captureDiag, percentile, report, sleep, summary, until } from './helpers.js';
import { requirement } from '../../test-support/requirements.js';

const LOAD_MILLIS = Number(process.env['NEXUS_OTEL_FAULTS_LOAD_MILLIS'] ?? 120_000);
const RUNS_PER_SECOND = 4;
const RATES = { failRate: 0.2, resetRate: 0.1, dropResponseRate: 0.1 };

// The CI script runs this two-minute test on its first Node only (see .ci/run).
const LONG = requirement(
  process.env['NEXUS_OTEL_SKIP_LONG_FAULTS'] === '1' ? 'the two-minute load test, left out by NEXUS_OTEL_SKIP_LONG_FAULTS=1' : undefined,
  'run npm run test:faults without NEXUS_OTEL_SKIP_LONG_FAULTS=1',
);
describe.skipIf(LONG.unmet)('two minutes of load with 20 % 503s, 10 % resets, 10 % lost answers', LONG.options, () => {
  it(
    'delivers every trace, each once, and each span once',
    async () => {
      const key = generateKey();
      const server = await startNexusLocal({ keys: { [key]: {} }, latencyMs: 5 });
      const diagLines = captureDiag();
      const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url });
      const app = new AgentApp({ exporter, seed: 21 });
      let maxHeld = 0;
      let maxHeldBytes = 0;
      let maxHeap = 0;
      const heapBefore = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        const stats = exporter.getStats();
        maxHeld = Math.max(maxHeld, stats.heldSpans);
        maxHeldBytes = Math.max(maxHeldBytes, stats.heldBytes);
        maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
      }, 250);
      server.faults.random({ ...RATES, seed: 2026 });
      const started = Date.now();
      const load = app.steady(RUNS_PER_SECOND);
      try {
        await sleep(LOAD_MILLIS);
        load.stop();
        const stoppedAt = Date.now();
        // Faults stay on: the exporter must finish the job through them, on its own (no flush).
        const delivered = await until(() => audit(server, app.runs).complete === app.runs.length, 100_000, 250);
        const drainMillis = Date.now() - stoppedAt;
        await app.provider.shutdown();
        clearInterval(sampler);
        server.faults.clear();

        const result = audit(server, app.runs);
        const stats = exporter.getStats();
        const log = server.requests;
        const faulted = { fail: 0, reset: 0, drop: 0 };
        for (const r of log) if (r.fault) faulted[r.fault] += 1;
        const minimal = app.runs.length + app.spans; // one create per trace, one POST per span
        report('load 2 min', {
          seconds: Math.round((stoppedAt - started) / 1000),
          runs: app.runs.length,
          spans: app.spans,
          delivered: result.complete,
          duplicateTraces: result.duplicateTraces,
          duplicateSpans: result.duplicateSpans,
          serverRequests: log.length,
          faulted,
          faultShare: { fail: faulted.fail / log.length, reset: faulted.reset / log.length, drop: faulted.drop / log.length },
          lookups: log.filter((r) => r.method === 'GET').length,
          patches: log.filter((r) => r.method === 'PATCH').length,
          minimalRequests: minimal,
          requestsPerMinimal: log.length / minimal,
          exporterRequests: stats.requests,
          http400: log.filter((r) => r.status === 400).length,
          drainAfterLoadMillis: drainMillis,
          lagMillis: { p50: percentile(result.lagMillis, 50), p95: percentile(result.lagMillis, 95), max: percentile(result.lagMillis, 100) },
          maxHeldSpans: maxHeld,
          maxHeldBytes,
          heapGrowthMiB: Math.round(((maxHeap - heapBefore) / 2 ** 20) * 10) / 10,
          dropped: stats.dropped,
          diagLines: diagLines.length,
        });

        expect(delivered, summary(result)).toBe(true);
        expect(result.complete).toBe(app.runs.length);
        expect(result.duplicateTraces).toBe(0);
        expect(result.duplicateSpans).toBe(0);
        expect(result.strangers).toBe(0);
        expect(result.storedSpans).toBe(app.spans);
        expect(stats.dropped).toEqual({});
        expect(log.filter((r) => r.status === 400)).toEqual([]);
        // The faults really were at the asked rates (±3 points over thousands of requests).
        expect(log.length).toBeGreaterThan((LOAD_MILLIS / 1000) * 40);
        expect(Math.abs(faulted.fail / log.length - RATES.failRate)).toBeLessThan(0.03);
        expect(Math.abs(faulted.reset / log.length - RATES.resetRate)).toBeLessThan(0.03);
        expect(Math.abs(faulted.drop / log.length - RATES.dropResponseRate)).toBeLessThan(0.03);
        // Nesting survived the retries: every child sits under its run's root.
        for (const t of server.traces()) {
          const root = t.spans.find((s) => s.parentSpanId === null);
          expect(root?.name).toBe('invoke_agent support-bot');
          expect(t.spans.filter((s) => s !== root).every((s) => s.parentSpanId === root?.id)).toBe(true);
        }
        expect(diagLines.join('\n')).not.toContain(key.slice(4));
      } finally {
        load.stop();
        clearInterval(sampler);
        await exporter.shutdown();
        await server.close();
      }
    },
    LOAD_MILLIS + 150_000,
  );
});
