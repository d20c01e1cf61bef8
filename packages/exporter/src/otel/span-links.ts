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

/**
 * The ids above a span in this process's trace, nearest first: each parent id, the first one not
 * in `byId` included (the walk stops there), at most 1,000 (a malformed cycle ends).
 */
export function* localAncestorIds(span: ReadableSpanLike, byId: ReadonlyMap<string, ReadableSpanLike>): Generator<string> {
  let parent = localParentIdOf(span);
  for (let guard = 0; parent && guard < 1_000; guard += 1) {
    yield parent;
    const next = byId.get(parent);
    parent = next ? localParentIdOf(next) : null;
  }
}
