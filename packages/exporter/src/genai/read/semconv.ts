/**
 * Reader for the current OpenTelemetry GenAI semantic conventions (v1.41 and the 1.42.0-dev
 * `semantic-conventions-genai` repo), as span attributes. Also accepts the deprecated names those
 * conventions replaced, the Traceloop underscore usage keys and the Azure agent ids, since they sit
 * on the same spans.
 *
 * Reads (precedence within a field, left first):
 * - operation      `gen_ai.operation.name`, unless it has capitals (legacy Azure `Agent_Operation`)
 * - name           `execute_tool <gen_ai.tool.name>`, only when the span is named plain `execute_tool`
 * - systemInstructions `gen_ai.system_instructions` (array of parts, or a plain string as the OTel
 *                  contrib Responses path writes it)
 * - inputMessages  `gen_ai.input.messages` → deprecated span attribute `gen_ai.prompt`
 * - outputMessages `gen_ai.output.messages` → deprecated span attribute `gen_ai.completion`
 * - toolDefinitions `gen_ai.tool.definitions` (kept as given: semconv or provider format)
 * - inputValue     `gen_ai.tool.call.arguments` → messages JSON that does not parse (cut short)
 * - outputValue    `gen_ai.tool.call.result`    → messages JSON that does not parse (cut short)
 * - usage          input: `gen_ai.usage.input_tokens` → `gen_ai.usage.prompt_tokens`;
 *                  output: `gen_ai.usage.output_tokens` → `gen_ai.usage.completion_tokens`;
 *                  cache read: `gen_ai.usage.cache_read.input_tokens` → `gen_ai.usage.cache_read_input_tokens`;
 *                  cache creation: `gen_ai.usage.cache_creation.input_tokens` → `gen_ai.usage.cache_creation_input_tokens`;
 *                  reasoning: `gen_ai.usage.reasoning.output_tokens` → `gen_ai.usage.reasoning_tokens`;
 *                  total: `gen_ai.usage.total_tokens` (never computed here)
 * - requestModel / responseModel `gen_ai.request.model` / `gen_ai.response.model`
 * - provider       `gen_ai.provider.name` → `gen_ai.system`
 * - ids            `gen_ai.agent.id`, `gen_ai.agent.name`, `gen_ai.conversation.id`, `gen_ai.response.id`,
 *                  `gen_ai.thread.id`, `gen_ai.thread.run.id`, `gen_ai.message.id` (thread/run ids swapped
 *                  back when they are `run_…`/`thread_…`: a Python azure-ai-agents list_run_steps bug)
 * - runStatus      `gen_ai.thread.run.status`, else `azure.ai.agents.run.status` (@nexus-otel/instrumentation-azure-ai)
 * - error          `error.type` + status message (`type: message`), else the status message of an
 *                  ERROR span
 *
 * Values may be JSON strings (every JS SDK today) or structured (a future SDK): both are accepted.
 * Tool call parts inside output messages are only normalised here, not turned into `toolCalls`.
 * The span is "not semconv" (undefined) when none of the `gen_ai.*` attributes above gives anything.
 * Every key read is in SEMCONV_KEYS (content keys: SEMCONV of the content list).
 */
import { asString, isRecord, parseDeep, parseMaybeJson } from '../messages/json.js';
import { isRedactionMarker, normalizeParsedMessage, normalizeParsedPart } from '../messages/normalize.js';
import type { Message, Part } from '../messages/model.js';
import type { JsonValue } from '../../map/types.js';
import { StatusCode, type Attributes, type ReadableSpanLike } from '../../otel/types.js';
import type { IdsReading, SpanReading, SpanReader, UsageReading } from '../reading.js';
import { isAttributes, keyIndex, knownValues, text, tokens, usageReading } from './values.js';
import { SEMCONV } from '../privacy/content-keys.js';
import { SEMCONV_KEYS as K } from './semconv-keys.js';
import { flatMapItems } from '../messages/flat-map.js';

/** Every key the reader reads by name (content keys: SEMCONV of the content list), read in one pass. */
const READ = keyIndex({
  operationName: K.operationName,
  toolName: K.toolName,
  systemInstructions: SEMCONV.systemInstructions.key,
  inputMessages: SEMCONV.inputMessages.key,
  prompt: SEMCONV.prompt.key,
  outputMessages: SEMCONV.outputMessages.key,
  completion: SEMCONV.completion.key,
  toolDefinitions: SEMCONV.toolDefinitions.key,
  toolCallArguments: SEMCONV.toolCallArguments.key,
  toolCallResult: SEMCONV.toolCallResult.key,
  inputTokens: K.inputTokens,
  promptTokens: K.promptTokens,
  outputTokens: K.outputTokens,
  completionTokens: K.completionTokens,
  cacheReadTokens: K.cacheReadTokens,
  cacheReadTokensTraceloop: K.cacheReadTokensTraceloop,
  cacheCreationTokens: K.cacheCreationTokens,
  cacheCreationTokensTraceloop: K.cacheCreationTokensTraceloop,
  reasoningTokens: K.reasoningTokens,
  reasoningTokensTraceloop: K.reasoningTokensTraceloop,
  totalTokens: K.totalTokens,
  requestModel: K.requestModel,
  responseModel: K.responseModel,
  providerName: K.providerName,
  system: K.system,
  agentId: K.agentId,
  agentName: K.agentName,
  conversationId: K.conversationId,
  threadId: K.threadId,
  runId: K.runId,
  responseId: K.responseId,
  messageId: K.messageId,
  runStatus: K.runStatus,
  azureRunStatus: K.azureRunStatus,
});
const A = READ.at;

