// Shared by the fault suite: an agent app emitting real SDK spans, a server-side audit of what
// landed (duplicates counted in the server), and small measuring helpers.
import { ROOT_CONTEXT, diag, DiagLogLevel, trace, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type BufferConfig, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { seededRandom, type NexusLocal, type StoredTrace } from '@nexus-otel/local';

/** One agent run the app emitted. */
export interface Run {
  traceId: string;
  service: string;
  spans: number;
  /** When its root ended (ms since the epoch). */
  endedAt: number;
}

export interface AgentAppOptions {
  exporter: SpanExporter;
  service?: string;
  /** The app's BatchSpanProcessor settings; default the SDK's (5 s delay, batches of 512). */
  batch?: BufferConfig;
  seed?: number;
}

/**
 * An app on the SDK's NodeTracerProvider + BatchSpanProcessor. Each run is an agent run of 5–10
 * spans (invoke_agent → chat / execute_tool, with tokens, models and short messages) with distinct
 * start times, so a span is identified by (trace, name, started_at) in the server.
 */
export class AgentApp {
  readonly provider: NodeTracerProvider;
  readonly runs: Run[] = [];
  private readonly tracer: Tracer;
  private readonly random: () => number;
  private readonly service: string;
  private counter = 0;

  constructor(options: AgentAppOptions) {
    this.service = options.service ?? 'support-bot';
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': this.service }),
      spanProcessors: [new BatchSpanProcessor(options.exporter, options.batch)],
    });
    this.tracer = this.provider.getTracer('fault-suite');
    this.random = seededRandom(options.seed ?? 7); // the server's generator: the same seed gives the same workload
  }

  get spans(): number {
    return this.runs.reduce((n, run) => n + run.spans, 0);
  }

  /** One whole run, ended at once; returns it. */
  run(children = 4 + Math.floor(this.random() * 6)): Run {
    const n = ++this.counter;
    const base = Date.now();
    const root = this.tracer.startSpan(
      `invoke_agent ${this.service}`,
      {
        startTime: base,
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': this.service,
          'gen_ai.provider.name': 'openai',
          'gen_ai.conversation.id': `conv_${n}`,
        },
      },
      ROOT_CONTEXT,
    );
    for (let i = 0; i < children; i += 1) this.child(root, n, i, base + 1 + i).end(base + 1 + i + 0.5);
    root.end(base + children + 2);
    const traceId = root.spanContext().traceId;
    const run: Run = { traceId, service: this.service, spans: children + 1, endedAt: Date.now() };
    this.runs.push(run);
    return run;
  }

  /** A run whose root stays open until `end()` is called; children are added with `add()`. */
  openRun(): { traceId: string; add(): void; end(): Run } {
    const n = ++this.counter;
    const root = this.tracer.startSpan(`invoke_agent ${this.service}`, {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': this.service, 'gen_ai.provider.name': 'openai' },
    }, ROOT_CONTEXT);
    let children = 0;
    return {
      traceId: root.spanContext().traceId,
      add: () => {
        const at = Date.now();
        this.child(root, n, children, at).end(at + 0.5);
        children += 1;
      },
      end: () => {
        root.end();
        const run: Run = { traceId: root.spanContext().traceId, service: this.service, spans: children + 1, endedAt: Date.now() };
        this.runs.push(run);
        return run;
      },
    };
  }

  /** Emits `perSecond` runs a second until `stop()`; never more than `maxRuns`. */
  steady(perSecond: number, maxRuns = 100_000): { stop(): void } {
    const every = 1000 / perSecond;
    const started = Date.now();
    let emitted = 0;
    const timer = setInterval(() => {
      const due = Math.min(maxRuns, Math.floor((Date.now() - started) / every));
      while (emitted < due) {
        this.run();
        emitted += 1;
      }
    }, Math.max(5, Math.floor(every / 2)));
    return { stop: () => clearInterval(timer) };
  }

  private child(root: Span, n: number, i: number, startTime: number): Span {
    const parent = trace.setSpan(ROOT_CONTEXT, root);
    if (i % 2 === 0) {
      return this.tracer.startSpan(
        'chat gpt-4o',
        {
          startTime,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.response.model': 'gpt-4o-2024-11-20',
            'gen_ai.response.id': `chatcmpl-${n}-${i}`,
            'gen_ai.usage.input_tokens': 120 + i,
            'gen_ai.usage.output_tokens': 40 + i,
            'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Where is order ${n}?` }] }]),
            'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `Order ${n} ships today.` }], finish_reason: 'stop' }]),
          },
        },
        parent,
      );
    }
    return this.tracer.startSpan(
      'execute_tool lookup_order',
      {
        startTime,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'lookup_order',
          'gen_ai.tool.call.id': `call_${n}_${i}`,
          'gen_ai.tool.call.arguments': JSON.stringify({ order: n }),
          'gen_ai.tool.call.result': JSON.stringify({ status: 'shipped' }),
        },
      },
      parent,
    );
  }
}

