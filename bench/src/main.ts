// pnpm bench: every figure is measured side by side with its baseline in this one run.
// BENCH=otlp,overhead,requests,trace,fold,outage selects benchmarks (default: all); see docs/benchmarks.md.
// BENCH_VERIFY=1 first checks benchmark 1's Azure Monitor path against a real exporter's requests.
import { cpus } from 'node:os';
import { otlpRatio, workloads, type Candidate } from './otlp-ratio.js';
import { loadAzureInternals } from './peers.js';
import { verifyAzure } from './verify-azure.js';
import { overhead } from './overhead.js';
import { fidelity, perTrace, type Client } from './per-trace.js';
import { outage } from './outage.js';
import { requestCost } from './request-cost.js';
import { foldRequests } from './fold.js';

const ALL = ['otlp', 'overhead', 'requests', 'trace', 'fold', 'outage'] as const;
type Bench = (typeof ALL)[number];

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

function selected(): Bench[] {
  const raw = (process.env['BENCH'] ?? '').trim();
  if (!raw || raw === 'all') return [...ALL];
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(ALL as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}: choose among ${ALL.join(', ')}`);
  return names as Bench[];
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const verdict = (ok: boolean): string => (ok ? 'goal met' : 'goal MISSED');

async function benchOtlp(): Promise<void> {
  if (process.env['BENCH_VERIFY'] === '1') {
    const traces = workloads(2).map((w) => w.traces);
    // A few spans of each workload: two agent turns, and the fixture traces that carry span events.
    const batches = [traces[1]!.flat(), ...traces[0]!.filter((spans) => spans.some((span) => span.events.length > 0))];
    const v = await verifyAzure(await loadAzureInternals(), batches);
    console.log(`\nazure envelopes: identical (${v.batches} exports, ${v.envelopes} envelopes, ${v.bytes.toLocaleString('en-US')} bytes, a real AzureMonitorTraceExporter against @nexus-otel/appinsights-local; differing only in: ${v.differing.join('; ') || 'nothing'})`);
  }
  console.log('\n## 1. Mapping + request serialization vs OTLP JSON serialization (goal ≤ 1.5×)\n');
  console.log('Same spans, same process, four candidates in alternating rounds; median µs a span of the workload (every span given, sent or not) and median of the per-round ratios to OTLP JSON.\n');
  console.log('| spans | OTLP JSON (otlp-transformer 0.223) | Langfuse: LangfuseSpanProcessor + OTLP JSON (@langfuse/otel 5.11.1) | Azure Monitor: envelopes + JSON (exporter 1.0.0-beta.45) | NexusSpanExporter: map + serialise | floor: parse content + serialise, vs OTLP |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const results = await otlpRatio({ rounds: num('BENCH_ROUNDS', 11) });
  const cell = (r: (typeof results)[number], c: Candidate): string => `${fixed(r.micros[c])} µs, ${fixed(r.ratio[c], 2)}×`;
  for (const r of results) {
    console.log(`| ${r.workload}, ${r.spans} spans | ${cell(r, 'otlp')} | ${cell(r, 'langfuse')} | ${cell(r, 'azure')} | ${cell(r, 'nexus')} | ${fixed(r.floorRatio, 2)}× |`);
  }
  console.log('\n| spans | what is sent: spans / request bodies / bytes | OTLP JSON | Langfuse | Azure Monitor | NexusSpanExporter |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of results) {
    const sent = (c: Candidate): string => `${r.sent[c]} / ${r.requests[c]} / ${r.bytes[c].toLocaleString('en-US')}`;
    console.log(`| ${r.workload.split(' (')[0]}, ${r.spans} spans | | ${sent('otlp')} | ${sent('langfuse')} | ${sent('azure')} | ${sent('nexus')} |`);
  }
  const worst = Math.max(...results.map((r) => r.ratio.nexus));
  console.log(`\n${verdict(worst <= 1.5)}: worst ratio ${fixed(worst, 2)}×; mapping throughput ${results.map((r) => `${Math.round(1e6 / r.nexusMicros).toLocaleString('en-US')} spans/s`).join(', ')} on one core.`);
}

async function benchOverhead(): Promise<void> {
  // Realistic GenAI rates first (an agent turn is a few spans a second per user), then a load test.
  const rates = (process.env['BENCH_RATE'] ?? '50,500,5000').split(',').map((r) => Number(r.trim())).filter((r) => Number.isFinite(r) && r > 0);
  for (const rate of rates) await benchOverheadAt(rate);
}

async function benchOverheadAt(rate: number): Promise<void> {
  const result = await overhead({ rate, seconds: num('BENCH_OVERHEAD_SECONDS', 8), runs: num('BENCH_OVERHEAD_RUNS', 3) });
  const goal = rate <= 50 ? 1 : rate <= 500 ? 8 : undefined;
  console.log(`\n## 2. App-side CPU at ${rate.toLocaleString('en-US')} spans/s (${goal !== undefined ? `goal: the exporter adds ≤ ${goal}% of one core` : 'goal ≤ 5% over a no-op exporter'})\n`);
  console.log(`The app (its own process; real SDK, BatchSpanProcessor; GenAI agent turns with content) for ${result.seconds} s after a warm-up, ${result.runs} alternating runs, medians; the local server in the benchmark's process.\n`);
  console.log('| exporter | app CPU, ms a second | of which kernel | added over no-op, ms a second (% of one core) | vs no-op | extra CPU a span | requests/s to the server | spans dropped (all runs) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  const names = {
    noop: 'no-op',
    nexus: 'NexusSpanExporter, unbounded local server (delivers everything)',
    'nexus-capacity': 'NexusSpanExporter, server at Nexus capacity (15 ms a request, one at a time)',
    otlp: 'OTLP/HTTP JSON exporter (reference)',
  } as const;
  const added = (kind: keyof typeof names): number => (result.cpuMillisPerSecond[kind] ?? 0) - (result.cpuMillisPerSecond.noop ?? 0);
  for (const kind of ['noop', 'nexus', 'nexus-capacity', 'otlp'] as const) {
    const ratio = result.ratio[kind];
    const dropped = Object.entries(result.dropped[kind] ?? {}).map(([reason, count]) => `${reason} ${count.toLocaleString('en-US')}`).join(', ') || 'none';
    console.log(
      `| ${names[kind]} | ${fixed(result.cpuMillisPerSecond[kind])} | ${fixed(result.systemShare[kind] * 100, 0)}% | ${kind === 'noop' ? '—' : `${fixed(added(kind))} (${fixed(added(kind) / 10, 2)}%)`} | ${kind === 'noop' ? '—' : `+${fixed((ratio - 1) * 100, 0)}%`} | ${kind === 'noop' ? '—' : `${fixed(result.extraMicrosPerSpan[kind])} µs`} | ${kind === 'noop' ? '—' : fixed(result.requestsPerSecond[kind], 0)} | ${kind === 'noop' ? '—' : dropped} |`,
    );
  }
  if (goal !== undefined) {
    const share = added('nexus') / 10;
    console.log(`\n${verdict(share <= goal)}: the exporter adds ${fixed(added('nexus'))} ms of CPU a second, ${fixed(share, 2)}% of one core (goal ≤ ${goal}%), delivering everything.`);
  } else {
    console.log(`\n${verdict(result.ratio.nexus <= 1.05)} delivering everything: +${fixed((result.ratio.nexus - 1) * 100, 0)}%; at Nexus's capacity: +${fixed((result.ratio['nexus-capacity'] - 1) * 100, 0)}%.`);
  }
}