export const readSemconv: SpanReader = (span) => {
  const attributes: Attributes = isAttributes(span?.attributes) ? span.attributes : {};
  const reading: SpanReading = {};
  const values = knownValues(attributes, READ);

  const operation = text(values[A.operationName]);
  // Operation names are lower snake case (custom ones too). Legacy Azure JS writes `Agent_Operation`
  // and `DeleteAgent` by a bug; leave those for the Azure reader, which knows the real operation.
  if (operation && operation === operation.toLowerCase()) reading.operation = operation;

  const toolName = text(values[A.toolName]);
  // Span name SHOULD be `execute_tool {gen_ai.tool.name}`; only complete a bare name, never override one.
  // (Tool call id/type have no SpanReading field; mapper.ts and tool-spans.ts read them from the span.)
  if (toolName && asString(span?.name)?.trim() === 'execute_tool') {
    reading.name = `execute_tool ${toolName}`;
  }

  const instructions = readInstructions(values[A.systemInstructions]);
  if (instructions) reading.systemInstructions = instructions;

  const input = readMessages(values[A.inputMessages] ?? values[A.prompt], 'user');
  if (input.messages) reading.inputMessages = input.messages;
  const output = readMessages(values[A.outputMessages] ?? values[A.completion], 'assistant');
  if (output.messages) reading.outputMessages = output.messages;

  const definitions = content(values[A.toolDefinitions], parseMaybeJson);
  if (definitions !== undefined) reading.toolDefinitions = definitions;

  // Tool arguments/results are often encoded twice (`"\"rainy\""`, arguments as a JSON string in JSON).
  const args = content(values[A.toolCallArguments], parseDeep);
  const inputValue = args !== undefined ? args : input.raw;
  if (inputValue !== undefined) reading.inputValue = inputValue;
  const result = content(values[A.toolCallResult], parseDeep);
  const outputValue = result !== undefined ? result : output.raw;
  if (outputValue !== undefined) reading.outputValue = outputValue;

  const usage = readUsage(values);
  if (usage) reading.usage = usage;

  const requestModel = text(values[A.requestModel]);
  if (requestModel) reading.requestModel = requestModel;
  const responseModel = text(values[A.responseModel]);
  if (responseModel) reading.responseModel = responseModel;
  const provider = text(values[A.providerName]) ?? text(values[A.system]);
  if (provider) reading.provider = provider;

  const ids = readIds(values);
  if (ids) reading.ids = ids;
  const runStatus = text(values[A.runStatus]) ?? text(values[A.azureRunStatus]);
  if (runStatus) reading.runStatus = runStatus;

  if (Object.keys(reading).length === 0) return undefined;

  const error = readError(span, attributes);
  if (error) reading.error = error;
  return reading;
};

/**
 * Drops what the instrumentation did not capture: a `content` that is a redaction marker, tool call
 * arguments that are one, and messages left with no part at all (content-off skeletons such as
 * `{"role":"user","parts":[{"type":"text"}]}`). Parts kept with only their type (and id) are the
 * honest trace of a content-off capture.
 */
export function cleanMessages(messages: readonly Message[]): Message[] | undefined {
  const out: Message[] = [];
  for (const message of messages) {
    const parts = cleanParts(message.parts);
    if (parts.length === 0) continue;
    out.push({ ...message, parts });
  }
  return out.length > 0 ? out : undefined;
}

export function cleanParts(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const part of parts) {
    if (!isRecord(part)) continue;
    // Most parts need no change: those are not copied.
    if (!needsCleaning(part)) {
      out.push(part as Part);
      continue;
    }
    const copy = { ...part } as { [key: string]: JsonValue } & { type: string };
    if (typeof copy['content'] === 'string' && isRedactionMarker(copy['content'])) {
      if (copy.type === 'text') continue;
      delete copy['content'];
    }
    if (copy.type === 'tool_call' && 'name' in copy) {
      if (typeof copy['arguments'] === 'string' && isRedactionMarker(copy['arguments'])) copy['arguments'] = null;
      // Azure ai-inference blanks the name when content is off; use the same placeholder as an absent name.
      if (copy['name'] === '') copy['name'] = 'tool';
    }
    if (copy.type === 'tool_call_response' && typeof copy['response'] === 'string' && isRedactionMarker(copy['response'])) {
      copy['response'] = null;
    }
    out.push(copy as Part);
  }
  return out;
}