/** What landed in the server, grouped by OTel trace id (from the metadata) and checked against the runs. */
export interface Audit {
  /** Runs with exactly one Nexus trace holding all their spans once. */
  complete: number;
  /** Nexus traces beyond the first for a run. */
  duplicateTraces: number;
  /** Spans stored more than once: same trace, name and started_at. */
  duplicateSpans: number;
  /** Runs with no Nexus trace. */
  missing: Run[];
  /** Runs whose trace lacks spans (no duplicate involved). */
  incomplete: Array<{ run: Run; stored: number }>;
  /** Nexus traces no run accounts for. */
  strangers: number;
  /** Spans stored, in all. */
  storedSpans: number;
  /** Per run with a trace: time from its root's end to its last span in the server (ms). */
  lagMillis: number[];
  /** Per run with a trace: when its last span was stored (server clock, ms since the epoch). */
  landedAt: Map<Run, number>;
}

export function otelTraceIdOf(stored: StoredTrace): string | undefined {
  const metadata = stored.metadata as Record<string, unknown> | null;
  const id = metadata?.['otel_trace_id'];
  return typeof id === 'string' ? id : undefined;
}

export function audit(server: NexusLocal, runs: readonly Run[]): Audit {
  const byOtelId = new Map<string, StoredTrace[]>();
  let storedSpans = 0;
  let strangers = 0;
  for (const stored of server.traces()) {
    storedSpans += stored.spans.length;
    const id = otelTraceIdOf(stored);
    if (!id) {
      strangers += 1;
      continue;
    }
    const list = byOtelId.get(id) ?? [];
    list.push(stored);
    byOtelId.set(id, list);
  }
  const result: Audit = { complete: 0, duplicateTraces: 0, duplicateSpans: 0, missing: [], incomplete: [], strangers: 0, storedSpans, lagMillis: [], landedAt: new Map() };
  const known = new Set<string>();
  for (const run of runs) {
    known.add(run.traceId);
    const stored = byOtelId.get(run.traceId) ?? [];
    if (stored.length === 0) {
      result.missing.push(run);
      continue;
    }
    result.duplicateTraces += stored.length - 1;
    const seen = new Set<string>();
    let dupes = 0;
    let lastSpanAt = 0;
    for (const t of stored) {
      for (const span of t.spans) {
        const identity = `${span.name}|${span.startedAt}`;
        if (seen.has(identity)) dupes += 1;
        seen.add(identity);
        lastSpanAt = Math.max(lastSpanAt, span.createdAt);
      }
    }
    result.duplicateSpans += dupes;
    result.lagMillis.push(lastSpanAt - run.endedAt);
    result.landedAt.set(run, lastSpanAt);
    if (stored.length === 1 && dupes === 0 && seen.size === run.spans) result.complete += 1;
    else if (seen.size < run.spans) result.incomplete.push({ run, stored: seen.size });
  }
  for (const id of byOtelId.keys()) if (!known.has(id)) strangers += 1;
  result.strangers = strangers;
  return result;
}

/** A short, printable form of an audit for failure messages and the report. */
export function summary(a: Audit): string {
  return JSON.stringify({
    complete: a.complete,
    duplicateTraces: a.duplicateTraces,
    duplicateSpans: a.duplicateSpans,
    missing: a.missing.length,
    incomplete: a.incomplete.length,
    strangers: a.strangers,
    storedSpans: a.storedSpans,
  });
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Polls until `check` holds or the time is up; returns whether it held. */
export async function until(check: () => boolean, timeoutMillis: number, everyMillis = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(everyMillis);
  }
  return check();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every diag line, so a test can check what the exporter said (and that the key never appears). */
export function captureDiag(): string[] {
  const lines: string[] = [];
  diag.disable();
  const push = (level: string) => (message: string, ...args: unknown[]) => lines.push([level, message, ...args.map(String)].join(' '));
  diag.setLogger(
    { error: push('error'), warn: push('warn'), info: push('info'), debug: () => undefined, verbose: () => undefined },
    { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true },
  );
  return lines;
}

/** Requests in the server's log, by outcome: answered status, or the fault that ate it. */
export function requestCounts(server: NexusLocal): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of server.requests) {
    const key = r.fault === 'reset' || r.fault === 'drop' ? r.fault : `${r.method} ${r.status ?? 'none'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Prints one figure line for the report (vitest shows stdout per test). */
export function report(label: string, figures: Record<string, unknown>): void {
  console.log(`[faults] ${label}: ${JSON.stringify(figures)}`);
}
