import { estimateSpanBytes } from './span-size.js';
import { TraceState, type HeldSpan } from './trace-state.js';
import { isLocalRoot } from '../otel/span-links.js';
import type { DropReason } from '../diag/reporter.js';
import type { ReadableSpanLike } from '../otel/types.js';

export interface StoreLimits {
  maxHeldSpans: number;
  maxHeldBytes: number;
  maxIndexedTraces: number;
}

export type DropSink = (reason: DropReason, spans: number, cause: string) => void;

/**
 * Spans grouped by trace id, under caps on held spans and bytes, plus a bounded index of traces
 * already in Nexus (OTel trace id → Nexus trace id, span ids → Nexus span ids) so late spans join
 * the right trace. Over a cap the oldest whole trace goes first.
 */
export class TraceStore {
  private readonly traces = new Map<string, TraceState>();
  heldSpans = 0;
  heldBytes = 0;

  constructor(
    private readonly limits: StoreLimits,
    private readonly onDrop: DropSink,
  ) {}

  get(traceId: string): TraceState | undefined {
    return this.traces.get(traceId);
  }

  all(): IterableIterator<TraceState> {
    return this.traces.values();
  }

  /** Holds one ended span; returns its trace, or undefined when the span itself had to be dropped. */
  add(span: ReadableSpanLike, now: number): TraceState | undefined {
    const context = span.spanContext();
    const traceId = context?.traceId;
    if (typeof traceId !== 'string' || !traceId || typeof context.spanId !== 'string' || !context.spanId) {
      this.onDrop('malformed_span', 1, 'a span without a trace id or span id');
      return undefined;
    }
    const bytes = estimateSpanBytes(span);
    if (bytes > this.limits.maxHeldBytes) {
      this.onDrop('held_bytes_cap', 1, `a single span of about ${bytes} bytes exceeds maxHeldBytes`);
      return undefined;
    }
    while (this.heldSpans + 1 > this.limits.maxHeldSpans || this.heldBytes + bytes > this.limits.maxHeldBytes) {
      const reason: DropReason = this.heldSpans + 1 > this.limits.maxHeldSpans ? 'held_spans_cap' : 'held_bytes_cap';
      if (!this.evictOldest(reason, traceId)) {
        this.onDrop(reason, 1, 'the span did not fit in the caps');
        return undefined;
      }
    }

    let trace = this.traces.get(traceId);
    if (!trace) {
      trace = new TraceState(traceId, now);
      this.traces.set(traceId, trace);
    } else {
      // Map order is the index's LRU order.
      this.traces.delete(traceId);
      this.traces.set(traceId, trace);
    }
    let localId = context.spanId;
    // A repeated span id (a buggy instrumentation) must not overwrite the first one.
    for (let n = 2; trace.held.has(localId) || trace.nexusSpanIds.has(localId); n += 1) localId = `${context.spanId}~${n}`;
    const held: HeldSpan = { span, localId, bytes, arrivedAt: now };
    trace.held.set(localId, held);
    trace.heldBytes += bytes;
    this.heldSpans += 1;
    this.heldBytes += bytes;
    if (isLocalRoot(span)) trace.rootSeen = true;
    this.pruneIndex();
    return trace;
  }

  /** The span is in Nexus now, or was dropped: it no longer counts against the caps. */
  release(trace: TraceState, localId: string): void {
    const held = trace.held.get(localId);
    if (!held) return;
    trace.held.delete(localId);
    trace.heldBytes -= held.bytes;
    this.heldSpans -= 1;
    this.heldBytes -= held.bytes;
  }

  /** Drops every held span of a trace, counted under `reason`; keeps the index entry. */
  dropHeld(trace: TraceState, reason: DropReason, cause: string): void {
    const count = trace.held.size;
    for (const localId of [...trace.held.keys()]) this.release(trace, localId);
    this.onDrop(reason, count, cause);
  }

  /** Forgets a trace entirely (dropped, or gone from Nexus). */
  forget(trace: TraceState): void {
    for (const localId of [...trace.held.keys()]) this.release(trace, localId);
    trace.dropped = true;
    this.traces.delete(trace.traceId);
  }

  private evictOldest(reason: DropReason, keep: string): boolean {
    for (const trace of this.traces.values()) {
      if (trace.held.size === 0 || trace.traceId === keep) continue;
      const count = trace.held.size;
      this.forget(trace);
      this.onDrop(reason, count, `the oldest held trace (${count} spans) was dropped to stay within ${reason === 'held_spans_cap' ? 'maxHeldSpans' : 'maxHeldBytes'}`);
      return true;
    }
    return false;
  }

  /** Keeps the index of uploaded traces bounded: idle traces least recently touched go first. */
  private pruneIndex(): void {
    if (this.traces.size <= this.limits.maxIndexedTraces) return;
    for (const trace of this.traces.values()) {
      if (this.traces.size <= this.limits.maxIndexedTraces) return;
      if (trace.held.size === 0 && !trace.scheduled) this.traces.delete(trace.traceId);
    }
  }
}
