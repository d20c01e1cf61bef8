import { EVALUATION_ATTRIBUTE } from '../genai/read/evaluation.js';
import { isContentRecord, readLogRecords } from '../genai/read/log-records.js';
import { evaluationSpanName, isEvaluationEvent, readEvaluation, type Evaluation } from './evaluation.js';
import { newTraceId, SYNTHETIC, syntheticSpan } from './synthetic-span.js';
import { eventNameOf, type ReadableLogRecordLike } from '../otel/log-types.js';
import type { Reporter } from '../diag/reporter.js';
import type { TraceState } from '../assemble/trace-state.js';
import type { TraceStore } from '../assemble/trace-store.js';
import type { HrTime } from '../otel/types.js';

export interface LogIntakeConfig {
  /** How long feedback on an unknown response waits for it before it becomes a trace of its own. */
  feedbackWaitMillis: number;
  /** How long a content record waits for its span. */
  maxTraceWaitMillis: number;
}

interface PendingEvaluation {
  evaluation: Evaluation;
  record: ReadableLogRecordLike;
  arrivedAt: number;
}

const MAX_PENDING = 10_000;

/**
 * Log records into the span pipeline. Message content joins its span (held until the span is
 * uploaded, or added as a child span when it comes after). Feedback and evaluations become spans
 * under the span they rate, found by the record's span context, else by `gen_ai.response.id`; when
 * the response stays unknown past `feedbackWaitMillis`, a small standalone trace.
 */
export class LogIntake {
  private pending: PendingEvaluation[] = [];

  constructor(
    private readonly store: TraceStore,
    private readonly reporter: Reporter,
    private readonly config: LogIntakeConfig,
    private readonly touched: (trace: TraceState) => void,
  ) {}

  accept(records: readonly ReadableLogRecordLike[], now: number): void {
    const late = new Map<TraceState, Set<string>>();
    for (const record of records) {
      try {
        const name = eventNameOf(record);
        if (isEvaluationEvent(name)) this.acceptEvaluation(name as string, record, now);
        else if (isContentRecord(record)) {
          const trace = this.acceptContent(record, now);
          if (trace) late.set(trace, (late.get(trace) ?? new Set()).add(record.spanContext?.spanId ?? ''));
        }
        // Any other record is not ours to send: other log exporters handle it.
      } catch (error) {
        this.reporter.drop('malformed_log_record', 1, `a log record could not be read: ${String(error).slice(0, 200)}`);
      }
    }
    for (const [trace] of late) {
      this.convertLateContent(trace, now);
      this.touched(trace);
    }
  }

  /**
   * Resolves waiting feedback, turns expired feedback into standalone traces (all of it at
   * shutdown: nothing will come to resolve it), expires orphan content.
   */
  sweep(now: number, final = false): void {
    if (this.pending.length > 0) {
      const still: PendingEvaluation[] = [];
      for (const item of this.pending) {
        if (this.attach(item.evaluation, item.record, now)) continue;
        if (final || now - item.arrivedAt >= this.config.feedbackWaitMillis) this.standalone(item, now);
        else still.push(item);
      }
      this.pending = still;
    }
    for (const trace of this.store.all()) {
      if (trace.records.size === 0) continue;
      this.convertLateContent(trace, now);
      for (const [spanId, list] of [...trace.records]) {
        const stale = list.filter((held) => now - held.arrivedAt > this.config.maxTraceWaitMillis * 2);
        if (stale.length === 0 || trace.held.has(spanId)) continue;
        this.store.releaseRecords(trace, spanId, stale);
        this.reporter.drop('orphan_log_record', stale.length, 'message records whose span never reached the exporter');
      }
    }
  }

  /** Content records of spans already in Nexus become one child span each, rather than be lost. */
  convertLateContent(trace: TraceState, now: number): void {
    for (const [spanId, list] of [...trace.records]) {
      if (trace.held.has(spanId) || !trace.nexusSpanIds.has(spanId)) continue;
      this.store.releaseRecords(trace, spanId, list);
      const reading = readLogRecords(list.map((held) => held.record));
      if (!reading) continue;
      const first = list[0]!.record;
      const attributes: Record<string, string> = {};
      if (reading.inputMessages) attributes['gen_ai.input.messages'] = JSON.stringify(reading.inputMessages);
      if (reading.outputMessages) attributes['gen_ai.output.messages'] = JSON.stringify(reading.outputMessages);
      if (reading.systemInstructions) attributes['gen_ai.system_instructions'] = JSON.stringify(reading.systemInstructions);
      this.store.add(syntheticSpan({ traceId: trace.traceId, parentSpanId: spanId, name: 'messages (arrived late)', time: timeOf(first), attributes, resource: first.resource }), now);
    }
  }

  private acceptContent(record: ReadableLogRecordLike, now: number): TraceState | undefined {
    const context = record.spanContext;
    if (!context?.traceId || !context.spanId) {
      this.reporter.drop('orphan_log_record', 1, 'a message record without a span context cannot join its span');
      return undefined;
    }
    return this.store.addRecord(context.traceId, context.spanId, record, now);
  }

  private acceptEvaluation(name: string, record: ReadableLogRecordLike, now: number): void {
    const result = readEvaluation(name, record.attributes ?? {}, record.body);
    if (!result.ok) {
      this.reporter.once(`evaluation:${result.problem}`, 'warn', `dropped a ${name} record: ${result.problem}. Further such records are counted, not logged.`);
      this.reporter.count('invalid_feedback', 1);
      return;
    }
    if (this.attach(result.evaluation, record, now)) return;
    this.pending.push({ evaluation: result.evaluation, record, arrivedAt: now });
    // Bounded: the oldest waiting feedback gives up waiting first.
    if (this.pending.length > MAX_PENDING) this.standalone(this.pending.shift() as PendingEvaluation, now);
  }

  /** Nests the evaluation under the span it rates, when that span is known here. */
  private attach(evaluation: Evaluation, record: ReadableLogRecordLike, now: number): boolean {
    const context = record.spanContext;
    let target = context?.traceId && context.spanId && this.store.get(context.traceId) ? { traceId: context.traceId, spanId: context.spanId } : undefined;
    if (!target && evaluation.responseId) target = this.store.responseOrigin(evaluation.responseId);
    if (!target) return false;
    const trace = this.store.add(this.spanOf(evaluation, record, target.traceId, target.spanId), now);
    if (trace) this.touched(trace);
    return true;
  }

  /** A rated response this exporter never saw: a small trace of its own, findable by the response id. */
  private standalone(item: PendingEvaluation, now: number): void {
    const trace = this.store.add(this.spanOf(item.evaluation, item.record, newTraceId(), null), now);
    if (trace) this.touched(trace);
  }

  private spanOf(evaluation: Evaluation, record: ReadableLogRecordLike, traceId: string, parentSpanId: string | null) {
    return syntheticSpan({
      traceId,
      parentSpanId,
      name: evaluationSpanName(evaluation),
      time: timeOf(record),
      attributes: { [SYNTHETIC]: 'evaluation', [EVALUATION_ATTRIBUTE]: JSON.stringify(evaluation) },
      resource: record.resource,
    });
  }
}

function timeOf(record: ReadableLogRecordLike): HrTime {
  const time = record.hrTime ?? record.hrTimeObserved;
  if (Array.isArray(time) && Number.isFinite(time[0])) return time;
  const now = Date.now();
  return [Math.floor(now / 1000), (now % 1000) * 1e6];
}
