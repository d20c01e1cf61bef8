import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Fan-out per level of the benchmark trace: 1 root, 3, 6, 10 → 20 spans, depth 4. */
const LEVELS = [3, 2, [2, 2, 2, 2, 1, 1]] as const;

/** A 20-span, depth-4 trace of real SDK spans, ended children first as an app would end them. */
export function twentySpanTrace(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-agent' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('bench');
  const spans: Span[] = [];
  const start = (name: string, parent?: Span): Span => {
    const span = tracer.startSpan(name, { attributes: { 'bench.level': name.split('.').length } }, parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT);
    spans.push(span);
    return span;
  };
  const root = start('0');
  const level2 = Array.from({ length: LEVELS[0] }, (_, i) => start(`0.${i}`, root));
  const level3 = level2.flatMap((parent, i) => Array.from({ length: LEVELS[1] }, (_, j) => start(`0.${i}.${j}`, parent)));
  level3.forEach((parent, i) => {
    for (let j = 0; j < LEVELS[2][i]!; j += 1) start(`0.${Math.floor(i / 2)}.${i % 2}.${j}`, parent);
  });
  for (const span of [...spans].reverse()) span.end();
  return memory.getFinishedSpans();
}
