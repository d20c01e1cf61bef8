import { SYNTHETIC } from '../../logs/synthetic-span.js';
import { isEvaluationEvent, readEvaluation, type Evaluation } from '../../logs/evaluation.js';
import { millisFromHrTime } from '../../map/time.js';
import type { JsonValue } from '../../map/types.js';
import type { ReadableSpanLike } from '../../otel/types.js';
import type { SpanReader, SpanReading } from '../reading.js';

/** Attribute of a synthetic evaluation span: the evaluation, as JSON. */
export const EVALUATION_ATTRIBUTE = 'nexus_otel.evaluation';

/**
 * Feedback and evaluations: a span this exporter made from a `gen_ai.evaluation.*` log record, and
 * `gen_ai.evaluation.*` span events on any span (each becomes a child span of it).
 */
export const readEvaluations: SpanReader = (span: ReadableSpanLike): SpanReading | undefined => {
  if (span.attributes?.[SYNTHETIC] === 'evaluation') {
    const evaluation = parse(span.attributes[EVALUATION_ATTRIBUTE]);
    if (!evaluation) return undefined;
    return {
      operation: evaluation.kind,
      evaluation,
      inputValue: evaluationInput(evaluation),
      ...(evaluation.responseId ? { ids: { responseId: evaluation.responseId } } : {}),
    };
  }
  const reading: SpanReading = {};
  for (const event of Array.isArray(span.events) ? span.events : []) {
    if (!isEvaluationEvent(event?.name)) continue;
    const attributes = event.attributes ?? {};
    const result = readEvaluation(event.name, attributes, attributes['gen_ai.evaluation.comment'] !== undefined ? { comment: attributes['gen_ai.evaluation.comment'] } : undefined);
    if (result.ok) (reading.evaluations ??= []).push({ evaluation: result.evaluation, timeMillis: millisFromHrTime(event.time) });
    else (reading.problems ??= []).push(`dropped a ${event.name} span event: ${result.problem}`);
  }
  return reading.evaluations || reading.problems ? reading : undefined;
};

/**
 * What a feedback or evaluation span shows as its Nexus input. The user's comment is feedback given
 * to be seen; the evaluator's explanation (`gen_ai.evaluation.explanation`, content in the shared
 * list) often quotes the response it judged, so it goes while capture is off.
 */
export function evaluationInput(evaluation: Evaluation, options: { captureContent: boolean } = { captureContent: true }): JsonValue {
  const input: { [key: string]: JsonValue } = {};
  if (evaluation.score !== undefined) input['score'] = evaluation.score;
  if (evaluation.label !== undefined) input['label'] = evaluation.label;
  if (evaluation.comment !== undefined) input['comment'] = evaluation.comment;
  if (evaluation.explanation !== undefined && options.captureContent) input['explanation'] = evaluation.explanation;
  if (evaluation.responseId !== undefined) input['response_id'] = evaluation.responseId;
  return input;
}

function parse(value: unknown): Evaluation | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as Evaluation;
    return parsed && (parsed.kind === 'feedback' || parsed.kind === 'evaluation') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
