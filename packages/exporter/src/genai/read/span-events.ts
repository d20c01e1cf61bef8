/**
 * Reader for GenAI messages carried as span events (not as span attributes):
 *
 * - Per-message events of semconv v1.28–v1.36 as the Azure SDKs write them on spans
 *   (`@azure-rest/ai-inference`, legacy `@azure/ai-projects` 1.0.0-beta, Python azure-ai-*):
 *   `gen_ai.system.message`, `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`
 *   → inputMessages, in event order; `gen_ai.choice` → outputMessages (finish_reason from the body).
 *   The body is the attribute `gen_ai.event.content` (a JSON string, or structured). The role comes
 *   from the body's `role`, else from the event name.
 * - v1.26 events `gen_ai.content.prompt` (attribute `gen_ai.prompt`) → inputMessages and
 *   `gen_ai.content.completion` (attribute `gen_ai.completion`) → outputMessages, JSON strings in
 *   OpenAI message format (completion: messages or choices `{index, message, finish_reason}`).
 *
 * Both kinds are read and appended in event order; there is no precedence between them (a span
 * carries one kind). A `gen_ai.prompt`/`gen_ai.completion` array cut short (invalid JSON) goes raw
 * to inputValue/outputValue; a per-message body cut short stays a text message of the event's role.
 * Content not captured (`""`, `{}`, `{"content":""}`, blanked tool names/arguments) is dropped.
 * `gen_ai.run_step.*` events are left to the Azure agents reader. Undefined when the span has
 * none of these events.
 */
import { asString, isRecord, parseDeep, parseMaybeJson } from '../messages/json.js';
import { isRedactionMarker, normalizeMessage } from '../messages/normalize.js';
import type { Message, Part } from '../messages/model.js';
import type { JsonValue } from '../../map/types.js';
import type { SpanEventLike } from '../../otel/types.js';
import type { SpanReader, SpanReading } from '../reading.js';
import { cleanMessages } from './semconv.js';
import { SEMCONV } from '../privacy/content-keys.js';

const MESSAGE_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

export const readSpanEvents: SpanReader = (span) => {
  const events: readonly SpanEventLike[] = Array.isArray(span?.events) ? span.events : [];
  const input: Message[] = [];
  const output: Message[] = [];
  const rawInput: string[] = [];
  const rawOutput: string[] = [];
  let recognised = false;

  for (const event of events) {
    if (!event || typeof event.name !== 'string') continue;
    const attributes = isRecord(event.attributes) ? event.attributes : {};
    const role = MESSAGE_EVENTS[event.name];
    if (role !== undefined) {
      recognised = true;
      const message = bodyMessage(attributes[SEMCONV.eventContent.key], role);
      if (message) input.push(message);
    } else if (event.name === 'gen_ai.choice') {
      recognised = true;
      const message = choiceMessage(attributes[SEMCONV.eventContent.key]);
      if (message) output.push(message);
    } else if (event.name === 'gen_ai.content.prompt') {
      recognised = true;
      collect(attributes[SEMCONV.prompt.key], 'user', input, rawInput);
    } else if (event.name === 'gen_ai.content.completion') {
      recognised = true;
      collect(attributes[SEMCONV.completion.key], 'assistant', output, rawOutput);
    }
  }
  if (!recognised) return undefined;

  const reading: SpanReading = {};
  const inputMessages = cleanMessages(input);
  const outputMessages = cleanMessages(output);
  if (inputMessages) reading.inputMessages = inputMessages;
  if (outputMessages) reading.outputMessages = outputMessages;
  const inputValue = rawValue(rawInput);
  const outputValue = rawValue(rawOutput);
  if (inputValue !== undefined) reading.inputValue = inputValue;
  if (outputValue !== undefined) reading.outputValue = outputValue;
  return reading;
};

