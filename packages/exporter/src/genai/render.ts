import { setOwn, toJsonValue, wellFormed } from '../map/attributes.js';
import { stripContent } from './privacy/content.js';
import { mayPassRaw } from './privacy/content-keys.js';
import { evaluationInput } from './read/evaluation.js';
import { hasCount } from './read/values.js';
import type { JsonValue } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { CombinedReading } from './combine.js';
import type { Message } from './messages/model.js';
import { memoByKey } from './memo-by-key.js';

export interface RenderOptions {
  /** false: Nexus gets message structure (roles, part types, tool names) but no content. */
  captureContent: boolean;
}

/**
 * The Nexus `input` of a GenAI span: the conversation sent (system instructions first), the tools
 * offered, the model asked for, and the span's other attributes. A tool span's input is its
 * arguments, so the user reads the call, not an envelope.
 */
/** Operations whose input and output are a value (arguments, a verdict), not a conversation. */
export const VALUE_OPERATIONS: ReadonlySet<string> = new Set(['execute_tool', 'feedback', 'evaluation']);

export function renderInput(span: ReadableSpanLike, reading: CombinedReading, options: RenderOptions): JsonValue {
  if (VALUE_OPERATIONS.has(reading.operation ?? '') && !reading.inputMessages) {
    // Feedback is not model content: the user gave it to be seen. An evaluator's explanation is.
    if (reading.evaluation) return evaluationInput(reading.evaluation, options);
    if (reading.operation !== 'execute_tool') return reading.inputValue ?? null;
    return options.captureContent ? (reading.inputValue ?? null) : null;
  }
  const input: { [key: string]: JsonValue } = {};
  if (reading.requestModel) input['model'] = reading.requestModel;
  const messages: Message[] = [];
  const history = reading.inputMessages ?? [];
  // Instructions some sources also repeat as the first message of the history are shown once.
  if (reading.systemInstructions && reading.systemInstructions.length > 0 && !startsWithSame(history, reading.systemInstructions)) {
    messages.push({ role: 'system', parts: reading.systemInstructions });
  }
  messages.push(...history);
  if (messages.length > 0) input['messages'] = asJson(options.captureContent ? messages : stripContent(messages));
  if (reading.toolDefinitions !== undefined && options.captureContent) input['tools'] = reading.toolDefinitions;
  if (reading.inputValue !== undefined && messages.length === 0 && options.captureContent) input['value'] = reading.inputValue;
  const attributes = plainAttributes(span, options);
  if (Object.keys(attributes).length > 0) input['attributes'] = attributes;
  return Object.keys(input).length > 0 ? input : null;
}

/** The Nexus `output`: the messages returned (one per choice), the usage and the response id. */
export function renderOutput(reading: CombinedReading, options: RenderOptions): JsonValue {
  if (VALUE_OPERATIONS.has(reading.operation ?? '') && !reading.outputMessages) {
    return options.captureContent ? (reading.outputValue ?? null) : null;
  }
  const output: { [key: string]: JsonValue } = {};
  if (reading.outputMessages && reading.outputMessages.length > 0) {
    output['messages'] = asJson(options.captureContent ? reading.outputMessages : stripContent(reading.outputMessages));
  } else if (reading.outputValue !== undefined && options.captureContent) {
    output['value'] = reading.outputValue;
  }
  if (reading.responseModel) output['model'] = reading.responseModel;
  if (reading.ids.responseId) output['response_id'] = reading.ids.responseId;
  if (reading.runStatus) output['run_status'] = reading.runStatus;
  const usage = reading.usage;
  if (usage) {
    const tokens: { [key: string]: JsonValue } = {};
    if (usage.inputTokens !== undefined) tokens['input_tokens'] = usage.inputTokens;
    if (usage.outputTokens !== undefined) tokens['output_tokens'] = usage.outputTokens;
    if (usage.totalTokens !== undefined) tokens['total_tokens'] = usage.totalTokens;
    if (usage.cacheReadTokens !== undefined) tokens['cache_read_tokens'] = usage.cacheReadTokens;
    if (usage.cacheCreationTokens !== undefined) tokens['cache_creation_tokens'] = usage.cacheCreationTokens;
    if (usage.reasoningTokens !== undefined) tokens['reasoning_tokens'] = usage.reasoningTokens;
    if (hasCount(usage)) output['usage'] = tokens;
  }
  return Object.keys(output).length > 0 ? output : null;
}

/** Keys shown elsewhere in the rendered span (usage, response id and model, request model). */
const RENDERED_KEY = /^(gen_ai\.usage\.|gen_ai\.response\.(id|model)$|gen_ai\.request\.model$|llm\.token_count\.|llm\.usage\.|ai\.usage\.)/;

/**
 * Attributes that are not rendered elsewhere (model parameters, ids, server, finish reasons…), minus
 * content by the shared list: a key a reader renders is never copied raw, and no content key is
 * copied while capture is off.
 */
export function plainAttributes(span: ReadableSpanLike, options: RenderOptions): { [key: string]: JsonValue } {
  const attributes = span.attributes;
  if (!attributes || typeof attributes !== 'object') return {};
  // What `attributesToJson` makes of the plain keys, in one pass and without the intermediate copy.
  // A `__proto__` key is left out, as that copy (an ordinary object) lost it.
  const plain: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(attributes)) {
    if (key !== '__proto__' && isPlainKey(key, options.captureContent)) setOwn(plain, wellFormed(key), toJsonValue(attributes[key], 0));
  }
  return plain;
}

/**
 * A span no reader recognised shows all its attributes as its input (`mapGenericSpan`); while
 * capture is off, minus the content keys. Null when nothing is left.
 */
export function withoutContentKeys(input: JsonValue): JsonValue {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const kept: { [key: string]: JsonValue } = {};
  let dropped = false;
  for (const key of Object.keys(input)) {
    if (mayPassRaw(key, false)) kept[key] = input[key] as JsonValue;
    else dropped = true;
  }
  if (!dropped) return input;
  return Object.keys(kept).length > 0 ? kept : null;
}

// Each attribute key is tested against the pattern once.
const isRenderedKey = memoByKey((key: string): boolean => RENDERED_KEY.test(key));

function isPlainKey(key: string, captureContent: boolean): boolean {
  return !isRenderedKey(key) && mayPassRaw(key, captureContent);
}

function startsWithSame(history: Message[], instructions: Message['parts']): boolean {
  const first = history[0];
  return first?.role === 'system' && JSON.stringify(first.parts) === JSON.stringify(instructions);
}

function asJson(messages: Message[]): JsonValue {
  return messages as unknown as JsonValue;
}
