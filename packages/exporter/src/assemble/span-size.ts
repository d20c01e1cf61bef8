import type { Attributes } from '../otel/types.js';
import type { ReadableSpanLike } from '../otel/types.js';

const SPAN_OVERHEAD = 400;
const MAX_WALK = 200;

/**
 * A cheap estimate of the memory a held span costs, for the byte cap. Counts string lengths of
 * attributes and events (where content lives) without serialising anything.
 */
export function estimateSpanBytes(span: ReadableSpanLike): number {
  let bytes = SPAN_OVERHEAD + lengthOf(span.name);
  bytes += attributesBytes(span.attributes);
  const events = Array.isArray(span.events) ? span.events : [];
  for (let i = 0; i < events.length && i < MAX_WALK; i += 1) {
    const event = events[i];
    bytes += 64 + lengthOf(event?.name) + attributesBytes(event?.attributes);
  }
  if (events.length > MAX_WALK) bytes += (events.length - MAX_WALK) * 256;
  return bytes;
}

function attributesBytes(attributes: Attributes | undefined): number {
  if (!attributes || typeof attributes !== 'object') return 0;
  let bytes = 0;
  for (const key in attributes) {
    bytes += key.length + 16 + valueBytes(attributes[key]);
  }
  return bytes;
}

/** The same estimate for any value a log record holds (body, attributes). */
export function estimateValueBytes(value: unknown, depth = 0): number {
  if (depth > 8) return 64;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    let bytes = 16;
    let n = 0;
    for (const key in value as Record<string, unknown>) {
      if (n++ >= MAX_WALK) break;
      bytes += key.length + 16 + estimateValueBytes((value as Record<string, unknown>)[key], depth + 1);
    }
    return bytes;
  }
  return valueBytes(value, depth);
}

function valueBytes(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length * 2;
  if (Array.isArray(value)) {
    let bytes = 16;
    for (let i = 0; i < value.length && i < MAX_WALK; i += 1) bytes += estimateValueBytes(value[i], depth + 1) + 8;
    return bytes + Math.max(0, value.length - MAX_WALK) * 16;
  }
  return 8;
}

function lengthOf(value: unknown): number {
  return typeof value === 'string' ? value.length * 2 : 0;
}
