// The span tree as the page draws it: rows in depth-first order, and each span's bar on the trace's
// time axis. parent_span_id is free text the server never checks, so unknown parents and cycles
// must still give every span exactly one row.
import type { StoredSpan, StoredTrace } from '../store.js';
import { epochMs } from './format.js';

export interface SpanRow {
  span: StoredSpan;
  depth: number;
  /** It names a parent that is not in this trace (or a cycle): drawn as a root, flagged. */
  orphan: boolean;
}

/** `spans` in the store's order (started_at, then creation): siblings keep that order. */
export function spanRows(spans: readonly StoredSpan[]): SpanRow[] {
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string, StoredSpan[]>();
  const roots: StoredSpan[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent !== null && parent !== span.id && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    } else {
      roots.push(span);
    }
  }

  const rows: SpanRow[] = [];
  const seen = new Set<string>();
  const walk = (start: StoredSpan, orphan: boolean): void => {
    const stack: { span: StoredSpan; depth: number }[] = [{ span: start, depth: 0 }];
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (seen.has(span.id)) continue;
      seen.add(span.id);
      rows.push({ span, depth, orphan: depth === 0 && orphan });
      const kids = children.get(span.id) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
    }
  };
  for (const root of roots) walk(root, root.parentSpanId !== null);
  // Spans only reachable through a cycle of parent ids: shown at the top level, in store order.
  for (const span of spans) if (!seen.has(span.id)) walk(span, true);
  return rows;
}

export interface TimeAxis {
  start: number;
  end: number;
}

/** From the earliest start to the latest end among the trace and its spans; null without any time. */
export function timeAxis(trace: StoredTrace): TimeAxis | null {
  const times: number[] = [];
  for (const iso of [trace.startedAt, trace.endedAt, ...trace.spans.flatMap((s) => [s.startedAt, s.endedAt])]) {
    const ms = epochMs(iso);
    if (ms !== null) times.push(ms);
  }
  if (times.length === 0) return null;
  return { start: Math.min(...times), end: Math.max(...times) };
}

export interface Bar {
  /** Percentages of the axis. */
  left: number;
  width: number;
  /** Not ended: drawn to the end of the axis. */
  open: boolean;
  offsetMs: number;
}

const MIN_WIDTH_PERCENT = 0.4; // a 0 ms span still shows as a tick

export function barOf(axis: TimeAxis, span: StoredSpan): Bar | null {
  const start = epochMs(span.startedAt);
  if (start === null) return null;
  const end = epochMs(span.endedAt);
  const range = axis.end - axis.start;
  const open = end === null;
  const to = end ?? axis.end;
  if (range <= 0) return { left: 0, width: 100, open, offsetMs: 0 };
  const left = clamp(((start - axis.start) / range) * 100, 0, 100 - MIN_WIDTH_PERCENT);
  const width = clamp(((Math.max(to, start) - start) / range) * 100, MIN_WIDTH_PERCENT, 100 - left);
  return { left: round(left), width: round(width), open, offsetMs: start - axis.start };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function round(percent: number): number {
  return Math.round(percent * 1000) / 1000;
}
