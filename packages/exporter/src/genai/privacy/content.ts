import type { JsonValue } from '../../map/types.js';
import type { Message, Part } from '../messages/model.js';

/**
 * For `captureContent: false`: the conversation's shape without its content. Each message keeps its
 * role and finish reason; each part keeps its `type`, and its `id` and `name` when they are strings
 * (tool call ids and tool names, so a trace still shows which tool ran). Text, tool call arguments,
 * tool responses and every other field (data, uri, reasoning content, a message's author `name`,
 * which is often a person's) are dropped, not blanked: no empty string that could be read as data.
 * Returns new objects; the input is untouched.
 */
export function stripContent(messages: Message[]): Message[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((message) => {
    const out: Message = { role: typeof message?.role === 'string' ? message.role : 'user', parts: stripParts(message?.parts) };
    if (typeof message?.finish_reason === 'string') out.finish_reason = message.finish_reason;
    return out;
  });
}

function stripParts(parts: unknown): Part[] {
  if (!Array.isArray(parts)) return [];
  return parts.map((part: unknown): Part => {
    const record = typeof part === 'object' && part !== null ? (part as Record<string, unknown>) : {};
    const stripped: { type: string; [field: string]: JsonValue } = { type: typeof record['type'] === 'string' ? record['type'] : 'unknown' };
    if (typeof record['id'] === 'string') stripped['id'] = record['id'];
    if (typeof record['name'] === 'string') stripped['name'] = record['name'];
    return stripped;
  });
}
