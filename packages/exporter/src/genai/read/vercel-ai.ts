/**
 * Reader for the Vercel AI SDK's own `ai.*` spans: `ai` 4.x–6.x with `experimental_telemetry`, and
 * `ai` 7 with `@ai-sdk/otel`'s `LegacyOpenTelemetry`. (The ai 7 default `OpenTelemetry` integration
 * writes plain `gen_ai.*` spans, read by the semconv reader: a span with no `ai.*` key is not ours.)
 *
 * Reads (precedence within a field, left first):
 * - operation      from `ai.operationId` (→ the span name): `ai.generateText`/`ai.streamText` →
 *                  `generate_text`; `ai.generateObject`/`ai.streamObject` → `generate_object`;
 *                  `….doGenerate`/`….doStream` → `chat`; `ai.toolCall` → `execute_tool`; `ai.embed`,
 *                  `ai.embedMany`, `….doEmbed` → `embeddings`; `ai.rerank`, `….doRerank` → `rerank`;
 *                  any other id as given. The outer span runs the whole tool loop and repeats the
 *                  summed usage, so it is deliberately neither `chat` (a model call) nor `invoke_agent`.
 * - name           `execute_tool <ai.toolCall.name>` for an `ai.toolCall` span (all tool spans are
 *                  otherwise named `ai.toolCall`)
 * - systemInstructions `system` of `ai.prompt` (outer spans; provider-call spans keep the system
 *                  message inside `ai.prompt.messages`)
 * - inputMessages  `ai.prompt.messages` (provider prompt) → `prompt` + `messages` of `ai.prompt`. Parts:
 *                  `text`, `reasoning` (→ `{type:'reasoning', content}`), `tool-call` (`input` v5+,
 *                  `args` v4), `tool-result` (`output` v5+, unwrapped from `{type, value}`; `result`
 *                  v4), `file`/`image` kept as they come
 * - outputMessages one assistant message: `ai.response.reasoning`, `ai.response.text`,
 *                  `ai.response.toolCalls` (`[{toolCallId, toolName, input|args}]`), `ai.response.files`;
 *                  finish reason `ai.response.finishReason` (`tool-calls` → `tool_call`,
 *                  `content-filter` → `content_filter`, others as given)
 * - toolDefinitions `ai.prompt.tools` (string[] of JSON, each parsed)
 * - inputValue     `ai.toolCall.args` → `ai.value` → `ai.values` → `ai.documents`
 * - outputValue    `ai.toolCall.result` → `ai.response.object` → `ai.ranking` (embedding vectors are left out)
 * - usage          input `ai.usage.inputTokens` → `ai.usage.promptTokens` → `ai.usage.tokens` (embeddings)
 *                  → `gen_ai.usage.input_tokens` → `gen_ai.usage.prompt_tokens`;
 *                  output `ai.usage.outputTokens` → `ai.usage.completionTokens` → `gen_ai.usage.output_tokens`
 *                  → `gen_ai.usage.completion_tokens`; total `ai.usage.totalTokens`;
 *                  cache read `ai.usage.inputTokenDetails.cacheReadTokens` → `ai.usage.cachedInputTokens`;
 *                  cache creation `ai.usage.inputTokenDetails.cacheWriteTokens` (ai 6+);
 *                  reasoning `ai.usage.outputTokenDetails.reasoningTokens` → `ai.usage.reasoningTokens`
 * - requestModel   `ai.model.id` → `gen_ai.request.model`
 * - responseModel  `ai.response.model` → `gen_ai.response.model`
 * - provider       `ai.model.provider` (`openai.responses`, `anthropic.messages`…) → its first segment
 *                  as a semconv `gen_ai.provider.name` value where the SDK's name maps unambiguously,
 *                  else that segment as given
 * - ids            agentName ← `ai.telemetry.functionId` (what ai 7 writes as `gen_ai.agent.name`);
 *                  responseId ← `ai.response.id` → `gen_ai.response.id`; conversationId ← a
 *                  session/conversation/thread id in `ai.telemetry.metadata.*` (ai ≤ 6) or
 *                  `ai.settings.context.*` / `ai.settings.runtimeContext.*` (ai 7 Legacy)
 * - error          ERROR status: `exception` event `type: message` → status message
 *
 * Content switched off (`recordInputs`/`recordOutputs: false`) is simply absent; `""` is no content.
 */
