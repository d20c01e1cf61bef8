import { attributesToJson } from './attributes.js';
import { errorTextOf } from './error-text.js';
import { limitField } from './field-limit.js';
import { spanStatusOf } from './status.js';
import { isoFromHrTime, millisFromHrTime } from './time.js';
import { localParentIdOf } from '../otel/span-links.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { MapContext, MappedSpan } from './types.js';

/** A span with no GenAI meaning: its attributes, typed, are its input. */
export function mapGenericSpan(span: ReadableSpanLike, context: MapContext): MappedSpan {
  const mapped = mapSpanShell(span);
  const attributes = attributesToJson(span.attributes);
  for (const _key in attributes) {
    mapped.input = limitField(attributes, context.maxFieldBytes);
    break;
  }
  return mapped;
}

/** Everything of a span's Nexus shape but its input and output (null), for mappers that render those. */
export function mapSpanShell(span: ReadableSpanLike): MappedSpan {
  const { startedAt, endedAt } = spanTimes(span);
  const localId = span.spanContext().spanId;
  return {
    localId,
    sourceId: localId,
    parentLocalId: localParentIdOf(span),
    name: nameOf(span),
    status: spanStatusOf(span),
    startedAt,
    endedAt,
    input: null,
    output: null,
    error: errorTextOf(span),
  };
}

/** Start and end as Nexus timestamps; an end before the start is clamped to the start. */
export function spanTimes(span: ReadableSpanLike): { startedAt: string; endedAt: string } {
  const start = millisFromHrTime(span.startTime);
  const end = millisFromHrTime(span.endTime);
  const startedAt = isoFromHrTime(span.startTime, Number.isFinite(end) ? end : 0);
  const endedAt = Number.isFinite(end) && (!Number.isFinite(start) || end >= start) ? isoFromHrTime(span.endTime) : startedAt;
  return { startedAt, endedAt };
}

export function nameOf(span: ReadableSpanLike): string {
  const name = typeof span.name === 'string' ? span.name.trim() : '';
  return name ? name.slice(0, 1024) : 'unnamed span';
}
