// A stand-in application, run as its own process by the benchmarks: it emits GenAI agent traces
// (real SDK, BatchSpanProcessor) at a fixed rate and reports its own CPU and heap over IPC, so
// that nothing of the server or the benchmark driver is counted.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NexusSpanExporter, type NexusExporterOptions } from '@nexus-otel/exporter';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { emitAgentTurn } from './spans.js';

export type ExporterKind = 'noop' | 'nexus' | 'otlp';

export interface AppOptions {
  exporter: ExporterKind;
  url: string;
  key: string;
  /** Spans a second (6 a trace). */
  rate: number;
  /** Not measured: JIT, sockets and the span pipeline reach their steady state. */
  warmupSeconds: number;
  /** The measured window; the app then reports and exits (0: run until told to stop). */
  seconds: number;
  /** Heap and exporter samples every so often (0: none). */
  sampleMillis: number;
  /** Every this many samples, a full GC first (needs --expose-gc), so the sample shows the live heap. */
  gcEvery?: number;
  nexus?: NexusExporterOptions;
}

export interface AppSample {
  type: 'sample';
  at: number;
  heapUsed: number;
  /** Taken right after a full GC: the live heap. */
  afterGc: boolean;
  emitted: number;
  heldSpans: number;
  heldBytes: number;
  queuedTraces: number;
  activeTraceUploads: number;
  requests: number;
  dropped: Record<string, number>;
}

export interface AppReport {
  type: 'report';
  exporter: ExporterKind;
  cpuMicros: number;
  /** Of which in the kernel (sockets, page faults): Nexus's one request a span shows here. */
  systemMicros: number;
  wallMillis: number;
  spans: number;
  maxHeapUsed: number;
  requests: number;
  dropped: Record<string, number>;
}

class NoopExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const SPANS_PER_TURN = 6;

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as AppOptions;
  const nexus =
    options.exporter === 'nexus'
      ? new NexusSpanExporter({ apiKey: options.key, baseUrl: options.url, ...options.nexus })
      : undefined;
  const exporter: SpanExporter =
    nexus ?? (options.exporter === 'otlp' ? new OTLPTraceExporter({ url: `${options.url}/v1/traces`, headers: { authorization: `Bearer ${options.key}` } }) : new NoopExporter());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
    // The SDK's defaults, but a queue that holds a few batches at this rate.
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 1000 })],
  });
  const tracer = provider.getTracer('@example/genai-instrumentation', '1.0.0');

  let emitted = 0;
  let seed = 0;
  const started = performance.now();
  const emit = (): void => {
    const due = Math.floor(((performance.now() - started) / 1000) * (options.rate / SPANS_PER_TURN));
    for (let turns = Math.floor(emitted / SPANS_PER_TURN); turns < due; turns += 1) {
      emitAgentTurn(tracer, (seed += 1));
      emitted += SPANS_PER_TURN;
    }
  };
  let ticker: NodeJS.Timeout | undefined = setInterval(emit, 5);
  // {type: 'pause'}: stop emitting, keep exporting (a drain without new load).
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'pause' && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  });

  let maxHeapUsed = 0;
  let samples = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = (): AppSample => {
    samples += 1;
    const afterGc = gc !== undefined && (options.gcEvery ?? 0) > 0 && samples % (options.gcEvery ?? 1) === 0;
    if (afterGc) gc?.();
    const stats = nexus?.getStats();
    const heapUsed = process.memoryUsage().heapUsed;
    maxHeapUsed = Math.max(maxHeapUsed, heapUsed);
    return {
      type: 'sample',
      at: Date.now(),
      heapUsed,
      afterGc,
      emitted,
      heldSpans: stats?.heldSpans ?? 0,
      heldBytes: stats?.heldBytes ?? 0,
      queuedTraces: stats?.queuedTraces ?? 0,
      activeTraceUploads: stats?.activeTraceUploads ?? 0,
      requests: stats?.requests ?? 0,
      dropped: stats?.dropped ?? {},
    };
  };
  const sampler = options.sampleMillis > 0 ? setInterval(() => process.send?.(sample()), options.sampleMillis) : undefined;

  await sleep(options.warmupSeconds * 1000);
  const cpu = process.cpuUsage();
  const windowStart = performance.now();
  const spansBefore = emitted;
  const requestsBefore = nexus?.getStats().requests ?? 0;
  maxHeapUsed = 0;
  if (options.seconds > 0) await sleep(options.seconds * 1000);
  else await new Promise<void>((resolve) => process.on('message', (message: { type?: string }) => message?.type === 'stop' && resolve()));
  const used = process.cpuUsage(cpu);
  const wallMillis = performance.now() - windowStart;
  if (ticker) clearInterval(ticker);
  if (sampler) clearInterval(sampler);
  const report: AppReport = {
    type: 'report',
    exporter: options.exporter,
    cpuMicros: used.user + used.system,
    systemMicros: used.system,
    wallMillis,
    spans: emitted - spansBefore,
    maxHeapUsed,
    requests: (nexus?.getStats().requests ?? 0) - requestsBefore,
    dropped: nexus?.getStats().dropped ?? {},
  };
  process.send?.(report);
  // What is still held is not the benchmark's concern: a bounded wait, then out.
  await Promise.race([provider.shutdown().catch(() => undefined), sleep(2_000)]);
  process.exit(0);
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