import { asNumber, asString, isRecord, parseDeep, parseMaybeJson } from '../messages/json.js';
import { isRedactionMarker, normalizePart } from '../messages/normalize.js';
import type { Message, Part } from '../messages/model.js';
import type { JsonValue } from '../../map/types.js';
import type { Attributes, ReadableSpanLike } from '../../otel/types.js';
import type { IdsReading, SpanReading, SpanReader, UsageReading } from '../reading.js';
import { content, exceptionError, hasCount, isAttributes, keepString, text } from './values.js';
import { VERCEL_AI } from '../privacy/content-keys.js';

/** An AI SDK key: the span is of its source. */
export function isAiSdkKey(key: string): boolean {
  return key.startsWith('ai.');
}

export const readVercelAi: SpanReader = (span) => {
  const attributes: Attributes = isAttributes(span?.attributes) ? span.attributes : {};
  if (!Object.keys(attributes).some(isAiSdkKey)) return undefined;
  const reading: SpanReading = {};

  const operationId = text(attributes['ai.operationId']) ?? (text(span?.name)?.startsWith('ai.') ? text(span?.name) : undefined);
  const isToolCall = operationId === 'ai.toolCall' || attributes['ai.toolCall.name'] !== undefined;
  const operation = isToolCall ? 'execute_tool' : operationOf(operationId);
  if (operation) reading.operation = operation;
  const toolName = text(attributes['ai.toolCall.name']);
  if (isToolCall && toolName) reading.name = `execute_tool ${toolName}`;

  const prompt = parseMaybeJson(attributes[VERCEL_AI.prompt.key]);
  const promptRecord = isRecord(prompt) ? prompt : undefined;
  const system = promptRecord ? systemParts(promptRecord['system']) : [];
  if (system.length > 0) reading.systemInstructions = system;

  const inputMessages = readInput(attributes[VERCEL_AI.promptMessages.key], promptRecord);
  if (inputMessages) reading.inputMessages = inputMessages;
  const outputMessages = readOutput(attributes);
  if (outputMessages) reading.outputMessages = outputMessages;

  const tools = readTools(attributes[VERCEL_AI.promptTools.key]);
  if (tools) reading.toolDefinitions = tools;

  const inputValue =
    content(attributes[VERCEL_AI.toolCallArgs.key], parseDeep) ??
    content(attributes[VERCEL_AI.value.key]) ??
    list(attributes[VERCEL_AI.values.key]) ??
    list(attributes[VERCEL_AI.documents.key]) ??
    // `ai.prompt` cut short by a length limit: keep the raw text rather than nothing.
    (typeof prompt === 'string' && !inputMessages ? content(prompt) : undefined);
  if (inputValue !== undefined) reading.inputValue = inputValue;
  const outputValue =
    content(attributes[VERCEL_AI.toolCallResult.key], parseDeep) ?? content(attributes[VERCEL_AI.responseObject.key]) ?? list(attributes[VERCEL_AI.ranking.key]);
  if (outputValue !== undefined) reading.outputValue = outputValue;

  const usage = readUsage(attributes);
  if (usage) reading.usage = usage;

  const requestModel = text(attributes['ai.model.id']) ?? text(attributes['gen_ai.request.model']);
  if (requestModel) reading.requestModel = requestModel;
  const responseModel = text(attributes['ai.response.model']) ?? text(attributes['gen_ai.response.model']);
  if (responseModel) reading.responseModel = responseModel;
  const provider = providerOf(text(attributes['ai.model.provider']));
  if (provider) reading.provider = provider;

  const ids = readIds(attributes);
  if (ids) reading.ids = ids;

  const error = exceptionError(span);
  if (error) reading.error = error;
  return reading;
};

function operationOf(operationId: string | undefined): string | undefined {
  if (!operationId) return undefined;
  if (/\.do(Generate|Stream)$/.test(operationId)) return 'chat';
  if (operationId === 'ai.embed' || operationId === 'ai.embedMany' || operationId.endsWith('.doEmbed')) return 'embeddings';
  if (operationId === 'ai.rerank' || operationId.endsWith('.doRerank')) return 'rerank';
  if (operationId === 'ai.generateText' || operationId === 'ai.streamText') return 'generate_text';
  if (operationId === 'ai.generateObject' || operationId === 'ai.streamObject') return 'generate_object';
  return operationId;
}

