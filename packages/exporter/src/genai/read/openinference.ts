/**
 * Reader for OpenInference (Arize) spans: `@arizeai/openinference-instrumentation-*`, the
 * `openinference-vercel` / `openinference-genai` processors and the Python instrumentors.
 *
 * Reads (precedence within a field, left first):
 * - operation      `openinference.span.kind`: LLM → `chat` (`text_completion` when there are only
 *                  `llm.prompts.*`), TOOL → `execute_tool`, AGENT → `invoke_agent`, RETRIEVER →
 *                  `retrieval`, EMBEDDING → `embeddings`, RERANKER → `rerank`, CHAIN, GUARDRAIL,
 *                  EVALUATOR, PROMPT → the kind lower-cased
 * - inputMessages  `llm.input_messages.{i}.message.*`, in index order, gaps tolerated:
 *                  `role`, `name`, `content` (text; a `tool` message → `tool_call_response` with
 *                  `tool_call_id`), `contents.{j}.message_content.type|text|image.image.url`,
 *                  `tool_calls.{j}.tool_call.id|function.name|function.arguments`,
 *                  `function_call_name|function_call_arguments_json`
 * - outputMessages `llm.output_messages.{i}.message.*` (same keys); `llm.finish_reason` goes on the first
 * - toolDefinitions `llm.tools.{i}.tool.json_schema` (each parsed; the OpenAI tool format as given)
 * - inputValue     only when there are no input messages: `input.value` (JSON parsed when
 *                  `input.mime_type` is `application/json`, or when it has none and parses) → on TOOL
 *                  spans `tool.parameters` → `llm.prompts` (string array, or `llm.prompts.{i}[.prompt.text]`)
 *                  → `embedding.embeddings.{i}.embedding.text`
 * - outputValue    only when there are no output messages: `output.value` (same parsing) →
 *                  `retrieval.documents.{i}.document.id|content|score|metadata`
 * - usage          `llm.token_count.prompt|completion|total|prompt_details.cache_read|
 *                  prompt_details.cache_write|completion_details.reasoning`
 * - requestModel   `llm.request.model_name` → `model` of `llm.invocation_parameters` → `llm.model_name`
 *                  → `embedding.model_name`
 * - responseModel  `llm.response.model_name` → `llm.model_name` (the instrumentation overwrites it with
 *                  the model the server answered with)
 * - provider       `llm.provider` → `llm.system` (as given: `openai`, `azure`, `anthropic`…)
 * - ids            conversationId ← `session.id`; agentName ← `agent.name`; responseId ← `id` of the
 *                  JSON `output.value` of an LLM span when it is an OpenAI object
 *                  (`chat.completion`, `response`, `text_completion`)
 * - error          ERROR status: `exception` event `type: message` → status message
 *
 * Messages win over `input.value`/`output.value`: the OpenAI instrumentation puts the same content in
 * both (the whole request/response body), so it is never read twice. `"__REDACTED__"` (the
 * `OPENINFERENCE_HIDE_*` switches) and `""` are no content. The span is not OpenInference
 * (undefined) unless it has `openinference.span.kind` or an `llm.input_messages.*`,
 * `llm.output_messages.*`, `llm.token_count.*`, `llm.tools.*`, `llm.model_name` or
 * `llm.invocation_parameters` key.
 */
import { asNumber, asString, isRecord, parseDeep, parseMaybeJson } from '../messages/json.js';
import type { Message, Part } from '../messages/model.js';
import type { JsonValue } from '../../map/types.js';
import type { Attributes, ReadableSpanLike } from '../../otel/types.js';
import type { IdsReading, SpanReading, SpanReader, UsageReading } from '../reading.js';
import { type Fields, content, exceptionError, groupIndexed, isAttributes, keepString, text, tokens, usageReading } from './values.js';
import { OPENINFERENCE, groupField, groupPrefix } from '../privacy/content-keys.js';

const INPUT_MESSAGES = groupPrefix(OPENINFERENCE.inputMessages);
const OUTPUT_MESSAGES = groupPrefix(OPENINFERENCE.outputMessages);
const TOOLS = groupPrefix(OPENINFERENCE.tools);

