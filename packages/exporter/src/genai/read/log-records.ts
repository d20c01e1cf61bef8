import { eventNameOf, type ReadableLogRecordLike } from '../../otel/log-types.js';
import { isRecord } from '../messages/json.js';
import { normalizeMessage, normalizeMessages, normalizePart } from '../messages/normalize.js';
import type { Message, Part } from '../messages/model.js';
import type { SpanReading } from '../reading.js';
import { SEMCONV } from '../privacy/content-keys.js';

/**
 * Message content that arrives as OTel log records correlated to a span by its span context, as
 * `@opentelemetry/instrumentation-openai` writes it:
 * - Chat Completions (semconv 1.28–1.36): one record per message, `gen_ai.{system,user,assistant,tool}.message`
 *   (body `{content, role?, tool_calls?, id?}`), and one `gen_ai.choice` per choice
 *   (body `{index, finish_reason, message: {content, role?, tool_calls?}}`), name in `event.name`;
 * - Responses API (semconv ≥ 1.37): `gen_ai.client.inference.operation.details` (`eventName`) with
 *   structured `gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`.
 * Without content capture the bodies are empty: roles, tool call ids and names remain.
 */
export const CONTENT_EVENTS = new Set([
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
  'gen_ai.client.inference.operation.details',
]);

const ROLE_OF: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

export function isContentRecord(record: ReadableLogRecordLike): boolean {
  return CONTENT_EVENTS.has(eventNameOf(record) ?? '');
}

export function readLogRecords(records: readonly ReadableLogRecordLike[]): SpanReading | undefined {
  const input: Message[] = [];
  const output: Message[] = [];
  let system: Part[] | undefined;
  for (const record of records) {
    const name = eventNameOf(record) ?? '';
    const role = ROLE_OF[name];
    if (role) {
      const message = normalizeMessage(record.body ?? {}, role);
      if (message && (message.parts.length > 0 || role !== 'system')) input.push(message);
    } else if (name === 'gen_ai.choice') {
      const body = isRecord(record.body) ? record.body : {};
      const message = normalizeMessage(isRecord(body['message']) ? { role: 'assistant', ...body['message'] } : {}, 'assistant') ?? { role: 'assistant', parts: [] };
      if (Array.isArray(body['tool_calls']) && !message.parts.some((p) => p.type === 'tool_call')) {
        message.parts.push(...(normalizeMessage({ role: 'assistant', tool_calls: body['tool_calls'] })?.parts ?? []));
      }
      if (typeof body['finish_reason'] === 'string') message.finish_reason = body['finish_reason'];
      output.push(message);
    } else if (name === 'gen_ai.client.inference.operation.details') {
      const attributes = record.attributes ?? {};
      input.push(...(normalizeMessages(attributes[SEMCONV.inputMessages.key]) ?? []));
      output.push(...(normalizeMessages(attributes[SEMCONV.outputMessages.key]) ?? []));
      const instructions = attributes[SEMCONV.systemInstructions.key];
      if (instructions !== undefined) {
        const parts = (Array.isArray(instructions) ? instructions : [instructions]).flatMap((part) => normalizePart(part));
        if (parts.length > 0) system = parts;
      }
    }
  }
  const reading: SpanReading = {};
  // A message whose content was not captured keeps its role and tool-call skeleton only.
  const kept = (messages: Message[]) => messages.filter((m) => m.parts.length > 0 || m.finish_reason !== undefined);
  if (kept(input).length > 0) reading.inputMessages = kept(input);
  if (kept(output).length > 0) reading.outputMessages = kept(output);
  if (system) reading.systemInstructions = system;
  return Object.keys(reading).length > 0 ? reading : undefined;
}
