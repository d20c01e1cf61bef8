// Benchmark 2: the CPU an application spends at 5,000 spans/s with NexusSpanExporter, against the
// same application with a no-op exporter (and, for reference, the OTLP/HTTP JSON exporter). The
// app runs in its own process; the server runs in this one, so its CPU is not counted.
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import type { ExporterKind } from './app.js';
import { finish, startApp } from './child.js';
import { median } from './round-trips.js';

/** `nexus-capacity`: the exporter against a server that answers one request at a time, 15 ms each (the hosted Nexus's ~70 requests/s). */
export type Variant = ExporterKind | 'nexus-capacity';

export interface OverheadResult {
  rate: number;
  seconds: number;
  runs: number;
  /** Median CPU of the app, in ms per second of wall time, by exporter. */
  cpuMillisPerSecond: Record<Variant, number>;
  /** Of that, the kernel's share (system time: socket calls, page faults). */
  systemShare: Record<Variant, number>;
  /** Median ratio, per run, of each exporter's CPU to the no-op's in the same run. */
  ratio: Record<Variant, number>;
  /** Extra CPU per span over the no-op, in µs. */
  extraMicrosPerSpan: Record<Variant, number>;
  spansPerSecond: Record<Variant, number>;
  requestsPerSecond: Record<Variant, number>;
  dropped: Record<Variant, Record<string, number>>;
}

export async function overhead(options: { rate?: number; seconds?: number; warmupSeconds?: number; runs?: number; kinds?: Variant[] } = {}): Promise<OverheadResult> {
  const rate = options.rate ?? 5_000;
  const seconds = options.seconds ?? 8;
  const warmupSeconds = options.warmupSeconds ?? 3;
  const runs = options.runs ?? 3;
  const kinds = options.kinds ?? ['noop', 'nexus', 'nexus-capacity', 'otlp'];
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  const capacity = await startNexusLocal({ keys: { [key]: { plan: 'pro' } }, serviceTimeMs: 15 });
  const cpu: Record<string, number[]> = {};
  const system: Record<string, number[]> = {};
  const ratios: Record<string, number[]> = {};
  const spans: Record<string, number[]> = {};
  const requests: Record<string, number[]> = {};
  const dropped: Record<string, Record<string, number>> = {};
  try {
    for (let run = 0; run < runs; run += 1) {
      // Alternate the order so that drift on the machine hits every exporter alike.
      const order = run % 2 === 0 ? kinds : [...kinds].reverse();
      const perRun: Record<string, number> = {};
      for (const kind of order) {
        server.clear();
        capacity.clear();
        const target = kind === 'nexus-capacity' ? capacity : server;
        const exporter: ExporterKind = kind === 'nexus-capacity' ? 'nexus' : kind;
        const app = startApp({ exporter, url: target.url, key, rate, warmupSeconds, seconds, sampleMillis: 0 });
        const report = await finish(app);
        const perSecond = report.cpuMicros / 1000 / (report.wallMillis / 1000);
        perRun[kind] = perSecond;
        (cpu[kind] ??= []).push(perSecond);
        (system[kind] ??= []).push(report.systemMicros / Math.max(1, report.cpuMicros));
        (spans[kind] ??= []).push(report.spans / (report.wallMillis / 1000));
        (requests[kind] ??= []).push(report.requests / (report.wallMillis / 1000));
        const into = (dropped[kind] ??= {});
        for (const [reason, count] of Object.entries(report.dropped)) into[reason] = (into[reason] ?? 0) + count;
      }
      for (const kind of kinds) (ratios[kind] ??= []).push((perRun[kind] ?? 0) / (perRun['noop'] ?? 1));
    }
  } finally {
    await server.close();
    await capacity.close();
  }
  const pick = (values: Record<string, number[]>): Record<Variant, number> =>
    Object.fromEntries(kinds.map((kind) => [kind, median(values[kind] ?? [0])])) as Record<Variant, number>;
  const cpuMedian = pick(cpu);
  const spansMedian = pick(spans);
  const extra = Object.fromEntries(
    kinds.map((kind) => [kind, (((cpuMedian[kind] ?? 0) - (cpuMedian.noop ?? 0)) * 1000) / (spansMedian[kind] || rate)]),
  ) as Record<Variant, number>;
  return {
    rate,
    seconds,
    runs,
    cpuMillisPerSecond: cpuMedian,
    systemShare: pick(system),
    ratio: pick(ratios),
    extraMicrosPerSpan: extra,
    spansPerSecond: spansMedian,
    requestsPerSecond: pick(requests),
    dropped: dropped as Record<Variant, Record<string, number>>,
  };
}
