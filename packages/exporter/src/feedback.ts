import { diag, type Context } from '@opentelemetry/api';
import { logs, SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import { USER_FEEDBACK } from './logs/evaluation.js';

export interface UserFeedback {
  /** The `gen_ai.response.id` of the answer rated (a chat completion id, a Responses API id…). */
  responseId: string;
  /** The user's reaction in [-1, 1]: 1 thumbs up, -1 thumbs down, 0 neutral. */
  score?: number;
  /** Free text from the user. */
  comment?: string;
  /** The context of the span that produced the answer, when the app still has it: the record is parented to it. */
  context?: Context;
}

/**
 * Emits user feedback the documented way (Azure AI Foundry's `gen_ai.evaluation.user_feedback`): an
 * OTel log record through the Logs API, with `gen_ai.response.id` and `gen_ai.evaluation.score`
 * attributes and body `{comment}`. `NexusLogRecordExporter` nests it under the rated response in
 * Nexus; Application Insights and any other log pipeline get the same record. Invalid feedback is
 * not emitted: one diag warning, and `false`.
 */
export function recordUserFeedback(feedback: UserFeedback, options: { logger?: Logger } = {}): boolean {
  const { responseId, score, comment, context } = feedback ?? ({} as UserFeedback);
  if (typeof responseId !== 'string' || responseId.trim() === '') {
    diag.warn('recordUserFeedback: responseId (gen_ai.response.id) is required; feedback not recorded.');
    return false;
  }
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score) || score < -1 || score > 1)) {
    diag.warn(`recordUserFeedback: score must be a number in [-1, 1], got ${String(score)}; feedback not recorded.`);
    return false;
  }
  const logger = options.logger ?? logs.getLogger('@nexus-otel/exporter');
  logger.emit({
    eventName: USER_FEEDBACK,
    severityNumber: SeverityNumber.INFO,
    attributes: { 'gen_ai.response.id': responseId, ...(score !== undefined ? { 'gen_ai.evaluation.score': score } : {}) },
    ...(comment !== undefined ? { body: { comment } } : {}),
    ...(context ? { context } : {}),
  });
  return true;
}