function readInput(promptMessages: unknown, prompt: { [key: string]: JsonValue } | undefined): Message[] | undefined {
  const provider = parseMaybeJson(promptMessages);
  if (Array.isArray(provider)) return nonEmpty(provider.flatMap((item) => message(item)));
  if (!prompt) return undefined;
  const messages: Message[] = [];
  // `prompt` is a string, or (ai 5+) a list of messages.
  const promptValue = prompt['prompt'];
  if (typeof promptValue === 'string') messages.push(...message({ role: 'user', content: promptValue }));
  else if (Array.isArray(promptValue)) messages.push(...promptValue.flatMap((item) => message(item)));
  if (Array.isArray(prompt['messages'])) messages.push(...prompt['messages'].flatMap((item) => message(item)));
  return nonEmpty(messages);
}

/** One AI SDK message (`{role, content: string | parts}`); none when nothing was captured. */
function message(value: JsonValue): Message[] {
  if (!isRecord(value)) return [];
  const role = asString(value['role']) ?? 'user';
  const body = value['content'];
  // A string content is what was written, even when it looks like JSON: never parsed.
  const parts = typeof body === 'string' ? textParts(body) : Array.isArray(body) ? body.flatMap((part) => aiPart(part)) : [];
  return parts.length > 0 ? [{ role, parts }] : [];
}

function aiPart(value: JsonValue): Part[] {
  if (typeof value === 'string') return textParts(value);
  if (!isRecord(value)) return [];
  switch (value['type']) {
    case 'text':
      return typeof value['text'] === 'string' ? textParts(value['text']) : [];
    case 'reasoning':
      return typeof value['text'] === 'string' && !isRedactionMarker(value['text']) ? [{ type: 'reasoning', content: value['text'] }] : [];
    case 'tool-call':
      return [
        {
          type: 'tool_call',
          id: asString(value['toolCallId']) ?? null,
          name: asString(value['toolName']) ?? 'tool',
          arguments: content(value['input'] ?? value['args'], parseDeep) ?? null,
        },
      ];
    case 'tool-result':
      return [
        {
          type: 'tool_call_response',
          id: asString(value['toolCallId']) ?? null,
          response: toolOutput(value['output'] ?? value['result']) ?? null,
        },
      ];
    default: {
      // file, image, tool-approval-*…: kept as they come, minus provider-specific options.
      const { providerOptions: _options, ...part } = value;
      return normalizePart(part);
    }
  }
}

/** v5+ tool results are `{type: 'json'|'text'|'error-text'|'error-json'|'content', value}`: the value is the result. */
function toolOutput(value: JsonValue | undefined): JsonValue | undefined {
  if (isRecord(value) && typeof value['type'] === 'string' && 'value' in value && Object.keys(value).length <= 3) {
    return content(value['value'] ?? null, parseDeep);
  }
  return content(value ?? null, parseDeep);
}

function systemParts(value: JsonValue | undefined): Part[] {
  if (typeof value === 'string') return textParts(value);
  // ai 6+ also takes system messages (`{role:'system', content}`), alone or in a list.
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return items.flatMap((item) => (typeof item === 'string' ? textParts(item) : isRecord(item) ? message(item).flatMap((m) => m.parts) : []));
}

function readOutput(attributes: Attributes): Message[] | undefined {
  const parts: Part[] = [];
  const reasoning = content(attributes[VERCEL_AI.responseReasoning.key], keepString);
  if (typeof reasoning === 'string') parts.push({ type: 'reasoning', content: reasoning });
  const responseText = content(attributes[VERCEL_AI.responseText.key], keepString);
  if (typeof responseText === 'string') parts.push({ type: 'text', content: responseText });
  const calls = parseMaybeJson(attributes[VERCEL_AI.responseToolCalls.key]);
  if (Array.isArray(calls)) {
    for (const call of calls) {
      if (!isRecord(call)) continue;
      parts.push({
        type: 'tool_call',
        id: asString(call['toolCallId']) ?? null,
        name: asString(call['toolName']) ?? 'tool',
        arguments: content(call['input'] ?? call['args'], parseDeep) ?? null,
      });
    }
  }
  const files = parseMaybeJson(attributes[VERCEL_AI.responseFiles.key]);
  if (Array.isArray(files)) parts.push(...files.flatMap((file) => aiPart(file)));
  if (parts.length === 0) return undefined;
  const out: Message = { role: 'assistant', parts };
  const finish = finishReason(text(attributes['ai.response.finishReason']));
  if (finish) out.finish_reason = finish;
  return [out];
}

const FINISH_REASONS: Record<string, string> = { 'tool-calls': 'tool_call', 'content-filter': 'content_filter' };

