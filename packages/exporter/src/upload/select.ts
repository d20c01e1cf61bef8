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
  const orphanMayGo = (held: HeldSpan): boolean => trace.forced || now - held.arrivedAt >= maxWaitMillis;

  // Up the parent chain without recursion (a chain can be thousands deep): a child follows its held
  // parent, so nesting is kept even when the parent itself waits; every span on the way gets the verdict.
  const canGo = (start: HeldSpan): boolean => {
    const path: HeldSpan[] = [];
    const onPath = new Set<string>();
    let current = start;
    let result: boolean;
    for (;;) {
      const known = verdict.get(current.localId);
      if (known !== undefined) {
        result = known;
        break;
      }
      if (onPath.has(current.localId)) {
        result = orphanMayGo(current); // a parent cycle: nobody in it is a root
        break;
      }
      path.push(current);
      onPath.add(current.localId);
      const parentId = localParentIdOf(current.span);
      if (parentId === null || trace.nexusSpanIds.has(parentId)) {
        result = true;
        break;
      }
      const parent = byId.get(parentId);
      if (!parent) {
        result = orphanMayGo(current);
        break;
      }
      current = parent;
    }
    for (const held of path) verdict.set(held.localId, result);
    return result;
  };

  return [...byId.values()].filter(canGo);
}

/**
 * The span as the mapper should see it: a repeated span id is replaced by its unique local id, and
 * fields of the wrong shape (a span built by hand or by a buggy bridge: a name that is not a string,
 * no status, attributes or events that are not objects, times that are not HrTime pairs) are given a
 * harmless one, so no mapper trips on them. A span of the right shape is returned as it is.
 */
export function viewOf(held: HeldSpan): HeldSpan['span'] {
  const span = held.span;
  const context = span.spanContext();
  const fixes: PropertyDescriptorMap = {};
  if (context.spanId !== held.localId) fixes['spanContext'] = { value: () => ({ ...context, spanId: held.localId }) };
  if (typeof span.name !== 'string') fixes['name'] = { value: span.name === undefined || span.name === null ? '' : safeString(span.name) };
  if (!isHrTime(span.startTime)) fixes['startTime'] = { value: [Number.NaN, 0] };
  if (!isHrTime(span.endTime)) fixes['endTime'] = { value: [Number.NaN, 0] };
  if (!isObject(span.status) || typeof span.status.code !== 'number') {
    fixes['status'] = { value: { code: isObject(span.status) && typeof span.status.code === 'number' ? span.status.code : 0, ...(isObject(span.status) && typeof span.status.message === 'string' ? { message: span.status.message } : {}) } };
  }
  if (!isObject(span.attributes)) fixes['attributes'] = { value: {} };
  if (!Array.isArray(span.events)) fixes['events'] = { value: [] };
  else if (span.events.some((event) => !isObject(event))) fixes['events'] = { value: span.events.filter(isObject) };
  if (!isObject(span.resource) || !isObject(span.resource.attributes)) fixes['resource'] = { value: { attributes: {} } };
  if (Object.keys(fixes).length === 0) return span;
  return Object.create(span, fixes) as HeldSpan['span'];
}

function isObject(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null;
}

function isHrTime(value: unknown): boolean {
  return Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return ''; // a Symbol, or an object whose toString throws
  }
}
