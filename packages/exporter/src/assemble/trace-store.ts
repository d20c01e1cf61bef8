import { estimateSpanBytes, estimateValueBytes } from './span-size.js';
import { TraceState, type HeldRecord, type HeldSpan } from './trace-state.js';
import type { ReadableLogRecordLike } from '../otel/log-types.js';
import { isLocalRoot } from '../otel/span-links.js';
import type { DropReason } from '../diag/reporter.js';
import type { ReadableSpanLike } from '../otel/types.js';

export interface StoreLimits {
  maxHeldSpans: number;
  maxHeldBytes: number;
  maxIndexedTraces: number;
  /** How long a span with a remote parent waits for it (0: a local root at once). */
  remoteParentWaitMillis: number;
}

/** Where a response (its `gen_ai.response.id`) was produced: the span feedback on it nests under. */
export interface ResponseOrigin {
  traceId: string;
  spanId: string;
}

const RESPONSE_ID_KEYS = ['gen_ai.response.id', 'ai.response.id'];

export type DropSink = (reason: DropReason, spans: number, cause: string) => void;

/** What became of a held span: in Nexus (or left out by the mapper), or dropped, and why. */
export type SettledSink = (held: HeldSpan, dropped: DropReason | undefined) => void;

/** A span filed, or why it could not be. */
export type Filed = { trace: TraceState; held: HeldSpan } | { rejected: DropReason };

/**
 * Spans grouped by trace id, under caps on held spans and bytes, plus a bounded index of traces
 * already in Nexus (OTel trace id → Nexus trace id, span ids → Nexus span ids) so late spans join
 * the right trace. Over a cap the oldest whole trace goes first.
 */
