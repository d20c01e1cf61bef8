// Through a loopback TCP proxy that adds 5 ms each way and cuts connections at random bytes, in
// both directions: a request half sent (never written), an answer half received (written, unknown
// to the exporter). What the server's own faults cannot produce: a reset in the middle of a message.
import { describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { AgentApp, audit, captureDiag, percentile, report, sleep, summary, until } from './helpers.js';
import { startTcpProxy } from './tcp-proxy.js';

const LOAD_MILLIS = 30_000;
const CUT_RATE = 0.05;

describe('connections cut mid-message by a TCP proxy', () => {
  it('every trace lands once, each span once', async () => {
    const key = generateKey();
    const server = await startNexusLocal({ keys: { [key]: {} } });
    const proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: server.port }, latencyMs: 5, cutRate: CUT_RATE, seed: 99 });
    const diagLines = captureDiag();
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: proxy.url });
    const app = new AgentApp({ exporter, seed: 31 });
    const load = app.steady(4);
    try {
      await sleep(LOAD_MILLIS);
      load.stop();
      const stoppedAt = Date.now();
      const delivered = await until(() => audit(server, app.runs).complete === app.runs.length, 60_000, 250);
      const drainMillis = Date.now() - stoppedAt;
      await app.provider.shutdown();
      const result = audit(server, app.runs);
      const log = server.requests;
      report('tcp proxy cuts', {
        runs: app.runs.length,
        spans: app.spans,
        delivered: result.complete,
        duplicateTraces: result.duplicateTraces,
        duplicateSpans: result.duplicateSpans,
        cuts: proxy.cuts,
        connections: proxy.connections,
        serverRequests: log.length,
        unanswered: log.filter((r) => r.status === null).length,
        lookups: log.filter((r) => r.method === 'GET').length,
        minimalRequests: app.runs.length + app.spans,
        drainAfterLoadMillis: drainMillis,
        lagMillis: { p50: percentile(result.lagMillis, 50), p95: percentile(result.lagMillis, 95), max: percentile(result.lagMillis, 100) },
        dropped: exporter.getStats().dropped,
      });
      expect(delivered, summary(result)).toBe(true);
      expect(result.duplicateTraces).toBe(0);
      expect(result.duplicateSpans).toBe(0);
      expect(result.storedSpans).toBe(app.spans);
      expect(exporter.getStats().dropped).toEqual({});
      expect(proxy.cuts.upstream).toBeGreaterThan(10);
      expect(proxy.cuts.downstream).toBeGreaterThan(10);
      expect(log.filter((r) => r.status === 400)).toEqual([]);
      expect(diagLines.join('\n')).not.toContain(key.slice(4));
    } finally {
      load.stop();
      await exporter.shutdown();
      await proxy.close();
      await server.close();
    }
  }, 150_000);
});
