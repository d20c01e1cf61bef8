import { localParentIdOf } from '../otel/span-links.js';
import type { HeldSpan, TraceState } from '../assemble/trace-state.js';

/**
 * The held spans that can go to Nexus now, in arrival order. A span can go when its parent is in
 * Nexus, goes in the same job, or it is a local root. A span whose parent has not arrived (an orphan,
 * or one caught in a parent cycle) waits for it up to `maxWaitMillis`, or until the trace is forced;
 * then it goes at the top level rather than be lost.
 */
export function selectUploadable(trace: TraceState, now: number, maxWaitMillis: number): HeldSpan[] {
  const byId = trace.held;
  const verdict = new Map<string, boolean>();
  const visiting = new Set<string>();

  const canGo = (held: HeldSpan): boolean => {
    const known = verdict.get(held.localId);
    if (known !== undefined) return known;
    const orphanMayGo = trace.forced || now - held.arrivedAt >= maxWaitMillis;
    const parentId = localParentIdOf(held.span);
    let result: boolean;
    if (parentId === null || trace.nexusSpanIds.has(parentId)) {
      result = true;
    } else {
      const parent = byId.get(parentId);
      if (!parent || visiting.has(held.localId)) {
        result = orphanMayGo;
      } else {
        visiting.add(held.localId);
        // A child follows its held parent, so nesting is kept even when the parent itself waits.
        result = canGo(parent);
        visiting.delete(held.localId);
      }
    }
    verdict.set(held.localId, result);
    return result;
  };

  return [...byId.values()].filter(canGo);
}

/** The span as the mapper should see it: a repeated span id is replaced by its unique local id. */
export function viewOf(held: HeldSpan): HeldSpan['span'] {
  const context = held.span.spanContext();
  if (context.spanId === held.localId) return held.span;
  const view = Object.create(held.span) as HeldSpan['span'] & { spanContext: () => typeof context };
  Object.defineProperty(view, 'spanContext', { value: () => ({ ...context, spanId: held.localId }) });
  return view;
}