/** One message event body: `{content, role?, tool_calls?, id?}` (Azure: `content: {text: {value}}`). */
function bodyMessage(value: unknown, role: string): Message | undefined {
  const body = parseMaybeJson(value);
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    // Plain text, or a body cut short by a length limit: keep it as text under the event's role.
    return isRedactionMarker(body.trim()) ? undefined : { role, parts: [{ type: 'text', content: body }] };
  }
  if (!isRecord(body)) return undefined;
  const { rest, builtIn } = splitBuiltInToolCalls(body);
  const content = rest['content'];
  if (typeof content !== 'string') {
    const message = normalizeMessage(rest, role);
    if (message && builtIn.length > 0) message.parts.push(...builtIn);
    return message;
  }
  // A string `content` is text, even when it looks like JSON (a tool output usually does): the shared
  // normaliser would parse it and drop the object it gets, so the text is taken here.
  const { content: _content, ...others } = rest;
  const actualRole = asString(rest['role']) ?? role;
  const captured = !isRedactionMarker(content.trim());
  if (actualRole === 'tool') {
    const id = asString(rest['tool_call_id']) ?? asString(rest['id']) ?? null;
    const message: Message = { role: actualRole, parts: [{ type: 'tool_call_response', id, response: captured ? (parseDeep(content) ?? null) : null }] };
    const name = asString(rest['name']);
    if (name) message.name = name;
    return message;
  }
  const message = normalizeMessage(others, role);
  if (!message) return undefined;
  if (captured) message.parts.unshift({ type: 'text', content });
  if (builtIn.length > 0) message.parts.push(...builtIn);
  return message;
}

/**
 * A choice body `{finish_reason, index, message: {content, role?, tool_calls | toolCalls}}`.
 * Azure ai-inference writes `toolCalls` (camelCase); v1.28 also allowed `tool_calls` beside `message`.
 */
function choiceMessage(value: unknown): Message | undefined {
  const body = parseMaybeJson(value);
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    return isRedactionMarker(body.trim()) ? undefined : { role: 'assistant', parts: [{ type: 'text', content: body }] };
  }
  if (!isRecord(body)) return undefined;
  let inner: { [key: string]: JsonValue } = isRecord(body['message']) ? { ...body['message'] } : {};
  if (!isRecord(body['message'])) {
    // No `message` wrapper: the choice itself holds the message fields.
    const { finish_reason: _f, finishReason: _g, index: _i, ...fields } = body;
    inner = fields;
  }
  const calls = body['tool_calls'] ?? body['toolCalls'];
  if (Array.isArray(calls) && inner['tool_calls'] === undefined && inner['toolCalls'] === undefined) inner['tool_calls'] = calls;
  const message = bodyMessage(inner, 'assistant');
  if (!message) return undefined;
  const finish = asString(body['finish_reason']) ?? asString(body['finishReason']);
  if (finish) message.finish_reason = finish;
  return message;
}

/** `gen_ai.prompt` / `gen_ai.completion`: an array of messages or choices, one of them, or plain text. */
function collect(value: unknown, role: string, into: Message[], raw: string[]): void {
  const parsed = parseMaybeJson(value);
  if (parsed === undefined || parsed === null) return;
  if (typeof parsed === 'string') {
    const trimmed = parsed.trim();
    if (isRedactionMarker(trimmed)) return;
    // Invalid JSON that looks like JSON was cut short: which message it was is unknown.
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) raw.push(parsed);
    else into.push({ role, parts: [{ type: 'text', content: parsed }] });
    return;
  }
  for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
    const message = isRecord(item) && isRecord(item['message']) ? choiceMessage(item) : bodyMessage(item, role);
    if (message) into.push(message);
  }
}

/**
 * Python azure-ai-agents writes built-in tool calls (`code_interpreter`, `bing_grounding`, `mcp`,
 * `openapi`, …) as `{id, type: T, T: {…}}` entries of `tool_calls`, which the function-call shape
 * cannot hold. They are kept whole as `{type: 'tool_call', content: <entry>}` parts, the form the
 * normaliser already keeps for Azure v2's built-in tools.
 */
function splitBuiltInToolCalls(body: { [key: string]: JsonValue }): { rest: { [key: string]: JsonValue }; builtIn: Part[] } {
  const builtIn: Part[] = [];
  const rest = { ...body };
  for (const key of ['tool_calls', 'toolCalls']) {
    const calls = parseMaybeJson(rest[key]);
    if (!Array.isArray(calls)) continue;
    const functions: JsonValue[] = [];
    for (const call of calls) {
      const type = isRecord(call) ? asString(call['type']) : undefined;
      if (isRecord(call) && type !== undefined && type !== 'function') builtIn.push({ type: 'tool_call', content: call });
      else functions.push(call);
    }
    rest[key] = functions;
  }
  return { rest, builtIn };
}

function rawValue(raw: string[]): JsonValue | undefined {
  if (raw.length === 0) return undefined;
  return raw.length === 1 ? (raw[0] as string) : raw;
}
