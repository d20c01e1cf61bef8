// Benchmark 4: an app emitting 1,000 spans/s while Nexus is down for 60 s: its heap stays bounded
// by the exporter's caps, and once Nexus is back the backlog drains. The app runs in its own
// process; "Nexus" is the local server behind a loopback TCP proxy that refuses connections while down.
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import type { AppSample } from './app.js';
import { finish, startApp } from './child.js';
import { OutageProxy } from './proxy.js';

export interface OutageResult {
  rate: number;
  outageSeconds: number;
  maxHeldSpans: number;
  maxHeldBytes: number;
  /** Live heap (after a full GC) before the outage, at its highest during it, and after the drain. */
  liveHeapBeforeMiB: number;
  liveHeapMaxDuringMiB: number;
  liveHeapAfterMiB: number | null;
  /** Highest heapUsed sampled at any time (garbage included). */
  heapUsedMaxMiB: number;
  heldSpansMax: number;
  heldBytesMaxMiB: number;
  /** When the held spans first reached the span cap, in seconds into the outage (null: never). */
  capReachedAfterSeconds: number | null;
  /** From `up()` until what was held at recovery is delivered (held spans back to the healthy level). */
  drainSeconds: number | null;
  /** Whether the app went on emitting after recovery (else the drain is the backlog alone). */
  loadAfterRecovery: boolean;
  heldAtRecovery: number;
  delivered: number;
  dropped: Record<string, number>;
  emitted: number;
}

const MiB = 1024 * 1024;

export async function outage(
  options: { rate?: number; outageSeconds?: number; healthySeconds?: number; maxDrainSeconds?: number; loadAfterRecovery?: boolean } = {},
): Promise<OutageResult> {
  const loadAfterRecovery = options.loadAfterRecovery ?? false;
  const rate = options.rate ?? 1_000;
  const outageSeconds = options.outageSeconds ?? 60;
  const healthySeconds = options.healthySeconds ?? 10;
  const maxDrainSeconds = options.maxDrainSeconds ?? 120;
  // The exporter's defaults (config/resolve.ts), stated so the figure says what bounded it.
  const maxHeldSpans = 20_000;
  const maxHeldBytes = 64 * MiB;
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  const proxy = new OutageProxy({ host: '127.0.0.1', port: server.port });
  await proxy.up();
  const app = startApp(
    {
      exporter: 'nexus',
      url: proxy.url,
      key,
      rate,
      warmupSeconds: 0,
      seconds: 0,
      sampleMillis: 250,
      gcEvery: 8,
      nexus: { maxHeldSpans, maxHeldBytes },
    },
    ['--expose-gc'],
  );
  try {
    await sleep(healthySeconds * 1000);
    const healthy = [...app.samples];
    const downAt = Date.now();
    await proxy.down();
    await sleep(outageSeconds * 1000);
    if (!loadAfterRecovery) app.pause();
    await proxy.up();
    const upAt = Date.now();
    const heldAtRecovery = app.samples.at(-1)?.heldSpans ?? 0;
    // Steady state while healthy: what is held between the BatchSpanProcessor's batches.
    const steady = loadAfterRecovery ? Math.max(100, ...healthy.slice(Math.floor(healthy.length / 2)).map((s) => s.heldSpans)) : 0;
    let drainedAt: number | undefined;
    const deadline = Date.now() + maxDrainSeconds * 1000;
    while (Date.now() < deadline) {
      await sleep(250);
      const drained = app.samples.find((s) => s.at > upAt && s.heldSpans <= steady && s.queuedTraces === 0 && s.activeTraceUploads === 0);
      if (drained) {
        drainedAt = drained.at;
        break;
      }
    }
    // A few more seconds of normal operation for the live heap after the drain.
    await sleep(4_000);
    app.stop();
    const report = await finish(app, 10_000);
    const samples = app.samples;
    const during = samples.filter((s) => s.at >= downAt && s.at <= upAt);
    const live = (list: AppSample[]): number[] => list.filter((s) => s.afterGc).map((s) => s.heapUsed / MiB);
    const capSample = during.find((s) => s.heldSpans >= maxHeldSpans - 10 || s.heldBytes >= maxHeldBytes - MiB);
    const after = samples.filter((s) => drainedAt !== undefined && s.at > drainedAt);
    const delivered = server.traces().reduce((n, t) => n + t.spans.length, 0);
    return {
      rate,
      outageSeconds,
      maxHeldSpans,
      maxHeldBytes,
      liveHeapBeforeMiB: Math.max(0, ...live(healthy)),
      liveHeapMaxDuringMiB: Math.max(0, ...live(during)),
      liveHeapAfterMiB: live(after).at(-1) ?? null,
      heapUsedMaxMiB: Math.max(0, ...samples.map((s) => s.heapUsed / MiB)),
      heldSpansMax: Math.max(0, ...samples.map((s) => s.heldSpans)),
      heldBytesMaxMiB: Math.max(0, ...samples.map((s) => s.heldBytes / MiB)),
      capReachedAfterSeconds: capSample ? (capSample.at - downAt) / 1000 : null,
      drainSeconds: drainedAt !== undefined ? (drainedAt - upAt) / 1000 : null,
      loadAfterRecovery,
      heldAtRecovery,
      delivered,
      dropped: report.dropped,
      emitted: samples.at(-1)?.emitted ?? 0,
    };
  } finally {
    app.kill();
    await proxy.down();
    await server.close();
  }
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
