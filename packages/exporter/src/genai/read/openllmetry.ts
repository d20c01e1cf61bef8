/**
 * Reader for legacy OpenLLMetry: `@traceloop/instrumentation-*` ≤ 0.22 (flattened indexed keys, the
 * scheme the Python OpenLLMetry instrumentations still use) and the Traceloop SDK decorator spans
 * (`{name}.workflow|task|agent|tool`, `@traceloop/node-server-sdk` and `traceloop-sdk`).
 *
 * Reads (precedence within a field, left first):
 * - operation      `llm.request.type` (`chat`, `completion` → `text_completion`, `embedding` → `embeddings`,
 *                  `rerank`, others as given) → `traceloop.span.kind` (`workflow` → `invoke_workflow`,
 *                  `agent` → `invoke_agent`, `tool` → `execute_tool`, `task` → `task`, others as given)
 * - inputMessages  `gen_ai.prompt.{i}.role|content|tool_call_id|tool_calls.{j}.id|name|arguments`, in
 *                  index order, gaps tolerated. `content` is text, or the JSON of a list of parts (the
 *                  instrumentation stringifies non-string content); a `tool` message becomes a
 *                  `tool_call_response`.
 * - outputMessages `gen_ai.completion.{i}.role|content|finish_reason|tool_calls.{j}.id|name|arguments`,
 *                  then `function_call.name|arguments` only when there are no `tool_calls` (some 0.x
 *                  versions copy `tool_calls.0` into `function_call`).
 * - toolDefinitions `llm.request.functions.{i}.name|description|arguments` → `[{type:'function', name,
 *                  description, parameters}]` (`arguments` holds the JSON schema).
 * - inputValue     `traceloop.entity.input` (`{"args":[…],"kwargs":{…}}` unwrapped: kwargs alone, a single
 *                  arg alone, else the args list, else both)
 * - outputValue    `traceloop.entity.output` (JSON parsed when it parses)
 * - usage          input `gen_ai.usage.prompt_tokens` → `gen_ai.usage.input_tokens`; output
 *                  `gen_ai.usage.completion_tokens` → `gen_ai.usage.output_tokens`; total
 *                  `llm.usage.total_tokens` → `gen_ai.usage.total_tokens`; cache read
 *                  `gen_ai.usage.cache_read_input_tokens`; cache creation
 *                  `gen_ai.usage.cache_creation_input_tokens`; reasoning `gen_ai.usage.reasoning_tokens`
 * - requestModel / responseModel `gen_ai.request.model` / `gen_ai.response.model`
 * - provider       `gen_ai.system` (a capitalised vendor: `OpenAI`, `Azure`, `AWS`…) → the semconv
 *                  `gen_ai.provider.name` value when unambiguous, else lower-cased as given
 * - ids            conversationId ← `traceloop.association.properties.{session_id|sessionId|
 *                  conversation_id|conversationId|thread_id|threadId}` (first present);
 *                  agentName ← `traceloop.entity.name` of an `agent` span; responseId ← `gen_ai.response.id`
 * - error          ERROR status: `exception` event `type: message` → status message; else a completion
 *                  with `finish_reason` `error`
 *
 * Not read: `traceloop.workflow.name`, `traceloop.entity.path|version`: SpanReading has no field for
 * them. The user and session ids, the other association properties and the managed prompt's key and
 * version are the trace context's (trace-context.ts), whatever span they are on. The span is not OpenLLMetry (undefined)
 * unless it carries one of the keys only Traceloop writes: `gen_ai.prompt.{i}.*`,
 * `gen_ai.completion.{i}.*`, `llm.request.type`, `llm.usage.total_tokens`, `llm.request.functions.*`
 * or `traceloop.*`.
 */
import { isRecord, parseDeep, parseMaybeJson } from '../messages/json.js';
import { isRedactionMarker, normalizePart } from '../messages/normalize.js';
import type { Message, Part } from '../messages/model.js';
import type { JsonValue } from '../../map/types.js';
import type { Attributes, ReadableSpanLike } from '../../otel/types.js';
import type { IdsReading, SpanReading, SpanReader, UsageReading } from '../reading.js';
import { type Fields, content, exceptionError, groupIndexed, isAttributes, text, tokens, usageReading } from './values.js';
import { OPENLLMETRY, groupPrefix } from '../privacy/content-keys.js';

const PROMPT = groupPrefix(OPENLLMETRY.prompts);
const COMPLETION = groupPrefix(OPENLLMETRY.completions);
const FUNCTIONS = groupPrefix(OPENLLMETRY.functions);

