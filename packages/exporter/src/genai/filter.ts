import { localAncestorIds, localParentIdOf } from '../otel/span-links.js';
import { spanStatusOf } from '../map/status.js';
import { stringAttribute } from '../map/attributes.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { CombinedReading } from './combine.js';

/** Which spans reach Nexus. `genai` (default): GenAI spans, their ancestors, error spans and roots. */
export type SpanFilter = 'genai' | 'all' | ((span: ReadableSpanLike) => boolean);

export interface FilterResult {
  /** Spans kept, by span id. */
  kept: Set<string>;
  /** For a kept span whose parent was dropped: the nearest kept ancestor (null: top level). */
  parentOf: Map<string, string | null>;
  /** Transport spans (HTTP, DNS) folded into a count on their nearest kept ancestor. */
  foldedTransport: Map<string, number>;
}

/**
 * Noise control. Transport spans under a GenAI span become a count on it; a kept span whose
 * parent was dropped is re-rooted under its nearest kept ancestor, so nothing is orphaned.
 */
export function filterSpans(spans: readonly ReadableSpanLike[], readings: ReadonlyMap<string, CombinedReading>, filter: SpanFilter): FilterResult {
  // Filled in a loop: the same map as `new Map(pairs)` without an array of pairs.
  const byId = new Map<string, ReadableSpanLike>();
  for (const span of spans) byId.set(span.spanContext().spanId, span);
  const parentIdOf = (span: ReadableSpanLike): string | null => localParentIdOf(span);
  const kept = new Set<string>();

  if (filter === 'all') {
    for (const id of byId.keys()) kept.add(id);
  } else if (typeof filter === 'function') {
    for (const [id, span] of byId) if (safeKeep(filter, span)) kept.add(id);
  } else {
    for (const [id, span] of byId) {
      const genAi = isGenAiSpan(span, byId, readings);
      if (!genAi && spanStatusOf(span) !== 'error' && parentIdOf(span) !== null) continue;
      // Keep it and every ancestor, so the GenAI span keeps its place in the tree.
      for (let current: ReadableSpanLike | undefined = span, guard = 0; current && guard < 1_000; guard += 1) {
        const currentId = current.spanContext().spanId;
        if (kept.has(currentId) && current !== span) break;
        kept.add(currentId);
        const parent = parentIdOf(current);
        current = parent ? byId.get(parent) : undefined;
      }
    }
  }

  const parentOf = new Map<string, string | null>();
  const foldedTransport = new Map<string, number>();
  const nearestKept = (span: ReadableSpanLike): string | null | undefined => {
    let parent = parentIdOf(span);
    for (let guard = 0; parent && guard < 1_000; guard += 1) {
      if (kept.has(parent)) return parent;
      const next = byId.get(parent);
      // The parent is not in this batch (already in Nexus, or not arrived): keep the link as it is.
      if (!next) return parent;
      parent = parentIdOf(next);
    }
    return null;
  };
  for (const [id, span] of byId) {
    const ancestor = nearestKept(span);
    if (kept.has(id)) {
      if (ancestor !== parentIdOf(span)) parentOf.set(id, ancestor ?? null);
    } else if (ancestor && kept.has(ancestor) && isTransport(span)) {
      foldedTransport.set(ancestor, (foldedTransport.get(ancestor) ?? 0) + 1);
    }
  }
  return { kept, parentOf, foldedTransport };
}

/**
 * A span some reader recognised. An HTTP span recognised only from its URL (Azure agents routes)
 * counts when it is the only signal (ai-agents 1.1), not under a GenAI span that already says
 * what the call was (ai-projects 2.x's create_agent over its HTTP POST): there it is transport.
 */
function isGenAiSpan(span: ReadableSpanLike, byId: ReadonlyMap<string, ReadableSpanLike>, readings: ReadonlyMap<string, CombinedReading>): boolean {
  const sources = readings.get(span.spanContext().spanId)?.sources ?? [];
  if (sources.length === 0) return false;
  if (sources.length > 1 || sources[0] !== 'azure-agents-http') return true;
  for (const id of localAncestorIds(span, byId)) {
    if (!byId.has(id)) break;
    const aboveSources = readings.get(id)?.sources ?? [];
    if (aboveSources.some((source) => source !== 'azure-agents-http')) return false;
  }
  return true;
}

function safeKeep(filter: (span: ReadableSpanLike) => boolean, span: ReadableSpanLike): boolean {
  try {
    return filter(span) === true;
  } catch {
    return true;
  }
}

/** HTTP client spans (old and new conventions, Azure's `HTTP <METHOD>`) and DNS lookups. */
export function isTransport(span: ReadableSpanLike): boolean {
  const a = span.attributes ?? {};
  return (
    /^(HTTP [A-Z]+|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|dns\.\w+|tcp\.connect|tls\.connect)( |$)/.test(span.name) ||
    stringAttribute(a, 'http.method') !== undefined ||
    stringAttribute(a, 'http.request.method') !== undefined ||
    stringAttribute(a, 'url.full') !== undefined ||
    stringAttribute(a, 'http.url') !== undefined
  );
}
