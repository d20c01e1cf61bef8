import type { Attributes } from '../otel/types.js';

export const USER_FEEDBACK = 'gen_ai.evaluation.user_feedback';
export const EVALUATION_RESULT = 'gen_ai.evaluation.result';

/** A user's reaction or an evaluator's verdict on one response. */
export interface Evaluation {
  kind: 'feedback' | 'evaluation';
  /** `gen_ai.evaluation.name` (evaluations only). */
  name?: string;
  score?: number;
  label?: string;
  comment?: string;
  explanation?: string;
  responseId?: string;
}

export type EvaluationResult = { ok: true; evaluation: Evaluation } | { ok: false; problem: string };

/**
 * Reads `gen_ai.evaluation.user_feedback` (Azure AI Foundry's documented event: `gen_ai.response.id`
 * required, `gen_ai.evaluation.score` in [-1, 1], body `{comment}`) and `gen_ai.evaluation.result`
 * (semconv ≥ 1.38: `gen_ai.evaluation.name` required, `score.value`, `score.label`, `explanation`,
 * `gen_ai.response.id`), from a log record or a span event. A problem names the field.
 */
export function readEvaluation(eventName: string, attributes: Attributes, body: unknown): EvaluationResult {
  const bodyFields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const responseId = stringOf(attributes['gen_ai.response.id']);
  if (eventName === USER_FEEDBACK) {
    if (!responseId) return { ok: false, problem: 'gen_ai.response.id is required' };
    const raw = attributes['gen_ai.evaluation.score'];
    const score = numberOf(raw);
    // Problems name the field, not the value: each is said once, however many records repeat it.
    if (raw !== undefined && score === undefined) return { ok: false, problem: 'gen_ai.evaluation.score must be a number' };
    if (score !== undefined && (score < -1 || score > 1)) return { ok: false, problem: 'gen_ai.evaluation.score must be in [-1, 1]' };
    const comment = stringOf(bodyFields['comment']) ?? (typeof body === 'string' ? body : undefined);
    return { ok: true, evaluation: compact({ kind: 'feedback', responseId, score, comment }) };
  }
  if (eventName === EVALUATION_RESULT) {
    const name = stringOf(attributes['gen_ai.evaluation.name']);
    if (!name) return { ok: false, problem: 'gen_ai.evaluation.name is required' };
    const raw = attributes['gen_ai.evaluation.score.value'];
    const score = numberOf(raw);
    if (raw !== undefined && score === undefined) return { ok: false, problem: 'gen_ai.evaluation.score.value must be a number' };
    return {
      ok: true,
      evaluation: compact({
        kind: 'evaluation',
        name,
        score,
        label: stringOf(attributes['gen_ai.evaluation.score.label']),
        explanation: stringOf(attributes['gen_ai.evaluation.explanation']),
        responseId,
      }),
    };
  }
  return { ok: false, problem: `not an evaluation event (${eventName})` };
}

export function isEvaluationEvent(name: string | undefined): boolean {
  return name === USER_FEEDBACK || name === EVALUATION_RESULT;
}

/** The Nexus span name: `feedback`, or `evaluation <name>`. */
export function evaluationSpanName(evaluation: Evaluation): string {
  return evaluation.kind === 'feedback' ? 'feedback' : `evaluation ${evaluation.name ?? ''}`.trim();
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function compact(evaluation: Evaluation): Evaluation {
  for (const key of Object.keys(evaluation) as Array<keyof Evaluation>) if (evaluation[key] === undefined) delete evaluation[key];
  return evaluation;
}
