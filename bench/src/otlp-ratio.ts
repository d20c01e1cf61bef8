// Benchmark 1: the exporter's CPU work per span (GenAI mapping + serialising the Nexus request
// bodies) against what an OTLP/HTTP JSON exporter does with the same spans (@opentelemetry/otlp-transformer).
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createGenAiMapper, type MappedTrace, type TraceMapper } from '@nexus-otel/exporter';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AgentTraces, fixtureTraces } from './spans.js';
import { median } from './round-trips.js';

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

export interface RatioResult {
  workload: string;
  spans: number;
  nexusMicros: number;
  otlpMicros: number;
  ratio: number;
  /** Parse the content + serialise the bodies, against OTLP: what any mapper pays at least. */
  floorRatio: number;
  nexusBytes: number;
  otlpBytes: number;
}

/**
 * Side by side, alternating: `rounds` rounds, each timing the exporter's path and the OTLP path for
 * `millis` ms on the same spans (order swapped every round); medians of each and of the per-round ratio.
 */
export function otlpRatio(options: { rounds?: number; millis?: number; agentTraces?: number } = {}): RatioResult[] {
  const rounds = options.rounds ?? 11;
  const millis = options.millis ?? 200;
  const mapper = createGenAiMapper();
  const results: RatioResult[] = [];
  for (const workload of workloads(options.agentTraces)) {
    const batch = workload.traces.flat();
    const nexus = (): void => {
      for (const spans of workload.traces) nexusSerialize(mapper, spans);
    };
    const otlp = (): void => {
      otlpSerialize(batch);
    };
    const bodies = workload.traces.map((spans) => requestBodies(mapper.mapTrace(spans, { maxFieldBytes: MAX_FIELD_BYTES })));
    const floor = (): void => {
      workload.traces.forEach((spans, i) => floorSerialize(spans, bodies[i] ?? []));
    };
    // Warm-up: both paths optimised by the JIT before anything is timed.
    microsPerSpan(nexus, workload.spans, 1_000);
    microsPerSpan(otlp, workload.spans, 1_000);
    microsPerSpan(floor, workload.spans, 1_000);
    const nexusTimes: number[] = [];
    const otlpTimes: number[] = [];
    const ratios: number[] = [];
    const floorRatios: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      let a: number;
      let b: number;
      if (round % 2 === 0) {
        a = microsPerSpan(nexus, workload.spans, millis);
        b = microsPerSpan(otlp, workload.spans, millis);
      } else {
        b = microsPerSpan(otlp, workload.spans, millis);
        a = microsPerSpan(nexus, workload.spans, millis);
      }
      nexusTimes.push(a);
      otlpTimes.push(b);
      ratios.push(a / b);
      floorRatios.push(microsPerSpan(floor, workload.spans, millis) / b);
    }
    const nexusBytes = workload.traces.reduce((n, spans) => n + nexusSerialize(mapper, spans), 0);
    results.push({
      workload: workload.name,
      spans: workload.spans,
      nexusMicros: median(nexusTimes),
      otlpMicros: median(otlpTimes),
      ratio: median(ratios),
      floorRatio: median(floorRatios),
      nexusBytes,
      otlpBytes: otlpSerialize(batch),
    });
  }
  return results;
}
