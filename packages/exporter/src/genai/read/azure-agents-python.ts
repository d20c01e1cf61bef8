/**
 * Reader for Python `azure-ai-agents` `AIAgentsInstrumentor` spans (`create_agent <name>`, `create_thread`,
 * `create_message`, `start_thread_run`, `get_thread_run`, `process_thread_run`, `submit_tool_outputs`,
 * `list_messages`, `list_run_steps`). Recognised by `gen_ai.system` or `gen_ai.provider.name` =
 * `az.ai.agents` on a span that is not the JS legacy SDK's (scope `@azure/ai-projects`, PascalCase name).
 *
 * Reads (left first within a field):
 * - operation      `gen_ai.operation.name` → first word of the span name
 * - provider / requestModel / responseModel  `gen_ai.provider.name` → `gen_ai.system`; `gen_ai.request.model`;
 *                  `gen_ai.response.model`
 * - usage          span `gen_ai.usage.input_tokens`/`output_tokens` (→ `prompt_tokens`/`completion_tokens`).
 *                  The step usage on `gen_ai.run_step.*` events is NOT taken: the steps add up to the run's
 *                  usage, which get_thread_run/process_thread_run already report (counted once in the rollup).
 * - ids            span `gen_ai.thread.id`, `gen_ai.thread.run.id` (un-swapped when list_run_steps wrote a
 *                  `run_…` id as thread id and a `thread_…` id as run id), `gen_ai.agent.id`, `gen_ai.agent.name`,
 *                  `gen_ai.message.id` → the same keys on the span's events, when all events agree
 * - runStatus      `gen_ai.thread.run.status`
 * - toolCalls      `gen_ai.run_step.tool_calls` events, and streaming `gen_ai.assistant.message` events whose
 *                  body holds `tool_calls`: body via `toolCallsFromRunStepContent`; times from the event's
 *                  `gen_ai.run_step.start.timestamp` / `end.timestamp`; status from the event's `error.type` /
 *                  `error.message` → `gen_ai.run_step.status` (`gen_ai.message.status` when streaming).
 *                  A call without output takes it from a `gen_ai.tool.message` event of the same span
 *                  (`{"content", "id"}`) with the same id.
 * - outputMessages `gen_ai.run_step.message_creation` events with a body (the versions read write none: only
 *                  `gen_ai.message.id`, which then goes to ids)
 * - error          ERROR span: `error.type` (the run's `last_error.code`) + status message → `code: message`
 *
 * `gen_ai.<role>.message` bodies (user/assistant/system/tool messages) are left to the span-events reader.
 */
import { asNumber, asString, isRecord, parseDeep, parseMaybeJson } from '../messages/json.js';
import { isRedactionMarker, normalizeMessage } from '../messages/normalize.js';
import type { Message } from '../messages/model.js';
import { StatusCode, type Attributes, type ReadableSpanLike } from '../../otel/types.js';
import { attributesOf, presentText } from './values.js';
import type { IdsReading, SpanReading, SpanReader, ToolCallReading, UsageReading } from '../reading.js';
import { toolCallsFromRunStepContent } from './tool-call-parts.js';
import { SEMCONV } from '../privacy/content-keys.js';

const SYSTEM = 'az.ai.agents';

export const readAzureAgentsPython: SpanReader = (span) => {
  const attributes = attributesOf(span);
  if (!isAzureAgentsPython(span, attributes)) return undefined;
  const reading: SpanReading = { provider: SYSTEM };

  const operation = presentText(attributes['gen_ai.operation.name']) ?? presentText(asString(span.name)?.split(' ')[0]);
  if (operation) reading.operation = operation;
  const requestModel = presentText(attributes['gen_ai.request.model']);
  if (requestModel) reading.requestModel = requestModel;
  const responseModel = presentText(attributes['gen_ai.response.model']);
  if (responseModel) reading.responseModel = responseModel;
  const runStatus = presentText(attributes['gen_ai.thread.run.status']);
  if (runStatus) reading.runStatus = runStatus;

  const events = Array.isArray(span.events) ? span.events : [];
  const toolCalls: ToolCallReading[] = [];
  const toolOutputs = new Map<string, unknown>();
  const outputMessages: Message[] = [];

  for (const event of events) {
    if (typeof event !== 'object' || event === null || typeof event.name !== 'string') continue;
    const eventAttributes = attributesOf(event);
    const body = eventAttributes[SEMCONV.eventContent.key];
    if (event.name === 'gen_ai.run_step.tool_calls' || event.name === 'gen_ai.assistant.message') {
      const calls = toolCallsFromRunStepContent(body);
      for (const call of calls) toolCalls.push(withStep(call, eventAttributes));
    } else if (event.name === 'gen_ai.run_step.message_creation') {
      const message = body === undefined ? undefined : normalizeMessage(body, 'assistant');
      if (message && message.parts.length > 0) outputMessages.push(message);
    } else if (event.name === 'gen_ai.tool.message') {
      const parsed = parseMaybeJson(body);
      const id = isRecord(parsed) ? asString(parsed['id']) : undefined;
      if (id && isRecord(parsed)) toolOutputs.set(id, parsed['content']);
    }
  }

  // Streaming runs record submitted outputs on the run span itself: give each call its result.
  for (const call of toolCalls) {
    if (call.output !== null || !call.id || !toolOutputs.has(call.id)) continue;
    const output = parseDeep(toolOutputs.get(call.id));
    if (output !== undefined && output !== null && !(typeof output === 'string' && isRedactionMarker(output))) call.output = output;
  }
  if (toolCalls.length > 0) reading.toolCalls = toolCalls;
  if (outputMessages.length > 0) reading.outputMessages = outputMessages;

  const usage = usageOf(attributes);
  if (usage) reading.usage = usage;
  const ids = readIds(attributes, events);
  if (ids) reading.ids = ids;
  const error = readError(span, attributes);
  if (error) reading.error = error;
  return reading;
};

