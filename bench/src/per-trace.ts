// Benchmark 3: per trace, requests, round trips and time from the root's end until the trace is in
// Nexus, for NexusSpanExporter, a naive client posting span after span, and Nexus's native OTLP
// route (`POST /v1/traces`, one request a batch); then what the OTLP route loses.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { generateKey, startNexusLocal, type NexusLocal, type NexusLocalOptions } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { naiveUpload } from './naive-client.js';
import { median, roundTrips } from './round-trips.js';
import { twentySpanTrace } from './workload.js';
import { AgentTraces } from './spans.js';

export type Client = 'exporter' | 'naive' | 'otlp';

export interface Sample {
  requests: number;
  roundTrips: number;
  wallMillis: number;
}

export interface ModelResult {
  model: string;
  byClient: Record<Client, Sample>;
}

const CLIENTS: Client[] = ['exporter', 'naive', 'otlp'];

/**
 * Two models of the server: round-trip bound (each request waits, requests overlap: a remote
 * Nexus, where latency dominates) and capacity bound (each request occupies the server, one at a
 * time: the hosted Nexus answers ~70 requests/s whatever the client's concurrency).
 */
export function models(perRequestMillis: number): Array<{ name: string; options: NexusLocalOptions }> {
  return [
    { name: `${perRequestMillis} ms latency a request, requests overlap (a remote Nexus)`, options: { latencyMs: perRequestMillis } },
    { name: `${perRequestMillis} ms of server time a request, one at a time (Nexus's capacity, ~70 requests/s)`, options: { serviceTimeMs: perRequestMillis } },
  ];
}

async function withServer<T>(options: NexusLocalOptions, run: (server: NexusLocal, key: string) => Promise<T>): Promise<T> {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } }, ...options });
  try {
    return await run(server, key);
  } finally {
    await server.close();
  }
}

/** `all`: the 20-span trace is plain spans, which the default GenAI filter would leave out. */
async function viaExporter(url: string, key: string, spans: ReadableSpan[], batches: ReadableSpan[][] = [spans], spanFilter: 'all' | 'genai' = 'all'): Promise<void> {
  const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: url, spanFilter, retryBaseMillis: 5 });
  for (const batch of batches) await new Promise<void>((resolve) => exporter.export(batch, () => resolve()));
  await exporter.forceFlush();
  await exporter.shutdown();
}

async function viaOtlp(url: string, key: string, batches: ReadableSpan[][]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces`, headers: { authorization: `Bearer ${key}` } });
  for (const batch of batches) {
    await new Promise<void>((resolve, reject) =>
      exporter.export(batch, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error('OTLP export failed')))),
    );
  }
  await exporter.shutdown();
}

async function measure(client: Client, options: NexusLocalOptions): Promise<Sample> {
  return withServer(options, async (server, key) => {
    const spans = twentySpanTrace();
    const started = performance.now();
    if (client === 'exporter') await viaExporter(server.url, key, spans);
    else if (client === 'naive') await naiveUpload(server.url, key, spans);
    else await viaOtlp(server.url, key, [spans]);
    const wallMillis = performance.now() - started;
    const stored = server.traces();
    if (stored.length !== 1 || stored[0]?.spans.length !== 20) throw new Error(`${client}: expected 1 trace of 20 spans, got ${stored.map((t) => t.spans.length).join(', ')}`);
    return { requests: server.requests.length, roundTrips: roundTrips(server.requests), wallMillis };
  });
}

/** One 20-span, depth-4 trace per client and server model; `runs` alternating runs, medians. */
export async function perTrace(options: { runs?: number; perRequestMillis?: number } = {}): Promise<ModelResult[]> {
  const runs = options.runs ?? 5;
  const results: ModelResult[] = [];
  // Warm-up: modules loaded and code compiled before anything is timed.
  for (const client of CLIENTS) await measure(client, {});
  for (const model of models(options.perRequestMillis ?? 15)) {
    const samples: Record<Client, Sample[]> = { exporter: [], naive: [], otlp: [] };
    for (let run = 0; run < runs; run += 1) {
      // Alternate so that drift on the machine hits every client alike.
      for (const client of run % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) samples[client].push(await measure(client, model.options));
    }
    const byClient = Object.fromEntries(
      CLIENTS.map((client) => [
        client,
        {
          requests: median(samples[client].map((s) => s.requests)),
          roundTrips: median(samples[client].map((s) => s.roundTrips)),
          wallMillis: median(samples[client].map((s) => s.wallMillis)),
        },
      ]),
    ) as Record<Client, Sample>;
    results.push({ model: model.name, byClient });
  }
  return results;
}

export interface Fidelity {
  client: 'exporter' | 'otlp';
  /** Nexus traces made of one OTel trace whose spans came in two batches (root in the second). */
  tracesWhenSplit: number;
  /** Spans nested under a parent in Nexus, of those that have one in OTel, when split. */
  nestedWhenSplit: string;
  tokensInMetadata: boolean;
  messagesStructured: boolean;
  toolCallsCounted: boolean;
}

/** What reaches Nexus of one agent turn (6 spans, content on), by each route. */
export async function fidelity(): Promise<Fidelity[]> {
  const spans = new AgentTraces().trace(7);
  const root = spans.find((span) => !span.parentSpanContext);
  const children = spans.filter((span) => span !== root);
  const split = [children, spans.filter((span) => span === root)];
  const out: Fidelity[] = [];
  for (const client of ['exporter', 'otlp'] as const) {
    const whole = await withServer({}, async (server, key) => {
      if (client === 'exporter') await viaExporter(server.url, key, spans, [spans], 'genai');
      else await viaOtlp(server.url, key, [spans]);
      return server.traces();
    });
    const parted = await withServer({}, async (server, key) => {
      if (client === 'exporter') await viaExporter(server.url, key, spans, split, 'genai');
      else await viaOtlp(server.url, key, split);
      return server.traces();
    });
    const trace = whole[0];
    const metadata = (trace?.metadata ?? {}) as Record<string, unknown>;
    const chat = trace?.spans.find((span) => span.name.startsWith('chat'));
    const output = chat?.output as { messages?: unknown } | null | undefined;
    const withParent = parted.flatMap((t) => t.spans).filter((span) => span.parentSpanId !== null).length;
    // In OTel, every span but the root has a parent; the exporter folds the 2 HTTP spans into a count.
    const expectedWithParent = client === 'exporter' ? 3 : spans.length - 1;
    out.push({
      client,
      tracesWhenSplit: parted.length,
      nestedWhenSplit: `${withParent} of ${expectedWithParent}`,
      tokensInMetadata: typeof metadata['input_tokens'] === 'number' || typeof metadata['input_tokens'] === 'string',
      messagesStructured: Array.isArray(output?.messages),
      toolCallsCounted: metadata['tool_calls'] !== undefined,
    });
  }
  return out;
}
