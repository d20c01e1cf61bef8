// pnpm bench: every figure is measured side by side in this one run, against the same local server.
import { generateKey, startNexusLocal, type NexusLocalOptions } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { naiveUpload } from './naive-client.js';
import { median, roundTrips } from './round-trips.js';
import { twentySpanTrace } from './workload.js';
import { mappingSpeed } from './mapping-speed.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
/** The hosted Nexus takes about 15 ms a request on loopback, one request at a time (~70 requests/s). */
const PER_REQUEST_MS = Number(process.env['BENCH_REQUEST_MS'] ?? 15);

/**
 * Two models of the server, both run: round-trip bound (each request waits 15 ms, requests overlap:
 * a remote Nexus, where network latency dominates) and capacity bound (15 ms of server time each,
 * one at a time: Nexus on loopback, as measured).
 */
const MODELS: Array<{ name: string; options: NexusLocalOptions }> = [
  { name: `${PER_REQUEST_MS} ms latency a request, requests overlap`, options: { latencyMs: PER_REQUEST_MS } },
  { name: `${PER_REQUEST_MS} ms of server time a request, one at a time`, options: { serviceTimeMs: PER_REQUEST_MS } },
];

interface Sample {
  requests: number;
  roundTrips: number;
  wallMillis: number;
}

async function measure(options: NexusLocalOptions, run: (url: string, key: string) => Promise<void>): Promise<Sample> {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: {} }, ...options });
  try {
    const started = performance.now();
    await run(server.url, key);
    const wallMillis = performance.now() - started;
    const [trace] = server.traces();
    if (!trace || trace.spans.length !== 20) throw new Error(`expected 1 trace of 20 spans, got ${trace?.spans.length}`);
    return { requests: server.requests.length, roundTrips: roundTrips(server.requests), wallMillis };
  } finally {
    await server.close();
  }
}

async function viaExporter(url: string, key: string): Promise<void> {
  const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: url, spanFilter: 'all' });
  await new Promise<void>((resolve) => exporter.export(twentySpanTrace(), () => resolve()));
  await exporter.forceFlush();
  await exporter.shutdown();
}

async function main(): Promise<void> {
  console.log(`\nOne 20-span, depth-4 trace, per client: median of ${RUNS} runs, measured side by side against the same local server.`);
  for (const model of MODELS) {
    const exporterSamples: Sample[] = [];
    const naiveSamples: Sample[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      // Alternate so drift on the machine hits both alike.
      exporterSamples.push(await measure(model.options, viaExporter));
      naiveSamples.push(await measure(model.options, (url, key) => naiveUpload(url, key, twentySpanTrace())));
    }
    const ours = summarize(exporterSamples);
    const naive = summarize(naiveSamples);
    console.log(`\n### Server: ${model.name}\n`);
    console.log('| client | requests | round trips | wall time, root end → all in Nexus |');
    console.log('|---|---:|---:|---:|');
    console.log(`| NexusSpanExporter | ${ours.requests} | ${ours.roundTrips} | ${ours.wallMillis.toFixed(0)} ms |`);
    console.log(`| naive, span after span | ${naive.requests} | ${naive.roundTrips} | ${naive.wallMillis.toFixed(0)} ms |`);
    console.log(`\nwall time naive / exporter: ${(naive.wallMillis / ours.wallMillis).toFixed(2)}x; round trips naive / exporter: ${(naive.roundTrips / ours.roundTrips).toFixed(2)}x`);
  }
  const speed = mappingSpeed();
  console.log(`\n### GenAI mapping speed\n`);
  console.log(`${speed.traces} fixture traces (${speed.spans} spans: Azure captures, semconv, OpenLLMetry, OpenInference, AI SDK) mapped and serialised: ${Math.round(speed.spansPerSecond).toLocaleString('en-US')} spans/s on one core`);
}

function summarize(samples: Sample[]): Sample {
  return {
    requests: median(samples.map((s) => s.requests)),
    roundTrips: median(samples.map((s) => s.roundTrips)),
    wallMillis: median(samples.map((s) => s.wallMillis)),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