export class TraceStore {
  private readonly traces = new Map<string, TraceState>();
  /** Bounded, least recently added first out. */
  private readonly responses = new Map<string, ResponseOrigin>();
  heldSpans = 0;
  heldBytes = 0;
  /** Told each time a held span leaves the store (an `immediate` export waits on its batch's spans). */
  onSettled: SettledSink | undefined;

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
    const filed = this.file(span, now);
    return 'trace' in filed ? filed.trace : undefined;
  }

  /** Holds one ended span; returns it as held, or why it had to be dropped. */
  file(span: ReadableSpanLike, now: number): Filed {
    const context = span.spanContext();
    const traceId = context?.traceId;
    if (typeof traceId !== 'string' || !traceId || typeof context.spanId !== 'string' || !context.spanId) {
      this.onDrop('malformed_span', 1, 'a span without a trace id or span id');
      return { rejected: 'malformed_span' };
    }
    const bytes = estimateSpanBytes(span);
    if (bytes > this.limits.maxHeldBytes) {
      this.onDrop('held_bytes_cap', 1, `a single span of about ${bytes} bytes exceeds maxHeldBytes`);
      return { rejected: 'held_bytes_cap' };
    }
    while (this.heldSpans + 1 > this.limits.maxHeldSpans || this.heldBytes + bytes > this.limits.maxHeldBytes) {
      const reason: DropReason = this.heldSpans + 1 > this.limits.maxHeldSpans ? 'held_spans_cap' : 'held_bytes_cap';
      if (!this.evictOldest(reason, traceId)) {
        this.onDrop(reason, 1, 'the span did not fit in the caps');
        return { rejected: reason };
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
    // Spans of many processes in one pipeline (the bridge): a span whose parent is remote nests
    // under it when it is here, or comes within remoteParentWaitMillis; else it is a local root.
    let filedSpan = span;
    const remoteParent = this.limits.remoteParentWaitMillis > 0 && span.parentSpanContext?.isRemote === true ? span.parentSpanContext.spanId : undefined;
    if (remoteParent) {
      filedSpan = Object.create(span, { parentSpanContext: { value: { ...span.parentSpanContext, isRemote: false } } }) as ReadableSpanLike;
      if (!trace.held.has(remoteParent) && !trace.nexusSpanIds.has(remoteParent)) trace.awaitingParent.set(localId, { original: span, since: now, parentId: remoteParent });
    }
    if (trace.awaitingParent.size > 0) {
      for (const [id, waiting] of trace.awaitingParent) if (waiting.parentId === context.spanId) trace.awaitingParent.delete(id);
    }
    const held: HeldSpan = { span: filedSpan, localId, bytes, arrivedAt: now };
    trace.held.set(localId, held);
    trace.heldBytes += bytes;
    this.heldSpans += 1;
    this.heldBytes += bytes;
    if (isLocalRoot(filedSpan) && !trace.rootSeen) {
      trace.rootSeen = true;
      trace.rootSeenAt = now;
    }
    this.indexResponse(span, traceId, localId);
    this.pruneIndex();
    return { trace, held };
  }

  /**
   * Spans that waited `remoteParentWaitMillis` for a parent in another process (or any time, when
   * `all`) become what they were sent as: local roots, so the trace has a root and can go.
   */
  releaseAwaiting(trace: TraceState, now: number, all: boolean): void {
    for (const [id, waiting] of trace.awaitingParent) {
      if (!all && now - waiting.since < this.limits.remoteParentWaitMillis) continue;
      trace.awaitingParent.delete(id);
      const held = trace.held.get(id);
      if (!held) continue;
      held.span = waiting.original;
      if (!trace.rootSeen) {
        trace.rootSeen = true;
        trace.rootSeenAt = now;
      }
    }
  }

  /** The span that produced a response, if it passed through this exporter recently. */
  responseOrigin(responseId: string): ResponseOrigin | undefined {
    return this.responses.get(responseId);
  }

  /** Holds a log record (message content) until its span is uploaded; counted like a span in the caps. */
  addRecord(traceId: string, spanId: string, record: ReadableLogRecordLike, now: number): TraceState | undefined {
    const bytes = 200 + estimateValueBytes(record.body) + estimateValueBytes(record.attributes);
    while (this.heldSpans + 1 > this.limits.maxHeldSpans || this.heldBytes + bytes > this.limits.maxHeldBytes) {
      const reason: DropReason = this.heldSpans + 1 > this.limits.maxHeldSpans ? 'held_spans_cap' : 'held_bytes_cap';
      if (!this.evictOldest(reason, traceId)) {
        this.onDrop(reason, 1, 'a log record did not fit in the caps');
        return undefined;
      }
    }
    let trace = this.traces.get(traceId);
    if (!trace) {
      trace = new TraceState(traceId, now);
      this.traces.set(traceId, trace);
    }
    const list = trace.records.get(spanId) ?? [];
    list.push({ record, bytes, arrivedAt: now });
    trace.records.set(spanId, list);
    trace.heldBytes += bytes;
    this.heldSpans += 1;
    this.heldBytes += bytes;
    return trace;
  }

  /** Releases exactly these records of a span (others may have arrived meanwhile). */
  releaseRecords(trace: TraceState, spanId: string, done: readonly HeldRecord[]): void {
    const list = trace.records.get(spanId);
    if (!list) return;
    const remaining = list.filter((held) => !done.includes(held));
    for (const held of done) {
      if (!list.includes(held)) continue;
      trace.heldBytes -= held.bytes;
      this.heldSpans -= 1;
      this.heldBytes -= held.bytes;
    }
    if (remaining.length > 0) trace.records.set(spanId, remaining);
    else trace.records.delete(spanId);
  }

  private indexResponse(span: ReadableSpanLike, traceId: string, spanId: string): void {
    for (const key of RESPONSE_ID_KEYS) {
      const id = span.attributes?.[key];
      if (typeof id !== 'string' || !id) continue;
      this.responses.delete(id);
      this.responses.set(id, { traceId, spanId });
      if (this.responses.size > this.limits.maxIndexedTraces * 4) {
        const oldest = this.responses.keys().next().value;
        if (oldest !== undefined) this.responses.delete(oldest);
      }
    }
  }

  /** The span is in Nexus now, or was dropped (`dropped` says why): it no longer counts against the caps. */
  release(trace: TraceState, localId: string, dropped?: DropReason): void {
    const held = trace.held.get(localId);
    if (!held) return;
    trace.held.delete(localId);
    trace.heldBytes -= held.bytes;
    this.heldSpans -= 1;
    this.heldBytes -= held.bytes;
    this.onSettled?.(held, dropped);
  }

  /** Drops every held span (and record) of a trace, counted under `reason`; keeps the index entry. */
  dropHeld(trace: TraceState, reason: DropReason, cause: string): void {
    const count = trace.held.size + this.releaseAllRecords(trace);
    for (const localId of [...trace.held.keys()]) this.release(trace, localId, reason);
    this.onDrop(reason, count, cause);
  }

  /** Releases every held record of a trace; returns how many there were. */
  releaseAllRecords(trace: TraceState): number {
    let count = 0;
    for (const [spanId, list] of [...trace.records]) {
      count += list.length;
      this.releaseRecords(trace, spanId, list);
    }
    return count;
  }

  /** Forgets a trace entirely (dropped, or gone from Nexus): its held spans are dropped for `reason`. */
  forget(trace: TraceState, reason: DropReason): void {
    this.releaseAllRecords(trace);
    for (const localId of [...trace.held.keys()]) this.release(trace, localId, reason);
    trace.dropped = true;
    this.traces.delete(trace.traceId);
  }

  /**
   * Drops the least recently active trace, preferring one that would vanish whole: first a trace
   * not in Nexus yet and not being uploaded, then one already in Nexus (its held late spans go; its
   * index entry stays, so later spans still join it), and only when every other held trace is being
   * uploaded right now, what such a trace holds beyond the spans its job is carrying. A running job
   * is never cancelled by a cap and its trace is never forgotten, so the trace is not left half in
   * Nexus, nor started a second time by its later spans.
   */
  private evictOldest(reason: DropReason, keep: string): boolean {
    let inNexus: TraceState | undefined;
    let uploading: TraceState | undefined;
    for (const trace of this.traces.values()) {
      if (trace.traceId === keep || !hasEvictable(trace)) continue;
      if (trace.uploading) uploading ??= trace;
      else if (trace.nexusTraceId !== undefined) inNexus ??= trace;
      else {
        this.evict(trace, reason);
        return true;
      }
    }
    const victim = inNexus ?? uploading;
    if (!victim) return false;
    this.evict(victim, reason);
    return true;
  }

  private evict(trace: TraceState, reason: DropReason): void {
    let count = 0;
    if (trace.nexusTraceId === undefined && !trace.uploading) {
      count = trace.held.size + [...trace.records.values()].reduce((n, list) => n + list.length, 0);
      this.forget(trace, reason);
    } else {
      // In Nexus already, or on its way: what its job is not carrying goes; the index entry stays,
      // so later spans still join it rather than start a second Nexus trace for the same OTel trace.
      for (const [spanId, list] of [...trace.records]) {
        if (trace.inFlight.has(spanId)) continue;
        count += list.length;
        this.releaseRecords(trace, spanId, list);
      }
      for (const localId of [...trace.held.keys()]) {
        if (trace.inFlight.has(localId)) continue;
        count += 1;
        this.release(trace, localId, reason);
      }
    }
    this.onDrop(reason, count, `${count} held spans of the least recently active trace were dropped to stay within ${reason === 'held_spans_cap' ? 'maxHeldSpans' : 'maxHeldBytes'}`);
  }

  /** Keeps the index of uploaded traces bounded: idle traces least recently touched go first. */
  private pruneIndex(): void {
    if (this.traces.size <= this.limits.maxIndexedTraces) return;
    // Traces still `running` in Nexus go last: shutdown must find them to end them.
    for (const keepRunning of [true, false]) {
      for (const trace of this.traces.values()) {
        if (this.traces.size <= this.limits.maxIndexedTraces) return;
        if (keepRunning && trace.sentStatus === 'running') continue;
        if (trace.held.size === 0 && trace.records.size === 0 && !trace.scheduled) this.traces.delete(trace.traceId);
      }
    }
  }
}

/** Whether evicting the trace would free anything: held spans or records its running job is not carrying. */
function hasEvictable(trace: TraceState): boolean {
  for (const localId of trace.held.keys()) if (!trace.inFlight.has(localId)) return true;
  for (const spanId of trace.records.keys()) if (!trace.inFlight.has(spanId)) return true;
  return false;
}