/** Whether `cleanParts` would change the part (a redaction marker or a blanked tool name in it). */
function needsCleaning(part: { [key: string]: JsonValue }): boolean {
  const content = part['content'];
  if (typeof content === 'string' && isRedactionMarker(content)) return true;
  if (part['type'] === 'tool_call' && 'name' in part) {
    const args = part['arguments'];
    if ((typeof args === 'string' && isRedactionMarker(args)) || part['name'] === '') return true;
  }
  const response = part['response'];
  return part['type'] === 'tool_call_response' && typeof response === 'string' && isRedactionMarker(response);
}

/** An array of messages (or one), normalised; a JSON-looking string that does not parse is returned raw. */
function readMessages(value: unknown, fallbackRole: string): { messages?: Message[]; raw?: string } {
  const parsed = parseMaybeJson(value);
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed === 'string') {
    const trimmed = parsed.trim();
    if (isRedactionMarker(trimmed)) return {};
    // Cut short by an attribute length limit: which message it was is unknown, keep the raw text aside.
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) return { raw: parsed };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const messages: Message[] = [];
  for (const item of list) {
    const message = normalizeParsedMessage(item, fallbackRole);
    if (message) messages.push(message);
  }
  const cleaned = cleanMessages(messages);
  return cleaned ? { messages: cleaned } : {};
}

function readInstructions(value: unknown): Part[] | undefined {
  const parsed = parseMaybeJson(value);
  if (parsed === undefined || parsed === null) return undefined;
  let parts: Part[];
  if (typeof parsed === 'string') {
    // The OTel contrib Responses path writes the raw `instructions` string; never re-parse it.
    parts = isRedactionMarker(parsed.trim()) ? [] : [{ type: 'text', content: parsed }];
  } else if (Array.isArray(parsed)) {
    parts = flatMapItems(parsed, instructionParts);
  } else {
    parts = instructionParts(parsed);
  }
  const cleaned = cleanParts(parts);
  return cleaned.length > 0 ? cleaned : undefined;
}

function instructionParts(item: JsonValue): Part[] {
  if (typeof item === 'string') return isRedactionMarker(item.trim()) ? [] : [{ type: 'text', content: item }];
  // Some write system messages (`{role, parts}`) where parts were expected.
  if (isRecord(item) && Array.isArray(item['parts'])) return flatMapItems(item['parts'], normalizeParsedPart);
  return normalizeParsedPart(item);
}

function readUsage(values: readonly unknown[]): UsageReading | undefined {
  const input = tokens(values[A.inputTokens]) ?? tokens(values[A.promptTokens]);
  const output = tokens(values[A.outputTokens]) ?? tokens(values[A.completionTokens]);
  const cacheRead = tokens(values[A.cacheReadTokens]) ?? tokens(values[A.cacheReadTokensTraceloop]);
  const cacheCreation = tokens(values[A.cacheCreationTokens]) ?? tokens(values[A.cacheCreationTokensTraceloop]);
  const reasoning = tokens(values[A.reasoningTokens]) ?? tokens(values[A.reasoningTokensTraceloop]);
  const total = tokens(values[A.totalTokens]);
  return usageReading({
    inputTokens: input,
    outputTokens: output,
    totalTokens: total,
    cacheReadTokens: cacheRead,
    cacheCreationTokens: cacheCreation,
    reasoningTokens: reasoning,
  });
}

const ID_FIELDS: ReadonlyArray<keyof IdsReading & keyof typeof A> = ['agentId', 'agentName', 'conversationId', 'threadId', 'runId', 'responseId', 'messageId'];

function readIds(values: readonly unknown[]): IdsReading | undefined {
  const ids: IdsReading = {};
  for (const field of ID_FIELDS) {
    const value = text(values[A[field]]);
    if (value) ids[field] = value;
  }
  // Python azure-ai-agents list_run_steps passes the two ids positionally in the wrong order.
  if (ids.threadId?.startsWith('run_') && ids.runId?.startsWith('thread_')) [ids.threadId, ids.runId] = [ids.runId, ids.threadId];
  return Object.keys(ids).length > 0 ? ids : undefined;
}

function readError(span: ReadableSpanLike, attributes: Attributes): string | undefined {
  const type = text(attributes['error.type']);
  const failed = span?.status?.code === StatusCode.ERROR;
  const message = failed && typeof span.status.message === 'string' ? span.status.message.trim() : '';
  if (type && message) {
    // core-tracing writes `error.toString()` as the message, which already starts with the type.
    return message.startsWith(type) ? message : `${type}: ${message}`;
  }
  if (type) return type;
  return message || undefined;
}

/** Structured or JSON-string content; a redaction marker or an empty value is no content. */
function content(value: unknown, parse: (value: unknown) => JsonValue | undefined): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parse(value);
  if (parsed === undefined || parsed === null) return undefined;
  if (typeof parsed === 'string' && isRedactionMarker(parsed.trim())) return undefined;
  return parsed;
}
