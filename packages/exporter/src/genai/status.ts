import { errorTextOf } from '../map/error-text.js';
import { spanStatusOf } from '../map/status.js';
import { millisFromHrTime } from '../map/time.js';
import { localAncestorIds } from '../otel/span-links.js';
import type { NexusTraceStatus } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { CombinedReading } from './combine.js';

/** Operations whose span is an agent run: the run's outcome is the trace's outcome. */
const RUN_OPERATIONS = new Set([
  'invoke_agent',
  'process_thread_run',
  'start_thread_run',
  'create_run',
  'create_thread_run',
  'create_thread_and_run',
  'get_thread_run',
  'get_run',
  'submit_tool_outputs',
]);

const FAILED = new Set(['failed', 'cancelled', 'canceled', 'cancelling']);
const EXPIRED = new Set(['expired']);

export interface TraceOutcome {
  status: NexusTraceStatus;
  /** One human line, `code: message`: Nexus's alert e-mails and webhooks quote it. */
  error?: string;
  runStatus?: string;
}

/**
 * Status that pages nobody by mistake: `error` when the root failed, or when the last agent run
 * (by end time) ended failed or cancelled; `timeout` when it expired. A child error the run
 * survived (a failed tool call, a retried HTTP request) leaves the trace `success`.
 */
export function traceOutcome(
  root: ReadableSpanLike | undefined,
  spans: readonly ReadableSpanLike[],
  readings: ReadonlyMap<string, CombinedReading>,
): TraceOutcome {
  if (!root) return { status: 'running' };
  const rootReading = readings.get(root.spanContext().spanId);
  const candidates = spans.filter((span) => {
    const reading = readings.get(span.spanContext().spanId);
    return reading !== undefined && (reading.runStatus !== undefined || RUN_OPERATIONS.has(reading.operation ?? ''));
  });
  const runs = outermost(candidates, spans).sort((a, b) => (millisFromHrTime(a.endTime) || 0) - (millisFromHrTime(b.endTime) || 0));
  const lastRun = runs.at(-1);
  const lastReading = lastRun ? readings.get(lastRun.spanContext().spanId) : undefined;
  // Only the last run span's own status: an earlier `queued` is not what the run ended as.
  const runStatus = lastReading?.runStatus;

  if (spanStatusOf(root) === 'error') {
    return { status: 'error', error: rootReading?.error ?? errorTextOf(root) ?? 'error', ...(runStatus ? { runStatus } : {}) };
  }
  if (lastRun && lastReading) {
    const status = lastReading.runStatus?.toLowerCase();
    const line = lastReading.error ?? errorTextOf(lastRun) ?? undefined;
    if (status && EXPIRED.has(status)) return { status: 'timeout', error: line ?? `run ${status}`, runStatus: status };
    if ((status && FAILED.has(status)) || spanStatusOf(lastRun) === 'error') {
      return { status: 'error', error: line ?? `run ${status ?? 'failed'}`, ...(runStatus ? { runStatus } : {}) };
    }
  }
  return { status: 'success', ...(runStatus ? { runStatus } : {}) };
}

/**
 * The run spans not inside another run span: an outer run span (an `invoke_agent` with its polls
 * traced inside it) stands for the run. Its own child calls (`get_run`…) end just before it, and
 * span clocks start at whole milliseconds, so by end time alone a child can seem to end last.
 */
function outermost(runs: readonly ReadableSpanLike[], spans: readonly ReadableSpanLike[]): ReadableSpanLike[] {
  if (runs.length < 2) return [...runs];
  const ids = new Set(runs.map((span) => span.spanContext().spanId));
  const byId = new Map<string, ReadableSpanLike>();
  for (const span of spans) byId.set(span.spanContext().spanId, span);
  return runs.filter((span) => {
    for (const id of localAncestorIds(span, byId)) if (ids.has(id)) return false;
    return true;
  });
}