function isAzureAgentsPython(span: ReadableSpanLike, attributes: Attributes): boolean {
  if (attributes['gen_ai.system'] !== SYSTEM && attributes['gen_ai.provider.name'] !== SYSTEM) return false;
  // The JS legacy SDK (@azure/ai-projects 1.0.0-beta) uses the same system: PascalCase names, its own reader.
  if (span.instrumentationScope?.name === '@azure/ai-projects') return false;
  const name = asString(span.name) ?? '';
  return !/^[A-Z][A-Za-z]*$/.test(name) && attributes['gen_ai.operation.name'] !== 'Agent_Operation';
}

/** The step's own times, status and error on each of its calls. */
function withStep(call: ToolCallReading, attributes: Attributes): ToolCallReading {
  const started = timestampMillis(attributes['gen_ai.run_step.start.timestamp']);
  const ended = timestampMillis(attributes['gen_ai.run_step.end.timestamp']);
  if (started !== undefined) call.startedAtMillis = started;
  if (ended !== undefined) call.endedAtMillis = ended;
  const code = presentText(attributes['error.type']);
  const message = presentText(attributes['error.message']);
  const status = presentText(attributes['gen_ai.run_step.status']) ?? presentText(attributes['gen_ai.message.status']);
  if (code || message) {
    call.status = 'error';
    call.error = joinError(code, message);
  } else if (status === 'failed' || status === 'expired' || status === 'cancelled') {
    call.status = 'error';
    call.error = `run step ${status}`;
  } else if (status === 'completed' && call.status === undefined) {
    call.status = 'ok';
  }
  return call;
}

/** ISO strings (`2025-10-09T08:53:34+00:00`, what `datetime.isoformat()` writes) or the epoch seconds fallback. */
function timestampMillis(value: unknown): number | undefined {
  const number = asNumber(value);
  if (number !== undefined) return number < 1e11 ? Math.round(number * 1000) : Math.round(number);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const millis = Date.parse(value.trim());
  return Number.isFinite(millis) ? millis : undefined;
}

function usageOf(attributes: Attributes): UsageReading | undefined {
  const input = asNumber(attributes['gen_ai.usage.input_tokens']) ?? asNumber(attributes['gen_ai.usage.prompt_tokens']);
  const output = asNumber(attributes['gen_ai.usage.output_tokens']) ?? asNumber(attributes['gen_ai.usage.completion_tokens']);
  if (input === undefined && output === undefined) return undefined;
  const usage: UsageReading = {};
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  return usage;
}

function readIds(attributes: Attributes, events: ReadonlyArray<unknown>): IdsReading | undefined {
  let threadId = presentText(attributes['gen_ai.thread.id']);
  let runId = presentText(attributes['gen_ai.thread.run.id']);
  // list_run_steps passes (run_id, thread_id) positionally into (thread_id, run_id) in the versions read.
  if (threadId?.startsWith('run_') || runId?.startsWith('thread_')) [threadId, runId] = [runId, threadId];
  const ids: IdsReading = {};
  const fromEvents = (key: string): string | undefined => {
    const values = new Set<string>();
    for (const event of events) {
      const value = presentText(attributesOf(event)[key]);
      if (value) values.add(value);
    }
    return values.size === 1 ? [...values][0] : undefined;
  };
  const set = (field: keyof IdsReading, value: string | undefined): void => {
    if (value) ids[field] = value;
  };
  set('agentId', presentText(attributes['gen_ai.agent.id']) ?? fromEvents('gen_ai.agent.id'));
  set('agentName', presentText(attributes['gen_ai.agent.name']));
  set('threadId', threadId ?? fromEvents('gen_ai.thread.id'));
  set('runId', runId ?? fromEvents('gen_ai.thread.run.id'));
  set('messageId', presentText(attributes['gen_ai.message.id']) ?? fromEvents('gen_ai.message.id'));
  return Object.keys(ids).length > 0 ? ids : undefined;
}

/** A failed run: status ERROR with `last_error.message`, `error.type` = `last_error.code`. */
function readError(span: ReadableSpanLike, attributes: Attributes): string | undefined {
  if (span.status?.code !== StatusCode.ERROR) return undefined;
  const message = presentText(typeof span.status.message === 'string' ? span.status.message.trim() : undefined);
  const code = presentText(attributes['error.type']);
  if (code && message?.startsWith(code)) return message;
  return joinError(code, message) || undefined;
}

function joinError(code: string | undefined, message: string | undefined): string {
  return [code, message].filter(Boolean).join(': ');
}
