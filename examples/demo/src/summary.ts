import type { StoredSpan, StoredTrace } from '@nexus-otel/local';

/** A stored trace as a few lines: its header, then the span tree with each span's status and time. */
export function traceSummary(trace: StoredTrace): string[] {
  const lines = [`Nexus trace "${trace.name}" (${trace.status}) of agent ${trace.agentName}, ${trace.spans.length} spans:`];
  const ids = new Set(trace.spans.map((s) => s.id));
  const children = new Map<string | null, StoredSpan[]>();
  for (const span of trace.spans) {
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const walk = (parent: string | null, depth: number): void => {
    const kids = [...(children.get(parent) ?? [])].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    for (const span of kids) {
      const ms = span.endedAt ? Date.parse(span.endedAt) - Date.parse(span.startedAt) : 0;
      lines.push(`${'  '.repeat(depth)}- ${span.name} [${span.status}] ${ms} ms${span.error ? `  error: ${span.error}` : ''}`);
      walk(span.id, depth + 1);
    }
  };
  walk(null, 1);
  const metadata = (typeof trace.metadata === 'object' && trace.metadata !== null ? trace.metadata : {}) as Record<string, unknown>;
  const tokens = ['input_tokens', 'output_tokens', 'total_tokens'].filter((k) => k in metadata).map((k) => `${k} ${String(metadata[k])}`);
  if (tokens.length > 0) lines.push(`tokens: ${tokens.join(', ')}`);
  return lines;
}