export const readOpenInference: SpanReader = (span) => {
  const attributes: Attributes = isAttributes(span?.attributes) ? span.attributes : {};
  if (!Object.keys(attributes).some(isOpenInferenceKey)) return undefined;
  const reading: SpanReading = {};
  const kind = text(attributes['openinference.span.kind'])?.toUpperCase();

  const prompts = groupIndexed(attributes, groupPrefix(OPENINFERENCE.prompts));
  const operation = operationOf(kind, attributes, promptList(attributes, prompts).length > 0);
  if (operation) reading.operation = operation;

  const inputMessages = readMessages(groupIndexed(attributes, INPUT_MESSAGES));
  if (inputMessages) reading.inputMessages = inputMessages;
  const outputMessages = readMessages(groupIndexed(attributes, OUTPUT_MESSAGES));
  if (outputMessages) {
    const finish = text(attributes['llm.finish_reason']);
    const first = outputMessages[0];
    if (finish && first && !first.finish_reason) first.finish_reason = finish;
    reading.outputMessages = outputMessages;
  }

  const tools = groupIndexed(attributes, TOOLS)
    .map((fields) => content(fields.get('tool.json_schema')))
    .filter((tool): tool is JsonValue => tool !== undefined);
  if (tools.length > 0) reading.toolDefinitions = tools;

  const output = ioValue(attributes[OPENINFERENCE.outputValue.key], attributes['output.mime_type']);
  if (!inputMessages) {
    const inputValue = readInputValue(attributes, kind, prompts);
    if (inputValue !== undefined) reading.inputValue = inputValue;
  }
  if (!outputMessages) {
    const outputValue = output ?? readDocuments(groupIndexed(attributes, groupPrefix(OPENINFERENCE.retrievalDocuments)));
    if (outputValue !== undefined) reading.outputValue = outputValue;
  }

  const usage = readUsage(attributes);
  if (usage) reading.usage = usage;

  const modelName = text(attributes['llm.model_name']);
  const invocation = parseMaybeJson(attributes[OPENINFERENCE.invocationParameters.key]);
  const requestModel =
    text(attributes['llm.request.model_name']) ??
    (isRecord(invocation) ? text(invocation['model']) : undefined) ??
    modelName ??
    text(attributes['embedding.model_name']);
  if (requestModel) reading.requestModel = requestModel;
  const responseModel = text(attributes['llm.response.model_name']) ?? modelName;
  if (responseModel) reading.responseModel = responseModel;
  const provider = text(attributes['llm.provider']) ?? text(attributes['llm.system']);
  if (provider) reading.provider = provider;

  const ids = readIds(attributes, kind, output);
  if (ids) reading.ids = ids;

  const error = exceptionError(span);
  if (error) reading.error = error;
  return reading;
};

/** A key only OpenInference writes: the span is of its source. */
export function isOpenInferenceKey(key: string): boolean {
  return (
    key === 'openinference.span.kind' ||
    key === 'llm.model_name' ||
    key === OPENINFERENCE.invocationParameters.key ||
    key.startsWith(INPUT_MESSAGES) ||
    key.startsWith(OUTPUT_MESSAGES) ||
    key.startsWith('llm.token_count.') ||
    key.startsWith(TOOLS)
  );
}

const KINDS: Record<string, string> = {
  LLM: 'chat',
  TOOL: 'execute_tool',
  AGENT: 'invoke_agent',
  RETRIEVER: 'retrieval',
  EMBEDDING: 'embeddings',
  RERANKER: 'rerank',
};

function operationOf(kind: string | undefined, attributes: Attributes, hasPrompts: boolean): string | undefined {
  if (!kind) return undefined;
  const hasMessages = Object.keys(attributes).some((key) => key.startsWith(INPUT_MESSAGES));
  if (kind === 'LLM' && hasPrompts && !hasMessages) return 'text_completion';
  return KINDS[kind] ?? kind.toLowerCase();
}


