import { createRequire } from 'node:module';
import * as otel from '@opentelemetry/api';
import { USER_FEEDBACK } from './logs/evaluation.js';

/** The part of a Logs API logger this module uses (api-logs 0.2xx and `@opentelemetry/api` ≥ 1.10 alike). */
export interface FeedbackLogger {
  emit(record: {
    eventName?: string;
    severityNumber?: number;
    attributes?: Record<string, string | number>;
    body?: Record<string, string>;
    context?: otel.Context;
  }): void;
}

interface LogsApi {
  getLogger(name: string): FeedbackLogger;
}

/**
 * The OTel JS 3.x line has the Logs API inside `@opentelemetry/api` (1.10); the 2.x line has it in
 * `@opentelemetry/api-logs`, whose global is kept apart. Use the one the app's line registers with.
 */
const apiLogs: LogsApi | undefined = (otel as unknown as { logs?: LogsApi }).logs;
// Loaded synchronously (no top-level await), so CommonJS apps can require this module too.
const separateLogs: LogsApi | undefined = apiLogs ? undefined : optionalLogsApi();

function optionalLogsApi(): LogsApi | undefined {
  try {
    return (createRequire(import.meta.url)('@opentelemetry/api-logs') as { logs: LogsApi }).logs;
  } catch {
    return undefined;
  }
}

const SEVERITY_INFO = 9;

export interface UserFeedback {
  /** The `gen_ai.response.id` of the answer rated (a chat completion id, a Responses API id…). */
  responseId: string;
  /** The user's reaction in [-1, 1]: 1 thumbs up, -1 thumbs down, 0 neutral. */
  score?: number;
  /** Free text from the user. */
  comment?: string;
  /** The context of the span that produced the answer, when the app still has it: the record is parented to it. */
  context?: otel.Context;
}

/**
 * Emits user feedback the documented way (Azure AI Foundry's `gen_ai.evaluation.user_feedback`): an
 * OTel log record through the Logs API, with `gen_ai.response.id` and `gen_ai.evaluation.score`
 * attributes and body `{comment}`. `NexusLogRecordExporter` nests it under the rated response in
 * Nexus; Application Insights and any other log pipeline get the same record. Invalid feedback is
 * not emitted: one diag warning, and `false`.
 */
export function recordUserFeedback(feedback: UserFeedback, options: { logger?: FeedbackLogger } = {}): boolean {
  const { responseId, score, comment, context } = feedback ?? ({} as UserFeedback);
  if (typeof responseId !== 'string' || responseId.trim() === '') {
    otel.diag.warn('recordUserFeedback: responseId (gen_ai.response.id) is required; feedback not recorded.');
    return false;
  }
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score) || score < -1 || score > 1)) {
    otel.diag.warn(`recordUserFeedback: score must be a number in [-1, 1], got ${String(score)}; feedback not recorded.`);
    return false;
  }
  const logger = options.logger ?? (apiLogs ?? separateLogs)?.getLogger('@nexus-otel/exporter');
  if (!logger) {
    otel.diag.warn('recordUserFeedback: no Logs API found: install @opentelemetry/api-logs (OTel JS 2.x) or use @opentelemetry/api ≥ 1.10.');
    return false;
  }
  logger.emit({
    eventName: USER_FEEDBACK,
    severityNumber: SEVERITY_INFO,
    attributes: { 'gen_ai.response.id': responseId, ...(score !== undefined ? { 'gen_ai.evaluation.score': score } : {}) },
    ...(comment !== undefined ? { body: { comment } } : {}),
    ...(context ? { context } : {}),
  });
  return true;
}
