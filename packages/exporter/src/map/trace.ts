import { stringAttribute } from './attributes.js';
import { mapGenericSpan, nameOf, spanTimes } from './span.js';
import { traceStatusOf } from './status.js';
import { millisFromHrTime } from './time.js';
import { isLocalRoot, localParentIdOf } from '../otel/span-links.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { JsonValue, MapContext, MappedSpan, MappedTrace, TraceHeader, TraceMapper } from './types.js';

export type SpanMapFn = (span: ReadableSpanLike, context: MapContext) => MappedSpan;

/**
 * The trace header of a set of spans of one OTel trace. The earliest local root names the trace and
 * decides its status; without a root (it has not ended yet) the trace is `running`, named after its
 * top-most span so the dashboard still shows something recognisable.
 */
export function traceHeaderOf(spans: readonly ReadableSpanLike[]): TraceHeader {
  const roots = spans.filter(isLocalRoot).sort(byStart);
  const root = roots[0];
  const held = new Set<string>();
  for (const span of spans) held.add(span.spanContext().spanId);
  const top = root ?? spans.filter((span) => !held.has(localParentIdOf(span) ?? '')).sort(byStart)[0] ?? spans[0];

  // Timestamps have one fixed shape, so the earliest and latest are the least and greatest texts.
  let earliest: string | undefined;
  for (const span of spans) {
    const startedAt = spanTimes(span).startedAt;
    if (earliest === undefined || startedAt < earliest) earliest = startedAt;
  }
  let endedAt: string | null = null;
  for (const r of roots) {
    const rootEnd = spanTimes(r).endedAt;
    if (endedAt === null || rootEnd > endedAt) endedAt = rootEnd;
  }
  const serviceName = stringAttribute((root ?? top)?.resource?.attributes, 'service.name');
  const traceId = (root ?? top)?.spanContext().traceId ?? '';

  const metadata: Record<string, JsonValue> = { otel_trace_id: traceId };
  if (root) metadata['otel_root_span_id'] = root.spanContext().spanId;
  if (serviceName) metadata['service_name'] = serviceName;

  return {
    name: top ? nameOf(top) : 'trace',
    status: traceStatusOf(root),
    startedAt: earliest ?? spanTimes(top as ReadableSpanLike).startedAt,
    endedAt,
    metadata,
    serviceName,
  };
}

/** Maps the spans of one trace span by span, under the header above. */
export function mapTraceWith(spans: readonly ReadableSpanLike[], context: MapContext, mapSpan: SpanMapFn): MappedTrace {
  return { header: traceHeaderOf(spans), spans: spans.map((span) => mapSpan(span, context)) };
}

/** The mapper used when no other is configured: every span kept, attributes as input. */
export const genericTraceMapper: TraceMapper = {
  mapTrace: (spans, context) => mapTraceWith(spans, context, mapGenericSpan),
};

function byStart(a: ReadableSpanLike, b: ReadableSpanLike): number {
  return (millisFromHrTime(a.startTime) || 0) - (millisFromHrTime(b.startTime) || 0);
}
