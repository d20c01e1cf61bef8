import type { ReadableSpanLike } from './types.js';

/** The parent span id of a span, whichever SDK line produced it; undefined for a root. */
export function parentIdOf(span: ReadableSpanLike): string | undefined {
  const id = span.parentSpanContext?.spanId ?? span.parentSpanId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** A local root has no parent, or a parent in another process (a remote span context). */
export function isLocalRoot(span: ReadableSpanLike): boolean {
  return parentIdOf(span) === undefined || span.parentSpanContext?.isRemote === true;
}

/** The parent a span should nest under in this process's trace, or null for a local root. */
export function localParentIdOf(span: ReadableSpanLike): string | null {
  return isLocalRoot(span) ? null : (parentIdOf(span) ?? null);
}
