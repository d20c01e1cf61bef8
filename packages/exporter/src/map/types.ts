import type { ReadableSpanLike } from '../otel/types.js';
import type { ReadableLogRecordLike } from '../otel/log-types.js';

export type NexusTraceStatus = 'running' | 'success' | 'error' | 'timeout';
export type NexusSpanStatus = 'ok' | 'error';

/** A JSON value as Nexus stores it in `input`, `output` and `metadata`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The trace-level fields of a Nexus trace (the body of `POST /api/v1/traces`, agent aside). */
export interface TraceHeader {
  name: string;
  status: NexusTraceStatus;
  startedAt: string;
  endedAt: string | null;
  metadata: Record<string, JsonValue>;
  /** Resource `service.name` of the spans, the agent's last fallback. */
  serviceName: string | undefined;
}

/** One Nexus span to create, linked to its parent by local (OTel or synthetic) ids. */
export interface MappedSpan {
  /** The OTel span id, or a derived id for spans the mapper synthesises. Unique within the trace. */
  localId: string;
  /** Local id of the held span this one comes from: itself for a plain span, the carrier for a synthetic one. */
  sourceId: string;
  /** Local id of the parent; null for a top-level span in Nexus. */
  parentLocalId: string | null;
  name: string;
  status: NexusSpanStatus;
  startedAt: string;
  endedAt: string | null;
  input: JsonValue;
  output: JsonValue;
  error: string | null;
}

export interface MappedTrace {
  header: TraceHeader;
  spans: MappedSpan[];
  /** What the mapper dropped (an invalid feedback event…), one line each, said once through diag. */
  warnings?: string[];
  /**
   * Spans not posted because they were folded into another span of `spans` (`foldSpans`). Once
   * that span is in Nexus, the folded local id stands for the same Nexus span, so children that
   * arrive later nest under it; the folded span shares its outcome (delivered, retried or dropped).
   */
  folded?: FoldedSpan[];
}

export interface FoldedSpan {
  /** Local id of the folded span. */
  localId: string;
  /** Local id of the held span it comes from (itself). */
  sourceId: string;
  /** Local id of the span in `spans` it was folded into. */
  intoLocalId: string;
}

export interface MapContext {
  /** Cap for each of `input` and `output`, in bytes of JSON. */
  maxFieldBytes: number;
  /** Log records correlated to the spans (message content written as logs), by span id. */
  records?: ReadonlyMap<string, readonly ReadableLogRecordLike[]>;
}

/**
 * The seam between assembly and mapping. Pure: spans of one OTel trace in (all held spans on the
 * first upload, the late ones afterwards), Nexus shapes out; no I/O, no clock.
 */
export interface TraceMapper {
  mapTrace(spans: readonly ReadableSpanLike[], context: MapContext): MappedTrace;
}
