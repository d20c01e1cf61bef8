import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenAiMapper, type ReadableSpanLike } from '@nexus-otel/exporter';

/** The span fixtures the exporter's tests use (real captures and spec examples). */
const FIXTURES = fileURLToPath(new URL('../../packages/exporter/test/fixtures/', import.meta.url));

interface FixtureSpan {
  name: string;
  kind?: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string | null;
  startTime: string;
  endTime: string;
  status?: { code?: string; message?: string };
  attributes?: Record<string, unknown>;
  events?: Array<{ name: string; time: string; attributes?: Record<string, unknown> }>;
}

const hr = (iso: string): [number, number] => {
  const ms = Date.parse(iso);
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
};

function load(): ReadableSpanLike[][] {
  const traces: ReadableSpanLike[][] = [];
  for (const dir of ['azure', 'semconv']) {
    for (const file of readdirSync(`${FIXTURES}${dir}`).filter((f) => f.endsWith('.json'))) {
      const raw = JSON.parse(readFileSync(`${FIXTURES}${dir}/${file}`, 'utf8')) as Record<string, unknown>;
      const list = (Array.isArray(raw['spans']) ? raw['spans'] : raw['span'] ? [raw['span']] : raw['traceId'] && raw['name'] ? [raw] : []) as FixtureSpan[];
      if (list.length === 0) continue;
      traces.push(
        list.map((s) => ({
          name: s.name,
          kind: 0,
          spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
          parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1, isRemote: false } : undefined,
          startTime: hr(s.startTime),
          endTime: hr(s.endTime),
          status: { code: s.status?.code === 'ERROR' ? 2 : s.status?.code === 'OK' ? 1 : 0, ...(s.status?.message ? { message: s.status.message } : {}) },
          attributes: s.attributes ?? {},
          events: (s.events ?? []).map((e) => ({ name: e.name, time: hr(e.time), attributes: e.attributes ?? {} })),
          resource: { attributes: { 'service.name': 'bench' } },
        })),
      );
    }
  }
  return traces;
}

/** Spans mapped per second (read, filter, render, roll up, scrub, serialise), over every fixture. */
export function mappingSpeed(seconds = 2): { spansPerSecond: number; spans: number; traces: number } {
  const traces = load();
  const mapper = createGenAiMapper({ prices: { 'gpt-4o': { input: 2.5, output: 10 } } });
  const perRound = traces.reduce((n, t) => n + t.length, 0);
  let spans = 0;
  // Warm up the JIT before measuring.
  for (let i = 0; i < 50; i += 1) for (const t of traces) JSON.stringify(mapper.mapTrace(t, { maxFieldBytes: 32768 }));
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (const t of traces) JSON.stringify(mapper.mapTrace(t, { maxFieldBytes: 32768 }));
    spans += perRound;
  }
  return { spansPerSecond: spans / ((performance.now() - started) / 1000), spans: perRound, traces: traces.length };
}
