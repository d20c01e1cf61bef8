// The same helper as test/azure-e2e/span-tree.ts: each e2e package is a tsc project of its own.
import type { StoredSpan, StoredTrace } from '@nexus-otel/local';

/**
 * A stored trace as the Nexus UI nests it: one line per span, indented by depth, children in start
 * order. Assertions on it read like the screen, and a failing one prints the whole tree.
 */
export function spanTree(trace: StoredTrace): string[] {
  const children = new Map<string | null, StoredSpan[]>();
  const ids = new Set(trace.spans.map((s) => s.id));
  for (const span of trace.spans) {
    // A parent that is not in the trace makes the span a root, as the UI shows it.
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, depth: number): void => {
    const kids = [...(children.get(parent) ?? [])].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    for (const span of kids) {
      lines.push(`${'  '.repeat(depth)}${span.name}${span.status === 'error' ? ' [error]' : ''}`);
      walk(span.id, depth + 1);
    }
  };
  walk(null, 0);
  return lines;
}

/** The spans with this exact name, in start order. */
export function spansNamed(trace: StoredTrace, name: string): StoredSpan[] {
  return trace.spans.filter((s) => s.name === name).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