function finishReason(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (FINISH_REASONS[value] ?? value);
}

/** `ai.prompt.tools` is a string[] of JSON; a single JSON array string is accepted too. */
function readTools(value: unknown): JsonValue | undefined {
  const tools = list(value);
  if (tools === undefined) return undefined;
  return Array.isArray(tools) ? tools : [tools];
}

/** A string[] attribute whose items are JSON (`ai.values`, `ai.documents`, `ai.ranking`, `ai.prompt.tools`). */
function list(value: unknown): JsonValue | undefined {
  if (Array.isArray(value)) {
    const items = value.map((item) => content(item)).filter((item): item is JsonValue => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  return content(value);
}

function readUsage(attributes: Attributes): UsageReading | undefined {
  const usage: UsageReading = {};
  const input = first(attributes, [
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
    'ai.usage.tokens',
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.prompt_tokens',
  ]);
  const output = first(attributes, [
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
  ]);
  const total = first(attributes, ['ai.usage.totalTokens']);
  const cacheRead = first(attributes, ['ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.cachedInputTokens']);
  const cacheCreation = first(attributes, ['ai.usage.inputTokenDetails.cacheWriteTokens']);
  const reasoning = first(attributes, ['ai.usage.outputTokenDetails.reasoningTokens', 'ai.usage.reasoningTokens']);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (total !== undefined) usage.totalTokens = total;
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  if (cacheCreation !== undefined) usage.cacheCreationTokens = cacheCreation;
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return hasCount(usage) ? usage : undefined;
}

function first(attributes: Attributes, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const n = asNumber(attributes[key]);
    // The SDK writes NaN-free numbers, but a missing count can arrive as NaN → dropped by asNumber.
    if (n !== undefined && n >= 0) return n;
  }
  return undefined;
}

/** The AI SDK provider id's first segment (`openai.responses` → `openai`) → `gen_ai.provider.name`. */
const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure.ai.openai',
  'amazon-bedrock': 'aws.bedrock',
  'google.generative-ai': 'gcp.gemini',
  'google.vertex': 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  cohere: 'cohere',
  perplexity: 'perplexity',
};

function providerOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const id = value.trim();
  // Google's ids have two segments before the API kind (`google.vertex.chat`).
  for (const prefix of ['google.generative-ai', 'google.vertex']) {
    if (id === prefix || id.startsWith(`${prefix}.`)) return PROVIDERS[prefix];
  }
  const head = id.split('.')[0] as string;
  return PROVIDERS[head] ?? head;
}

const CONVERSATION_KEYS = new Set(['sessionid', 'conversationid', 'threadid', 'chatid']);
/** Where the SDK writes the caller's telemetry metadata: ai ≤ 6, then ai 7 Legacy's two contexts. */
const METADATA_PREFIXES = ['ai.telemetry.metadata.', 'ai.settings.context.', 'ai.settings.runtimeContext.'] as const;

/**
 * The caller's telemetry metadata, prefix by prefix in the order above, then in attribute order,
 * each name lower-cased without `_`/`-` (`sessionId`, `session_id` → `sessionid`).
 */
export function telemetryMetadata(attributes: Attributes): Array<readonly [name: string, value: unknown]> {
  const entries: Array<readonly [string, unknown]> = [];
  for (const prefix of METADATA_PREFIXES) {
    for (const key of Object.keys(attributes)) {
      if (key.startsWith(prefix)) entries.push([key.slice(prefix.length).replace(/[_-]/g, '').toLowerCase(), attributes[key]]);
    }
  }
  return entries;
}

function readIds(attributes: Attributes): IdsReading | undefined {
  const ids: IdsReading = {};
  const functionId = text(attributes['ai.telemetry.functionId']);
  if (functionId) ids.agentName = functionId;
  const responseId = text(attributes['ai.response.id']) ?? text(attributes['gen_ai.response.id']);
  if (responseId) ids.responseId = responseId;
  for (const [name, raw] of telemetryMetadata(attributes)) {
    const value = text(raw);
    if (value && CONVERSATION_KEYS.has(name)) {
      ids.conversationId = value;
      break;
    }
  }
  return Object.keys(ids).length > 0 ? ids : undefined;
}

function textParts(value: string): Part[] {
  return isRedactionMarker(value.trim()) ? [] : [{ type: 'text', content: value }];
}

function nonEmpty(messages: Message[]): Message[] | undefined {
  return messages.length > 0 ? messages : undefined;
}
