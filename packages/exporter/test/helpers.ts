import { ROOT_CONTEXT, diag, DiagLogLevel, trace, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { generateKey, startNexusLocal, type NexusLocal, type NexusLocalOptions } from '@nexus-otel/local';
import { NexusSpanExporter, type NexusExporterOptions } from '../src/index.js';

export interface Harness {
  server: NexusLocal;
  key: string;
  exporter: NexusSpanExporter;
  diagLines: string[];
  close(): Promise<void>;
}

/** A real local Nexus, an exporter pointed at it, and every diag line captured. */
export async function harness(options: NexusExporterOptions = {}, serverOptions: NexusLocalOptions = {}): Promise<Harness> {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } }, ...serverOptions });
  const diagLines = captureDiag();
  const exporter = new NexusSpanExporter({
    apiKey: key,
    baseUrl: server.url,
    retryBaseMillis: 5,
    maxTraceWaitMillis: 60_000,
    flushTimeoutMillis: 10_000,
    // The spine's tests use plain spans: keep them all (the GenAI filter has its own tests).
    spanFilter: 'all',
    ...options,
  });
  return {
    server,
    key,
    exporter,
    diagLines,
    async close() {
      await exporter.shutdown();
      await server.close();
      diag.disable();
    },
  };
}

export function captureDiag(): string[] {
  const lines: string[] = [];
  diag.disable();
  const push = (level: string) => (message: string, ...args: unknown[]) => lines.push([level, message, ...args.map(String)].join(' '));
  diag.setLogger(
    { error: push('error'), warn: push('warn'), info: push('info'), debug: push('debug'), verbose: push('verbose') },
    { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true },
  );
  return lines;
}

/** Real SDK spans, recorded in memory so a test can hand them to the exporter in any batches. */
export class SpanFactory {
  readonly memory = new InMemorySpanExporter();
  readonly provider: BasicTracerProvider;
  readonly tracer: Tracer;

  constructor(serviceName = 'checkout-agent') {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [new SimpleSpanProcessor(this.memory)],
    });
    this.tracer = this.provider.getTracer('test');
  }

  start(name: string, parent?: Span, attributes: Record<string, string | number | boolean> = {}, startTime?: number): Span {
    const context = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    return this.tracer.startSpan(name, { attributes, ...(startTime !== undefined ? { startTime } : {}) }, context);
  }

  /** Ends the spans and returns them as ReadableSpans, in the order given. */
  end(...spans: Span[]): ReadableSpan[] {
    const ids = new Set(spans.map((span) => span.spanContext().spanId));
    for (const span of spans) span.end();
    return this.memory.getFinishedSpans().filter((span) => ids.has(span.spanContext().spanId));
  }

  /**
   * A tree of the given depth and fan-out, ended children first. Returns all spans, root last.
   */
  tree(depth: number, fanOut: number, namePrefix = 'span'): ReadableSpan[] {
    const created: Span[] = [];
    const grow = (parent: Span | undefined, level: number, path: string): void => {
      const span = this.start(`${namePrefix} ${path}`, parent, { level });
      created.push(span);
      if (level < depth) for (let i = 0; i < fanOut; i += 1) grow(span, level + 1, `${path}.${i}`);
    };
    grow(undefined, 1, '0');
    return this.end(...created.reverse());
  }
}

export function exportBatch(exporter: NexusSpanExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result.code)));
}

/** Polls until `check` holds or the time is up; returns whether it held. */
export async function eventually(check: () => boolean, timeoutMillis = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

/** The depth of each stored span in its Nexus tree (1 = top level), by name. */
export function depthByName(spans: ReadonlyArray<{ id: string; parentSpanId: string | null; name: string }>): Record<string, number> {
  const byId = new Map(spans.map((span) => [span.id, span]));
  const depth = (id: string | null, guard = 0): number => {
    const span = id ? byId.get(id) : undefined;
    return span && guard < 100 ? 1 + depth(span.parentSpanId, guard + 1) : 0;
  };
  return Object.fromEntries(spans.map((span) => [span.name, depth(span.id)]));
}
