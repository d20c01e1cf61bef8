import type { ReadableSpanLike } from '../otel/types.js';
import type { ReadableLogRecordLike } from '../otel/log-types.js';
import type { NexusTraceStatus } from '../map/types.js';
import type { PatchTraceBody } from '../nexus/api-types.js';

export interface HeldSpan {
  /** Replaced once, by the span as sent, when a remote parent it waited for does not come. */
  span: ReadableSpanLike;
  /** The OTel span id, suffixed when a span id repeats within a trace. */
  readonly localId: string;
  readonly bytes: number;
  readonly arrivedAt: number;
}

export interface HeldRecord {
  readonly record: ReadableLogRecordLike;
  readonly bytes: number;
  readonly arrivedAt: number;
}

/** Everything the exporter knows of one OTel trace: what is held, and what already is in Nexus. */
export class TraceState {
  readonly held = new Map<string, HeldSpan>();
  heldBytes = 0;
  /** Log records (message content) waiting to join their span, by span id. */
  readonly records = new Map<string, HeldRecord[]>();
  /**
   * `remoteParentWaitMillis`: spans filed as children of a parent in another process that has not
   * arrived (yet), by local id: the span as sent (a local root), since when, and the parent's id.
   */
  readonly awaitingParent = new Map<string, { original: ReadableSpanLike; since: number; parentId: string }>();
  /** A local root has arrived: the trace is complete enough to upload. */
  rootSeen = false;
  /** When it arrived: with a log pipeline, records get a moment to catch up. */
  rootSeenAt: number | undefined;
  /** Upload what is held now, root or not, orphans at the top level (flush, wait expired). */
  forced = false;
  /** When the trace first had work to upload; drives the delivery timeout. */
  readyAt: number | undefined;
  /** Queued or being uploaded: at most one upload job per trace at a time. */
  scheduled = false;
  /** An upload job is running for it now: its spans are on their way out of memory. */
  uploading = false;
  /** Local ids of the held spans the running job is uploading: the caps never evict those. */
  readonly inFlight = new Set<string>();
  /** Dropped as a whole (caps): a running job stops at its next request. */
  dropped = false;

  nexusTraceId: string | undefined;
  /** A create whose answer was lost: look the trace up before creating it again. */
  createUncertain = false;
  sentStatus: NexusTraceStatus | undefined;
  sentEndedAt: string | null = null;
  pendingPatch: PatchTraceBody | undefined;
  /** Local span id → Nexus span id, for spans already in Nexus. */
  readonly nexusSpanIds = new Map<string, string>();
  /** Spans whose create answer was lost. */
  readonly uncertainSpans = new Set<string>();

  constructor(
    readonly traceId: string,
    readonly firstSeen: number,
  ) {}

  get heldCount(): number {
    return this.held.size;
  }
}
