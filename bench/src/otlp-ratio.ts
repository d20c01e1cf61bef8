// Benchmark 1: the exporter's CPU work per span (GenAI mapping + serialising the Nexus request
// bodies) against what an OTLP/HTTP JSON exporter does with the same spans (@opentelemetry/otlp-transformer).
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createGenAiMapper, type MappedTrace, type TraceMapper } from '@nexus-otel/exporter';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AgentTraces, fixtureTraces } from './spans.js';
import { median } from './round-trips.js';
import { azureSerialize, langfusePath, loadAzureInternals } from './peers.js';

/** The exporter's defaults (config/resolve.ts): GenAI filter, content on, secrets scrubbed, 32 KiB fields. */
const MAX_FIELD_BYTES = 32 * 1024;
const NEXUS_ID = '3f0e9a52-6c1d-4b8e-9d2a-7b1c0e5f4a19';

export interface Workload {
  name: string;
  traces: ReadableSpan[][];
  spans: number;
}

export function workloads(agentTraces = 100): Workload[] {
  const fixtures = fixtureTraces();
  const generator = new AgentTraces();
  const agent = Array.from({ length: agentTraces }, (_, i) => generator.trace(1000 + i));
  const count = (traces: ReadableSpan[][]): number => traces.reduce((n, t) => n + t.length, 0);
  return [
    { name: `test fixtures (${fixtures.length} traces: Azure captures, semconv, OpenLLMetry, OpenInference, AI SDK)`, traces: fixtures, spans: count(fixtures) },
    { name: `generated agent turns (${agent.length} × invoke_agent → chat + HTTP → execute_tool → chat + HTTP, content on)`, traces: agent, spans: count(agent) },
  ];
}

/** The request bodies upload/trace-job.ts builds for a mapped trace: the trace, then each span. */
function requestBodies(mapped: MappedTrace): object[] {
  const { header } = mapped;
  const bodies: object[] = [
    {
      agent_id: header.serviceName ?? 'unknown_service',
      name: header.name,
      status: header.status,
      started_at: header.startedAt,
      ...(header.endedAt ? { ended_at: header.endedAt } : {}),
      metadata: header.metadata,
    },
  ];
  for (const span of mapped.spans) {
    bodies.push({
      name: span.name,
      status: span.status,
      started_at: span.startedAt,
      ...(span.endedAt ? { ended_at: span.endedAt } : {}),
      parent_span_id: span.parentLocalId === null ? null : NEXUS_ID,
      input: span.input,
      output: span.output,
      error: span.error,
    });
  }
  return bodies;
}

/** Serialised as nexus/http.ts does: JSON text, then UTF-8 bytes. */
function serializeBodies(bodies: readonly object[]): number {
  let bytes = 0;
  for (const body of bodies) bytes += Buffer.from(JSON.stringify(body), 'utf8').length;
  return bytes;
}

/**
 * What the exporter does with a trace's spans: map them, then build and serialise every request
 * body exactly as upload/trace-job.ts and nexus/http.ts do (JSON text, then UTF-8 bytes).
 */
export function nexusSerialize(mapper: TraceMapper, spans: readonly ReadableSpan[]): number {
  return serializeBodies(requestBodies(mapper.mapTrace(spans, { maxFieldBytes: MAX_FIELD_BYTES })));
}

/**
 * The part of the exporter's work no mapper can skip: parse each JSON content attribute once (the
 * messages arrive as JSON text) and serialise the request bodies (given, already mapped). No
 * reading, rendering, secret scrubbing or privacy: a floor, not an exporter.
 */
export function floorSerialize(spans: readonly ReadableSpan[], bodies: readonly object[]): number {
  for (const span of spans) {
    const attributes = span.attributes;
    for (const key in attributes) {
      const value = attributes[key];
      if (typeof value === 'string' && (value.startsWith('[') || value.startsWith('{'))) {
        try {
          JSON.parse(value);
        } catch {
          // Not JSON after all: the exporter keeps it as text.
        }
      }
    }
  }
  return serializeBodies(bodies);
}

/** What an OTLP/HTTP JSON exporter does with a batch: one request body, as bytes. */
export function otlpSerialize(spans: readonly ReadableSpan[]): number {
  return JsonTraceSerializer.serializeRequest(spans as ReadableSpan[])?.length ?? 0;
}

/** Runs `run` for at least `millis` ms; µs a span, for a run over `spans` spans (1: µs a call). */
export function microsPerSpan(run: () => void, spans: number, millis: number): number {
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    run();
    calls += 1;
    elapsed = performance.now() - started;
  } while (elapsed < millis);
  return (elapsed * 1000) / (calls * spans);
}

/** Async twin of `microsPerSpan`, for a path that awaits (Langfuse's processor). */
export async function microsPerSpanAsync(run: () => Promise<void>, spans: number, millis: number): Promise<number> {
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    await run();
    calls += 1;
    elapsed = performance.now() - started;
  } while (elapsed < millis);
  return (elapsed * 1000) / (calls * spans);
}

/** The four candidates of benchmark 1, OTLP JSON first (the baseline). */
export const CANDIDATES = ['otlp', 'langfuse', 'azure', 'nexus'] as const;
export type Candidate = (typeof CANDIDATES)[number];

