import { asString, isRecord, parseDeep, parseMaybeJson } from './json.js';
import type { JsonValue } from '../../map/types.js';
import type { Message, Part } from './model.js';
import { flatMapItems } from './flat-map.js';

/**
 * Normalises what sources call a message into the canonical model. Understands the current shape
 * (`{role, parts}`), the OpenAI shape (`{role, content, tool_calls, tool_call_id}`), Azure's event
 * bodies (`content: {text: {value}}`), and AI SDK provider prompts (`content: [{type:'text', text}]`).
 * Unknown fields of a part are kept; nothing throws.
 */
export function normalizeMessages(value: unknown): Message[] | undefined {
  const parsed = parseMaybeJson(value);
  if (parsed === undefined || parsed === null) return undefined;
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const messages = list.map((item) => messageOf(item, 'user')).filter((m): m is Message => m !== undefined);
  return messages.length > 0 ? messages : undefined;
}

export function normalizeMessage(value: unknown, fallbackRole = 'user'): Message | undefined {
  return messageOf(parseMaybeJson(value), fallbackRole);
}

/** The same, for a value that came out of `parseMaybeJson` (or is a part of one): it is not made storable again. */
export function normalizeParsedMessage(value: JsonValue, fallbackRole = 'user'): Message | undefined {
  return messageOf(value, fallbackRole);
}

/**
 * A part of a value that `parseMaybeJson` returned is storable JSON already; only a string in it
 * (a message or a part encoded once more, as JSON text) still needs parsing.
 */
function reparse(value: JsonValue | undefined): JsonValue | undefined {
  return typeof value === 'string' ? parseMaybeJson(value) : value;
}

function messageOf(value: JsonValue | undefined, fallbackRole: string): Message | undefined {
  const item = reparse(value);
  if (typeof item === 'string') return { role: fallbackRole, parts: textParts(item) };
  if (!isRecord(item)) return undefined;
  const role = asString(item['role']) ?? fallbackRole;
  const parts: Part[] = [];
  if (Array.isArray(item['parts'])) {
    for (const part of item['parts']) parts.push(...partsOf(part));
  } else {
    parts.push(...contentParts(item['content']));
    const toolCalls = item['tool_calls'] ?? item['toolCalls'];
    if (Array.isArray(toolCalls)) for (const call of toolCalls) parts.push(...toolCallParts(call));
    const functionCall = item['function_call'];
    if (isRecord(functionCall)) parts.push(...toolCallParts({ function: functionCall }));
    const toolCallId = asString(item['tool_call_id']) ?? (role === 'tool' ? asString(item['id']) : undefined);
    if (role === 'tool' && parts.every((p) => p.type === 'text')) {
      const response = parts.length === 1 ? (parts[0] as { content: string }).content : parts.length === 0 ? null : parts.map((p) => (p as { content: string }).content).join('');
      return withExtras({ role, parts: [{ type: 'tool_call_response', id: toolCallId ?? null, response: parseDeepParsed(response) ?? null }] }, item);
    }
  }
  return withExtras({ role, parts }, item);
}

function withExtras(message: Message, item: { [key: string]: JsonValue }): Message {
  const name = asString(item['name']);
  const finish = asString(item['finish_reason']) ?? asString(item['finishReason']);
  if (name) message.name = name;
  if (finish) message.finish_reason = finish;
  return message;
}

/** One part in any known shape → canonical parts (an empty text part is a redaction marker and dropped). */
export function normalizePart(value: unknown): Part[] {
  return partsOf(parseMaybeJson(value));
}

/** The same, for a value that came out of `parseMaybeJson` (or is a part of one). */
export function normalizeParsedPart(value: JsonValue): Part[] {
  return partsOf(value);
}

function partsOf(value: JsonValue | undefined): Part[] {
  const part = reparse(value);
  if (typeof part === 'string') return textParts(part);
  if (!isRecord(part)) return [];
  const type = asString(part['type']) ?? 'text';
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      const content = asString(part['content']) ?? asString(part['text']) ?? textValue(part['text']);
      return content === undefined ? [] : textParts(content);
    }
    case 'tool_call':
    case 'function_call':
    case 'tool-call':
      // Azure's built-in tools come as tool_call parts whose `content` holds the call: keep as they come.
      if (isRecord(part['content']) && part['name'] === undefined) return [{ ...part, type: 'tool_call' } as Part];
      return toolCallParts(part);
    case 'tool_call_response':
    case 'function_call_output':
    case 'tool-result':
    case 'tool_result':
      return [
        {
          type: 'tool_call_response',
          id: asString(part['id']) ?? asString(part['call_id']) ?? asString(part['toolCallId']) ?? null,
          // The schema says `response`; the registry's own example and Azure say `result`.
          response: parseDeepParsed(part['response'] ?? part['result'] ?? part['output']) ?? null,
        },
      ];
    default:
      return [part as Part];
  }
}

/** Types that name a call itself, not a tool kind. */
const TOOL_CALL_TYPES = new Set(['function', 'tool_call', 'function_call', 'tool-call']);

function toolCallParts(value: JsonValue | undefined): Part[] {
  const call = reparse(value);
  if (!isRecord(call)) return [];
  // A built-in tool entry (`{id, type:'code_interpreter', code_interpreter:{…}}`) is kept whole, as
  // Azure's ai-projects 2.x parts are, so its details survive.
  const kind = asString(call['type']);
  if (kind && !TOOL_CALL_TYPES.has(kind) && !isRecord(call['function']) && call['name'] === undefined && call['toolName'] === undefined) {
    return [{ type: 'tool_call', content: call } as Part];
  }
  const fn = isRecord(call['function']) ? call['function'] : call;
  const name = asString(fn['name']) ?? asString(call['toolName']) ?? asString(call['name']) ?? 'tool';
  const args = fn['arguments'] ?? call['arguments'] ?? call['input'] ?? call['args'];
  return [
    {
      type: 'tool_call',
      id: asString(call['id']) ?? asString(call['call_id']) ?? asString(call['toolCallId']) ?? null,
      name,
      arguments: parseDeepParsed(args) ?? null,
    },
  ];
}

/** `content` as a string, a list of parts, or Azure's `{text: {value}}`. */
function contentParts(content: JsonValue | undefined): Part[] {
  // A string is text, even when it happens to be JSON (a tool's output, a user pasting JSON).
  if (typeof content === 'string') return textParts(content);
  const value = content;
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return textParts(value);
  if (Array.isArray(value)) return flatMapItems(value, partsOf);
  if (isRecord(value)) {
    const text = textValue(value['text']) ?? asString(value['value']);
    if (text !== undefined) return textParts(text);
    return partsOf(value);
  }
  return textParts(String(value));
}

function textValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value)) return asString(value['value']);
  return undefined;
}

/** Instrumentations write `""` or `"__REDACTED__"` where content was not captured: that is no content. */
export function isRedactionMarker(text: string): boolean {
  return text === '' || text === '__REDACTED__';
}

/** `parseDeep` for a part of a parsed value: only strings are decoded further. */
function parseDeepParsed(value: JsonValue | undefined): JsonValue | undefined {
  return typeof value === 'string' ? parseDeep(value) : value;
}

function textParts(text: string): Part[] {
  return isRedactionMarker(text) ? [] : [{ type: 'text', content: text }];
}
