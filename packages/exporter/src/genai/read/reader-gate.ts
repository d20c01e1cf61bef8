/**
 * Which of the readers that recognise a span by its keys alone (OpenLLMetry, OpenInference, the AI
 * SDK) can read a span, from one pass over its attribute keys. Each of those readers gives nothing
 * for a span without one of its keys (its first test); most spans have none of them, and each
 * reader would list and test every key again to find that out.
 */
import { isAiSdkKey } from './vercel-ai.js';
import { isOpenInferenceKey } from './openinference.js';
import { isTraceloopKey } from './openllmetry.js';
import { isAttributes } from './values.js';
import type { ReadableSpanLike } from '../../otel/types.js';
import { memoByKey } from '../memo-by-key.js';

export const TRACELOOP = 1;
export const OPENINFERENCE = 2;
export const AI_SDK = 4;
/** What to assume when the keys cannot be listed: every reader runs (and fails on its own). */
export const EVERY_FAMILY = TRACELOOP | OPENINFERENCE | AI_SDK;

const familiesOfKey = memoByKey(
  (key: string): number => (isTraceloopKey(key) ? TRACELOOP : 0) | (isOpenInferenceKey(key) ? OPENINFERENCE : 0) | (isAiSdkKey(key) ? AI_SDK : 0),
);

/**
 * The families among the span's own attribute keys (`Object.keys`, as the readers list them), as
 * bits. Never throws: a span whose keys cannot be listed gets EVERY_FAMILY.
 */
export function readerFamilies(span: ReadableSpanLike): number {
  try {
    const attributes = isAttributes(span?.attributes) ? span.attributes : {};
    let found = 0;
    for (const key of Object.keys(attributes)) found |= familiesOfKey(key);
    return found;
  } catch {
    return EVERY_FAMILY;
  }
}