export const readOpenLLMetry: SpanReader = (span) => {
  const attributes: Attributes = isAttributes(span?.attributes) ? span.attributes : {};
  const keys = Object.keys(attributes);
  if (!keys.some(isTraceloopKey)) return undefined;
  const reading: SpanReading = {};

  const operation = readOperation(attributes);
  if (operation) reading.operation = operation;

  const inputMessages = readMessages(groupIndexed(attributes, PROMPT), 'user');
  if (inputMessages) reading.inputMessages = inputMessages;
  const outputMessages = readMessages(groupIndexed(attributes, COMPLETION), 'assistant');
  if (outputMessages) reading.outputMessages = outputMessages;

  const definitions = readFunctions(groupIndexed(attributes, FUNCTIONS));
  if (definitions) reading.toolDefinitions = definitions;

  const inputValue = readEntityInput(attributes[OPENLLMETRY.entityInput.key]);
  if (inputValue !== undefined) reading.inputValue = inputValue;
  const outputValue = content(attributes[OPENLLMETRY.entityOutput.key]);
  if (outputValue !== undefined) reading.outputValue = outputValue;

  const usage = readUsage(attributes);
  if (usage) reading.usage = usage;

  const requestModel = text(attributes['gen_ai.request.model']);
  if (requestModel) reading.requestModel = requestModel;
  const responseModel = text(attributes['gen_ai.response.model']);
  if (responseModel) reading.responseModel = responseModel;
  const provider = providerOf(text(attributes['gen_ai.system']));
  if (provider) reading.provider = provider;

  const ids = readIds(attributes);
  if (ids) reading.ids = ids;

  const error = readError(span, groupIndexed(attributes, COMPLETION));
  if (error) reading.error = error;
  return reading;
};

/** A key only Traceloop writes: the span is of its source. */
export function isTraceloopKey(key: string): boolean {
  return (
    isIndexedField(key, PROMPT) ||
    isIndexedField(key, COMPLETION) ||
    key === 'llm.request.type' ||
    key === 'llm.usage.total_tokens' ||
    key.startsWith(FUNCTIONS) ||
    key.startsWith('traceloop.')
  );
}

/** `{prefix}{i}.{field}`: only Traceloop writes prompts and completions this way. */
function isIndexedField(key: string, prefix: string): boolean {
  return key.startsWith(prefix) && /^\d+\./.test(key.slice(prefix.length));
}

const REQUEST_TYPES: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

const SPAN_KINDS: Record<string, string> = {
  workflow: 'invoke_workflow',
  agent: 'invoke_agent',
  tool: 'execute_tool',
  task: 'task',
};

function readOperation(attributes: Attributes): string | undefined {
  const requestType = text(attributes['llm.request.type'])?.toLowerCase();
  if (requestType) return REQUEST_TYPES[requestType] ?? requestType;
  const kind = text(attributes['traceloop.span.kind'])?.toLowerCase();
  if (kind) return SPAN_KINDS[kind] ?? kind;
  return undefined;
}


function readMessages(groups: Fields[], fallbackRole: string): Message[] | undefined {
  const messages: Message[] = [];
  for (const fields of groups) {
    const message = readMessage(fields, fallbackRole);
    if (message) messages.push(message);
  }
  return messages.length > 0 ? messages : undefined;
}

function readMessage(fields: Fields, fallbackRole: string): Message | undefined {
  const role = text(fields.get('role')) ?? fallbackRole;
  const parts: Part[] = [];
  const raw = fields.get('content');
  if (role === 'tool' || role === 'function') {
    const response = content(raw, parseDeep);
    if (response !== undefined) {
      parts.push({ type: 'tool_call_response', id: text(fields.get('tool_call_id')) ?? null, response });
    }
  } else {
    parts.push(...contentParts(raw));
  }
  const toolCalls = readToolCalls(fields);
  if (toolCalls.length > 0) parts.push(...toolCalls);
  else {
    const functionName = text(fields.get('function_call.name'));
    if (functionName) {
      parts.push({ type: 'tool_call', id: null, name: functionName, arguments: args(fields.get('function_call.arguments')) });
    }
  }
  if (parts.length === 0) return undefined;
  const message: Message = { role, parts };
  const finish = text(fields.get('finish_reason'));
  if (finish) message.finish_reason = finish;
  return message;
}

/** Text, or the JSON of a list of parts (OpenAI content parts, AI SDK parts); `"null"` is no content. */
function contentParts(value: unknown): Part[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') {
    const structured = parseMaybeJson(value);
    if (Array.isArray(structured)) return structured.flatMap((part) => normalizePart(part));
    return structured === undefined || structured === null ? [] : [{ type: 'text', content: JSON.stringify(structured) }];
  }
  if (isRedactionMarker(value.trim())) return [];
  const trimmed = value.trim();
  if (trimmed === 'null') return [];
  if (trimmed.startsWith('[')) {
    const parsed = parseMaybeJson(trimmed);
    if (Array.isArray(parsed) && parsed.every((item) => isRecord(item) && typeof item['type'] === 'string')) {
      return parsed.flatMap((part) => normalizePart(part));
    }
  }
  // Anything else is what the user or model wrote, even when it looks like JSON.
  return [{ type: 'text', content: value }];
}