export interface RatioResult {
  workload: string;
  spans: number;
  /** Median µs a span of the workload (every span given, whether or not the candidate sends it). */
  micros: Record<Candidate, number>;
  /** Median of the per-round ratios to OTLP JSON (1 for OTLP itself). */
  ratio: Record<Candidate, number>;
  /** Parse the content + serialise the bodies, against OTLP: what any mapper pays at least. */
  floorRatio: number;
  /** Request body bytes for the whole workload. */
  bytes: Record<Candidate, number>;
  /** Spans each candidate sends (Langfuse and Nexus filter by default). */
  sent: Record<Candidate, number>;
  /** Request bodies each candidate serialises for the workload (Nexus: the trace's, then one a span). */
  requests: Record<Candidate, number>;
  // Kept for the existing callers: the Nexus and OTLP figures.
  nexusMicros: number;
  otlpMicros: number;
  nexusBytes: number;
  otlpBytes: number;
}

/**
 * Side by side, alternating: `rounds` rounds, each timing the four candidates for `millis` ms each
 * on the same spans, in an order that rotates every round (and is reversed every other round);
 * medians of each and of the per-round ratios to OTLP JSON.
 */
export async function otlpRatio(options: { rounds?: number; millis?: number; agentTraces?: number } = {}): Promise<RatioResult[]> {
  const rounds = options.rounds ?? 11;
  const millis = options.millis ?? 200;
  const mapper = createGenAiMapper();
  const azure = await loadAzureInternals();
  const langfuse = langfusePath();
  const results: RatioResult[] = [];
  try {
    for (const workload of workloads(options.agentTraces)) {
      const batch = workload.traces.flat();
      const timers: Record<Candidate, () => Promise<number>> = {
        otlp: async () =>
          microsPerSpan(
            () => {
              otlpSerialize(batch);
            },
            workload.spans,
            millis,
          ),
        langfuse: () => microsPerSpanAsync(() => langfuse.run(batch), workload.spans, millis),
        azure: async () =>
          microsPerSpan(
            () => {
              azureSerialize(azure, batch);
            },
            workload.spans,
            millis,
          ),
        nexus: async () =>
          microsPerSpan(
            () => {
              for (const spans of workload.traces) nexusSerialize(mapper, spans);
            },
            workload.spans,
            millis,
          ),
      };
      const bodies = workload.traces.map((spans) => requestBodies(mapper.mapTrace(spans, { maxFieldBytes: MAX_FIELD_BYTES })));
      const floor = (): void => {
        workload.traces.forEach((spans, i) => floorSerialize(spans, bodies[i] ?? []));
      };
      // Warm-up: every path optimised by the JIT before anything is timed.
      const warmMillis = millis;
      for (let i = 0; i < Math.ceil(1_000 / warmMillis); i += 1) {
        for (const candidate of CANDIDATES) await timers[candidate]();
      }
      microsPerSpan(floor, workload.spans, 1_000);
      const times = Object.fromEntries(CANDIDATES.map((c) => [c, [] as number[]])) as Record<Candidate, number[]>;
      const ratios = Object.fromEntries(CANDIDATES.map((c) => [c, [] as number[]])) as Record<Candidate, number[]>;
      const floorRatios: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const shift = round % CANDIDATES.length;
        const order = [...CANDIDATES.slice(shift), ...CANDIDATES.slice(0, shift)];
        if (Math.floor(round / CANDIDATES.length) % 2 === 1) order.reverse();
        const inRound = {} as Record<Candidate, number>;
        for (const candidate of order) inRound[candidate] = await timers[candidate]();
        for (const candidate of CANDIDATES) {
          times[candidate].push(inRound[candidate]);
          ratios[candidate].push(inRound[candidate] / inRound.otlp);
        }
        floorRatios.push(microsPerSpan(floor, workload.spans, millis) / inRound.otlp);
      }
      const nexusBytes = workload.traces.reduce((n, spans) => n + nexusSerialize(mapper, spans), 0);
      const otlpBytes = otlpSerialize(batch);
      langfuse.reset();
      await langfuse.run(batch);
      const langfuseSent = langfuse.sent();
      const mappedSpans = workload.traces.reduce((n, spans) => n + mapper.mapTrace(spans, { maxFieldBytes: MAX_FIELD_BYTES }).spans.length, 0);
      const median4 = (values: Record<Candidate, number[]>): Record<Candidate, number> =>
        Object.fromEntries(CANDIDATES.map((c) => [c, median(values[c])])) as Record<Candidate, number>;
      const micros = median4(times);
      results.push({
        workload: workload.name,
        spans: workload.spans,
        micros,
        ratio: median4(ratios),
        floorRatio: median(floorRatios),
        bytes: { otlp: otlpBytes, langfuse: langfuseSent.bytes, azure: azureSerialize(azure, batch), nexus: nexusBytes },
        sent: { otlp: workload.spans, langfuse: langfuseSent.spans, azure: workload.spans, nexus: mappedSpans },
        requests: {
          otlp: 1,
          langfuse: langfuseSent.requests,
          azure: 1,
          nexus: workload.traces.length + mappedSpans,
        },
        nexusMicros: micros.nexus,
        otlpMicros: micros.otlp,
        nexusBytes,
        otlpBytes,
      });
    }
  } finally {
    await langfuse.shutdown();
  }
  return results;
}
