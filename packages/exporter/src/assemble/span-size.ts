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

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length * 2;
  if (Array.isArray(value)) {
    let bytes = 16;
    for (let i = 0; i < value.length && i < MAX_WALK; i += 1) bytes += valueBytes(value[i]) + 8;
    return bytes + Math.max(0, value.length - MAX_WALK) * 16;
  }
  return 8;
}

function lengthOf(value: unknown): number {
  return typeof value === 'string' ? value.length * 2 : 0;
}