async function benchRequests(): Promise<void> {
  const rates = (process.env['BENCH_REQUEST_RATE'] ?? '50,500').split(',').map((r) => Number(r.trim())).filter((r) => Number.isFinite(r) && r > 0);
  const runs = num('BENCH_OVERHEAD_RUNS', 3);
  const seconds = num('BENCH_OVERHEAD_SECONDS', 8);
  console.log('\n## 2b. CPU a Nexus request costs the app, by HTTP client (goal: the exporter ≤ 150 µs)\n');
  console.log(`Each client in its own process posts span-sized bodies (~1 KB) at a fixed rate to the local server (this process, uncounted) for ${seconds} s after a 2 s warm-up; ${runs} alternating runs, medians. A request's cost is the client's CPU over an idle client with the same pacing timer, over its requests.\n`);
  console.log('| requests/s | idle client, ms a second | NexusSpanExporter transport | node:http + keep-alive Agent (the transport before) | floor: one socket, one write, find the answer end | failed requests |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  let worst = 0;
  for (const rate of rates) {
    const r = await requestCost({ rate, runs, seconds });
    worst = Math.max(worst, r.microsPerRequest.nexus);
    const cell = (kind: 'nexus' | 'node-http' | 'floor'): string => `${fixed(r.microsPerRequest[kind], 0)} µs (${fixed(r.cpuMillisPerSecond[kind])} ms/s)`;
    console.log(`| ${rate} | ${fixed(r.cpuMillisPerSecond.idle)} | ${cell('nexus')} | ${cell('node-http')} | ${cell('floor')} | ${r.failures} |`);
  }
  console.log(`\n${verdict(worst <= 150)}: the exporter's transport costs at most ${fixed(worst, 0)} µs of CPU a request.`);
}

async function benchFold(): Promise<void> {
  console.log('\n## 3b. Requests per trace with `foldSpans` (NEXUS_FOLD_SPANS)\n');
  console.log(await foldRequests());
}

async function benchTrace(): Promise<void> {
  const runs = num('BENCH_RUNS', 5);
  const results = await perTrace({ runs, perRequestMillis: num('BENCH_REQUEST_MS', 15) });
  console.log(`\n## 3. Per trace: one 20-span, depth-4 trace, median of ${runs} alternating runs\n`);
  const names: Record<Client, string> = { exporter: 'NexusSpanExporter', naive: 'naive, span after span', otlp: 'native OTLP route, one request' };
  for (const result of results) {
    console.log(`### Server: ${result.model}\n`);
    console.log('| client | requests | round trips | root end → all in Nexus |');
    console.log('|---|---:|---:|---:|');
    for (const client of ['exporter', 'naive', 'otlp'] as const) {
      const s = result.byClient[client];
      console.log(`| ${names[client]} | ${s.requests} | ${s.roundTrips} | ${fixed(s.wallMillis, 0)} ms |`);
    }
    const ours = result.byClient.exporter;
    console.log(`\nnaive / exporter: ${fixed(result.byClient.naive.wallMillis / ours.wallMillis, 2)}× the time, ${fixed(result.byClient.naive.roundTrips / ours.roundTrips, 2)}× the round trips; OTLP route / exporter: ${fixed(result.byClient.otlp.wallMillis / ours.wallMillis, 2)}× the time.\n`);
  }
  console.log('### What reaches Nexus of one agent turn (6 spans, content on)\n');
  console.log('| route | trace split over 2 batches → Nexus traces | spans nested when split | tokens in trace metadata | chat output as messages | tool calls counted |');
  console.log('|---|---:|---:|---|---|---|');
  for (const f of await fidelity()) {
    const yes = (b: boolean): string => (b ? 'yes' : 'no');
    console.log(`| ${f.client === 'exporter' ? 'NexusSpanExporter' : 'native OTLP route'} | ${f.tracesWhenSplit} | ${f.nestedWhenSplit} | ${yes(f.tokensInMetadata)} | ${yes(f.messagesStructured)} | ${yes(f.toolCallsCounted)} |`);
  }
}

async function benchOutage(): Promise<void> {
  const outageSeconds = num('BENCH_OUTAGE_SECONDS', 60);
  const rate = num('BENCH_OUTAGE_RATE', 1_000);
  console.log(`\n## 4. ${outageSeconds} s outage at ${rate.toLocaleString('en-US')} spans/s: heap bounded by the caps, time to drain\n`);
  const loadAfterRecovery = process.env['BENCH_OUTAGE_LOAD_AFTER'] === '1';
  const r = await outage({ rate, outageSeconds, loadAfterRecovery });
  const mib = (value: number | null): string => (value === null ? '—' : `${fixed(value)} MiB`);
  console.log('| figure | value |');
  console.log('|---|---:|');
  console.log(`| caps (exporter defaults) | maxHeldSpans ${r.maxHeldSpans.toLocaleString('en-US')}, maxHeldBytes ${fixed(r.maxHeldBytes / 1024 / 1024, 0)} MiB |`);
  console.log(`| held at most | ${r.heldSpansMax.toLocaleString('en-US')} spans, ${mib(r.heldBytesMaxMiB)} (estimate) |`);
  console.log(`| cap reached | ${r.capReachedAfterSeconds === null ? 'never' : `${fixed(r.capReachedAfterSeconds)} s into the outage`} |`);
  console.log(`| live heap (after GC): before / highest during / after the drain | ${mib(r.liveHeapBeforeMiB)} / ${mib(r.liveHeapMaxDuringMiB)} / ${mib(r.liveHeapAfterMiB)} |`);
  console.log(`| heapUsed at most (garbage included) | ${mib(r.heapUsedMaxMiB)} |`);
  console.log(`| held at recovery | ${r.heldAtRecovery.toLocaleString('en-US')} spans |`);
  console.log(
    `| drain: Nexus back → backlog delivered (${r.loadAfterRecovery ? `the app still emitting ${rate.toLocaleString('en-US')} spans/s` : 'the app stops emitting at recovery'}) | ${r.drainSeconds === null ? 'not within the limit' : `${fixed(r.drainSeconds)} s`} |`,
  );
  const dropped = Object.entries(r.dropped).map(([reason, count]) => `${reason} ${count.toLocaleString('en-US')}`).join(', ') || 'none';
  console.log(`| spans emitted / delivered / dropped | ${r.emitted.toLocaleString('en-US')} / ${r.delivered.toLocaleString('en-US')} / ${dropped} |`);
}

async function main(): Promise<void> {
  const benches = selected();
  console.log(`# nexus-otel benchmarks\n\nNode ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; benchmarks: ${benches.join(', ')}.`);
  const run: Record<Bench, () => Promise<void>> = { otlp: benchOtlp, overhead: benchOverhead, requests: benchRequests, trace: benchTrace, fold: benchFold, outage: benchOutage };
  for (const bench of benches) await run[bench]();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