function readToolCalls(fields: Fields): Part[] {
  const calls = new Map<number, Fields>();
  for (const [key, value] of fields) {
    const match = /^tool_calls\.(\d+)\.(.+)$/.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    let call = calls.get(index);
    if (!call) calls.set(index, (call = new Map()));
    call.set(match[2] as string, value);
  }
  const parts: Part[] = [];
  for (const [, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
    const name = text(call.get('name')) ?? text(call.get('function.name'));
    const id = text(call.get('id')) ?? null;
    const rawArgs = call.get('arguments') ?? call.get('function.arguments');
    if (!name && id === null && rawArgs === undefined) continue;
    parts.push({ type: 'tool_call', id, name: name ?? 'tool', arguments: args(rawArgs) });
  }
  return parts;
}

/** Tool call arguments: a JSON string (parsed when it parses); a redaction marker is null. */
function args(value: unknown): JsonValue {
  return content(value, parseDeep) ?? null;
}

function readFunctions(groups: Fields[]): JsonValue | undefined {
  const definitions: JsonValue[] = [];
  for (const fields of groups) {
    const name = text(fields.get('name'));
    if (!name) continue;
    const definition: { [key: string]: JsonValue } = { type: 'function', name };
    const description = text(fields.get('description'));
    if (description) definition['description'] = description;
    const parameters = content(fields.get('arguments'));
    if (parameters !== undefined) definition['parameters'] = parameters;
    definitions.push(definition);
  }
  return definitions.length > 0 ? definitions : undefined;
}

/** `{"args":[…],"kwargs":{…}}` → what the function was called with, without the empty half. */
function readEntityInput(value: unknown): JsonValue | undefined {
  const parsed = content(value);
  if (!isRecord(parsed)) return parsed;
  const keys = Object.keys(parsed);
  const callArgs = parsed['args'];
  const kwargs = parsed['kwargs'];
  if (keys.length !== 2 || !Array.isArray(callArgs) || !isRecord(kwargs)) return parsed;
  const hasKwargs = Object.keys(kwargs).length > 0;
  if (callArgs.length === 0) return hasKwargs ? kwargs : undefined;
  if (hasKwargs) return parsed;
  return callArgs.length === 1 ? (callArgs[0] as JsonValue) : callArgs;
}

function readUsage(attributes: Attributes): UsageReading | undefined {
  const input = tokens(attributes['gen_ai.usage.prompt_tokens']) ?? tokens(attributes['gen_ai.usage.input_tokens']);
  const output = tokens(attributes['gen_ai.usage.completion_tokens']) ?? tokens(attributes['gen_ai.usage.output_tokens']);
  const total = tokens(attributes['llm.usage.total_tokens']) ?? tokens(attributes['gen_ai.usage.total_tokens']);
  const cacheRead = tokens(attributes['gen_ai.usage.cache_read_input_tokens']);
  const cacheCreation = tokens(attributes['gen_ai.usage.cache_creation_input_tokens']);
  const reasoning = tokens(attributes['gen_ai.usage.reasoning_tokens']);
  return usageReading({
    inputTokens: input,
    outputTokens: output,
    totalTokens: total,
    cacheReadTokens: cacheRead,
    cacheCreationTokens: cacheCreation,
    reasoningTokens: reasoning,
  });
}

/** Traceloop's vendor names → `gen_ai.provider.name` where the mapping is unambiguous. */
const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  'azure openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  aws: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  vertexai: 'gcp.vertex_ai',
  cohere: 'cohere',
  mistralai: 'mistral_ai',
  groq: 'groq',
};

function providerOf(system: string | undefined): string | undefined {
  if (!system) return undefined;
  const key = system.trim().toLowerCase();
  return PROVIDERS[key] ?? key;
}

/** Association properties read as the conversation id, the first present. */
export const CONVERSATION_KEYS = ['session_id', 'sessionId', 'conversation_id', 'conversationId', 'thread_id', 'threadId'];

function readIds(attributes: Attributes): IdsReading | undefined {
  const ids: IdsReading = {};
  for (const key of CONVERSATION_KEYS) {
    const value = text(attributes[`traceloop.association.properties.${key}`]);
    if (value) {
      ids.conversationId = value;
      break;
    }
  }
  if (text(attributes['traceloop.span.kind'])?.toLowerCase() === 'agent') {
    const agent = text(attributes['traceloop.entity.name']);
    if (agent) ids.agentName = agent;
  }
  const responseId = text(attributes['gen_ai.response.id']);
  if (responseId) ids.responseId = responseId;
  return Object.keys(ids).length > 0 ? ids : undefined;
}

function readError(span: ReadableSpanLike, completions: Fields[]): string | undefined {
  const failed = exceptionError(span);
  if (failed) return failed;
  // The model itself reported a failed generation on a span the instrumentation left UNSET.
  if (completions.some((fields) => text(fields.get('finish_reason')) === 'error')) return 'finish_reason: error';
  return undefined;
}