/** Sub-groups `{name}.{j}.{rest}` of one group, in index order. */
function subGroups(fields: Fields, name: string): Fields[] {
  const groups = new Map<number, Fields>();
  const prefix = `${name}.`;
  for (const [key, value] of fields) {
    if (!key.startsWith(prefix)) continue;
    const match = /^(\d+)\.(.+)$/.exec(key.slice(prefix.length));
    if (!match) continue;
    const index = Number(match[1]);
    let group = groups.get(index);
    if (!group) groups.set(index, (group = new Map()));
    group.set(match[2] as string, value);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

function readMessages(groups: Fields[]): Message[] | undefined {
  const messages: Message[] = [];
  for (const fields of groups) {
    const message = readMessage(fields);
    if (message) messages.push(message);
  }
  return messages.length > 0 ? messages : undefined;
}

function readMessage(fields: Fields): Message | undefined {
  const role = text(fields.get('message.role')) ?? 'user';
  const parts: Part[] = [];
  const body = content(fields.get('message.content'), keepString);
  if (role === 'tool' || role === 'function') {
    // The tool's result: JSON parsed (often a JSON string, sometimes twice encoded).
    const response = body === undefined ? undefined : typeof body === 'string' ? parseDeep(body) : body;
    if (response !== undefined) {
      parts.push({ type: 'tool_call_response', id: text(fields.get('message.tool_call_id')) ?? null, response });
    }
  } else if (body !== undefined) {
    parts.push({ type: 'text', content: typeof body === 'string' ? body : JSON.stringify(body) });
  }
  for (const item of subGroups(fields, 'message.contents')) {
    const part = contentPart(item);
    if (part) parts.push(part);
  }
  for (const call of subGroups(fields, 'message.tool_calls')) {
    const name = text(call.get('tool_call.function.name'));
    const id = text(call.get('tool_call.id')) ?? null;
    const rawArgs = call.get('tool_call.function.arguments');
    if (!name && id === null && rawArgs === undefined) continue;
    parts.push({ type: 'tool_call', id, name: name ?? 'tool', arguments: args(rawArgs) });
  }
  const functionName = text(fields.get('message.function_call_name'));
  if (functionName && role !== 'function') {
    parts.push({ type: 'tool_call', id: null, name: functionName, arguments: args(fields.get('message.function_call_arguments_json')) });
  }
  if (parts.length === 0) return undefined;
  const message: Message = { role, parts };
  // On a `function` message OpenAI's instrumentation writes the function's name as function_call_name.
  const name = text(fields.get('message.name')) ?? (role === 'function' ? functionName : undefined);
  if (name) message.name = name;
  return message;
}

/** One `message_content` item: text, image (as a semconv `uri` or `blob` part) or another typed item. */
function contentPart(item: Fields): Part | undefined {
  const type = text(item.get('message_content.type')) ?? 'text';
  const textValue = content(item.get('message_content.text'), keepString);
  if (type === 'text') {
    return typeof textValue === 'string' ? { type: 'text', content: textValue } : undefined;
  }
  if (type === 'image') {
    const url = content(item.get('message_content.image.image.url'), keepString);
    return typeof url === 'string' ? imagePart(url) : undefined;
  }
  if (type === 'reasoning' || type === 'thinking') {
    return typeof textValue === 'string' ? { type: 'reasoning', content: textValue } : undefined;
  }
  // Other kinds (audio, tool_use…): keep what was captured under its own type.
  const part: { type: string; [field: string]: JsonValue } = { type };
  for (const [key, value] of item) {
    if (key === 'message_content.type') continue;
    const field = content(value, keepString);
    if (field !== undefined) part[key.replace(/^message_content\./, '')] = field;
  }
  return Object.keys(part).length > 1 ? part : undefined;
}

/** `data:<mime>;base64,<data>` → a `blob` part; anything else is a `uri`. */
function imagePart(url: string): Part {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (match && match[2]) {
    return { type: 'blob', modality: 'image', mime_type: match[1] ?? 'image/*', content: match[3] ?? '' };
  }
  return { type: 'uri', modality: 'image', uri: url };
}

function readInputValue(attributes: Attributes, kind: string | undefined, prompts: Fields[]): JsonValue | undefined {
  const value = ioValue(attributes[OPENINFERENCE.inputValue.key], attributes['input.mime_type']);
  if (value !== undefined) return value;
  if (kind === 'TOOL') {
    // The OpenInference Vercel/BeeAI processors copy the call arguments here.
    const parameters = content(attributes[OPENINFERENCE.toolParameters.key], parseDeep);
    if (parameters !== undefined) return parameters;
  }
  const promptTexts = promptList(attributes, prompts);
  if (promptTexts.length > 0) return promptTexts.length === 1 ? (promptTexts[0] as JsonValue) : promptTexts;
  const embedded = groupIndexed(attributes, groupPrefix(OPENINFERENCE.embeddingText))
    .map((fields) => content(fields.get(groupField(OPENINFERENCE.embeddingText)), keepString))
    .filter((item): item is JsonValue => item !== undefined);
  if (embedded.length > 0) return embedded.length === 1 ? (embedded[0] as JsonValue) : embedded;
  return undefined;
}

/** Completions API prompts: a `llm.prompts` string array, or flattened `llm.prompts.{i}[.prompt.text]`. */
function promptList(attributes: Attributes, prompts: Fields[]): JsonValue[] {
  const list = attributes[OPENINFERENCE.prompts.key];
  const values = Array.isArray(list) ? list : prompts.map((fields) => fields.get('') ?? fields.get('prompt.text'));
  return values.map((prompt) => content(prompt, keepString)).filter((prompt): prompt is JsonValue => prompt !== undefined);
}

function readDocuments(groups: Fields[]): JsonValue | undefined {
  const documents: JsonValue[] = [];
  for (const fields of groups) {
    const document: { [key: string]: JsonValue } = {};
    const id = content(fields.get('document.id'), keepString);
    const body = content(fields.get('document.content'), keepString);
    const score = asNumber(fields.get('document.score'));
    const metadata = content(fields.get('document.metadata'));
    if (id !== undefined) document['id'] = id;
    if (body !== undefined) document['content'] = body;
    if (score !== undefined) document['score'] = score;
    if (metadata !== undefined) document['metadata'] = metadata;
    if (Object.keys(document).length > 0) documents.push(document);
  }
  return documents.length > 0 ? documents : undefined;
}

/** `input.value`/`output.value`: JSON when the mime type says so, or when there is none and it parses. */
function ioValue(value: unknown, mimeType: unknown): JsonValue | undefined {
  const mime = asString(mimeType)?.toLowerCase();
  if (mime && mime !== 'application/json') return content(value, keepString);
  return content(value);
}

function readUsage(attributes: Attributes): UsageReading | undefined {
  const input = tokens(attributes['llm.token_count.prompt']);
  const output = tokens(attributes['llm.token_count.completion']);
  const total = tokens(attributes['llm.token_count.total']);
  const cacheRead = tokens(attributes['llm.token_count.prompt_details.cache_read']);
  const cacheCreation = tokens(attributes['llm.token_count.prompt_details.cache_write']);
  const reasoning = tokens(attributes['llm.token_count.completion_details.reasoning']);
  return usageReading({
    inputTokens: input,
    outputTokens: output,
    totalTokens: total,
    cacheReadTokens: cacheRead,
    cacheCreationTokens: cacheCreation,
    reasoningTokens: reasoning,
  });
}

const RESPONSE_OBJECTS = new Set(['chat.completion', 'response', 'text_completion']);

function readIds(attributes: Attributes, kind: string | undefined, output: JsonValue | undefined): IdsReading | undefined {
  const ids: IdsReading = {};
  const session = text(attributes['session.id']);
  if (session) ids.conversationId = session;
  const agent = text(attributes['agent.name']);
  if (agent) ids.agentName = agent;
  // The completion id, the join key for feedback, is only in the response body OpenInference keeps.
  if (kind === 'LLM' && isRecord(output)) {
    const object = text(output['object']);
    const id = text(output['id']);
    if (id && object && RESPONSE_OBJECTS.has(object)) ids.responseId = id;
  }
  return Object.keys(ids).length > 0 ? ids : undefined;
}

/** Tool call arguments: a JSON string (parsed when it parses); a redaction marker is null. */
function args(value: unknown): JsonValue {
  return content(value, parseDeep) ?? null;
}
