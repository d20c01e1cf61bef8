/**
 * The one list of attribute keys that hold content: what a user, a model, a tool or a document
 * said, in every convention the readers know. The readers take the keys they read as content from
 * here, and the attribute pass-through (render.ts, and the mapper for spans no reader recognised)
 * consults the same list, so a key cannot be read as content in one place and copied raw in another.
 *
 * `{N}` in a key stands for an index (`embedding.embeddings.{N}.embedding.text`). A `tree` entry is
 * the key and every key under it (`llm.input_messages` covers `llm.input_messages.0.message.role`):
 * a family rendered as a whole. Log-record bodies are not keys: the bodies of the per-message
 * records (`gen_ai.user.message`, `gen_ai.choice`…) are content as a whole, read only into messages.
 */

import { memoByKey } from '../memo-by-key.js';

/** Where instrumentations write the key: span attributes, attributes of these span events, of these log records. */
export interface ContentCarriers {
  readonly span?: true;
  readonly events?: readonly string[];
  readonly logs?: readonly string[];
}

/**
 * What a span's `input.attributes` may show of the key:
 * - `never`: a reader renders it (messages, tools, value), or it was always kept out; shown raw it
 *   would repeat what is rendered, and escape what capture off strips from the rendering;
 * - `if-captured`: no reader renders it, so its raw attribute is all a trace shows of it: kept
 *   while content is captured, dropped when it is not.
 */
export type RawPolicy = 'never' | 'if-captured';

export interface ContentKey {
  /** The key as written, `{N}` for an index. */
  readonly key: string;
  readonly match: 'exact' | 'tree';
  readonly on: ContentCarriers;
  readonly raw: RawPolicy;
  /** For a tree: a path under the key where readers find content (`{N}.message.content`), for samples and docs. */
  readonly leaf?: string;
}

export type Convention = 'semconv' | 'openllmetry' | 'openinference' | 'vercel-ai' | 'code-function';

const SPAN: ContentCarriers = { span: true };
const OPERATION_DETAILS = 'gen_ai.client.inference.operation.details';
const EVALUATION_RESULT = 'gen_ai.evaluation.result';

const rendered = (key: string, match: ContentKey['match'] = 'tree', on: ContentCarriers = SPAN, leaf?: string): ContentKey => ({
  key,
  match,
  on,
  raw: 'never',
  ...(leaf !== undefined ? { leaf } : {}),
});
const rawIfCaptured = (key: string, on: ContentCarriers = SPAN, match: ContentKey['match'] = 'exact'): ContentKey => ({ key, match, on, raw: 'if-captured' });

/** Current and deprecated OpenTelemetry GenAI conventions: span attributes, span events, log records. */
export const SEMCONV = {
  systemInstructions: rendered('gen_ai.system_instructions', 'tree', { span: true, logs: [OPERATION_DETAILS] }),
  inputMessages: rendered('gen_ai.input.messages', 'tree', { span: true, logs: [OPERATION_DETAILS] }),
  outputMessages: rendered('gen_ai.output.messages', 'tree', { span: true, logs: [OPERATION_DETAILS] }),
  toolDefinitions: rendered('gen_ai.tool.definitions'),
  toolCallArguments: rendered('gen_ai.tool.call.arguments'),
  toolCallResult: rendered('gen_ai.tool.call.result'),
  // Deprecated span attributes and v1.26 events. As a tree they also cover OpenLLMetry's indexed keys.
  prompt: rendered('gen_ai.prompt', 'tree', { span: true, events: ['gen_ai.content.prompt'] }),
  completion: rendered('gen_ai.completion', 'tree', { span: true, events: ['gen_ai.content.completion'] }),
  /** v1.28–v1.36 per-message events as the Azure SDKs write them, and Python azure-ai-agents run steps. */
  eventContent: rendered('gen_ai.event.content', 'exact', {
    events: [
      'gen_ai.system.message',
      'gen_ai.user.message',
      'gen_ai.assistant.message',
      'gen_ai.tool.message',
      'gen_ai.choice',
      'gen_ai.run_step.tool_calls',
      'gen_ai.run_step.message_creation',
    ],
  }),
  retrievalQuery: rendered('gen_ai.retrieval.query'),
  retrievalDocuments: rendered('gen_ai.retrieval.documents'),
  memoryQuery: rawIfCaptured('gen_ai.memory.query.text'),
  memoryRecords: rawIfCaptured('gen_ai.memory.records'),
  /** An evaluator's free text, which often quotes the response it judged. */
  evaluationExplanation: rawIfCaptured('gen_ai.evaluation.explanation', { span: true, events: [EVALUATION_RESULT], logs: [EVALUATION_RESULT] }),
} as const satisfies Record<string, ContentKey>;

/** Legacy OpenLLMetry flattened keys, Traceloop SDK decorator spans and managed prompts. */
export const OPENLLMETRY = {
  prompts: rendered('gen_ai.prompt.{N}', 'tree', SPAN, 'content'),
  completions: rendered('gen_ai.completion.{N}', 'tree', SPAN, 'content'),
  functions: rendered('llm.request.functions', 'tree', SPAN, '{N}.arguments'),
  entityInput: rendered('traceloop.entity.input'),
  entityOutput: rendered('traceloop.entity.output'),
  // Managed prompts: the key and version are ids (trace metadata); the template and what filled it are content.
  promptTemplate: rawIfCaptured('traceloop.prompt.template'),
  promptTemplateVariables: rawIfCaptured('traceloop.prompt.template_variables', SPAN, 'tree'),
} as const satisfies Record<string, ContentKey>;

/** OpenInference (Arize). */
export const OPENINFERENCE = {
  inputMessages: rendered('llm.input_messages', 'tree', SPAN, '{N}.message.content'),
  outputMessages: rendered('llm.output_messages', 'tree', SPAN, '{N}.message.content'),
  tools: rendered('llm.tools', 'tree', SPAN, '{N}.tool.json_schema'),
  prompts: rendered('llm.prompts', 'tree', SPAN, '{N}.prompt.text'),
  invocationParameters: rendered('llm.invocation_parameters'),
  inputValue: rendered('input.value'),
  outputValue: rendered('output.value'),
  toolParameters: rendered('tool.parameters'),
  retrievalDocuments: rendered('retrieval.documents', 'tree', SPAN, '{N}.document.content'),
  embeddingText: rendered('embedding.embeddings.{N}.embedding.text', 'exact'),
  embeddingVector: rawIfCaptured('embedding.embeddings.{N}.embedding.vector'),
  promptTemplate: rawIfCaptured('llm.prompt_template.template'),
  promptTemplateVariables: rawIfCaptured('llm.prompt_template.variables'),
  functionCall: rawIfCaptured('llm.function_call'),
  rerankerQuery: rawIfCaptured('reranker.query'),
  rerankerInputContent: rawIfCaptured('reranker.input_documents.{N}.document.content'),
  rerankerInputMetadata: rawIfCaptured('reranker.input_documents.{N}.document.metadata'),
  rerankerOutputContent: rawIfCaptured('reranker.output_documents.{N}.document.content'),
  rerankerOutputMetadata: rawIfCaptured('reranker.output_documents.{N}.document.metadata'),
} as const satisfies Record<string, ContentKey>;

/** Vercel AI SDK `ai.*` spans (ai 4–6, ai 7 LegacyOpenTelemetry). */
export const VERCEL_AI = {
  // `ai.prompt` is a tree: `ai.prompt.messages`, `ai.prompt.tools`, `ai.prompt.toolChoice`.
  prompt: rendered('ai.prompt'),
  promptMessages: rendered('ai.prompt.messages', 'exact'),
  promptTools: rendered('ai.prompt.tools', 'exact'),
  responseText: rendered('ai.response.text'),
  responseReasoning: rendered('ai.response.reasoning'),
  responseToolCalls: rendered('ai.response.toolCalls'),
  responseFiles: rendered('ai.response.files', 'exact'),
  responseObject: rendered('ai.response.object'),
  responseProviderMetadata: rendered('ai.response.providerMetadata'),
  toolCallArgs: rendered('ai.toolCall.args'),
  toolCallResult: rendered('ai.toolCall.result'),
  value: rendered('ai.value'),
  values: rendered('ai.values'),
  documents: rendered('ai.documents', 'exact'),
  ranking: rendered('ai.ranking', 'exact'),
  // Embedding vectors: derived from the text, never shown.
  embedding: rendered('ai.embedding'),
  embeddings: rendered('ai.embeddings'),
} as const satisfies Record<string, ContentKey>;

/** Function-call tracers that record a traced function's arguments and return value. */
export const CODE_FUNCTION = {
  parameters: rendered('code.function.parameter'),
  returnValue: rendered('code.function.return'),
} as const satisfies Record<string, ContentKey>;

const BY_CONVENTION: ReadonlyArray<readonly [Convention, Record<string, ContentKey>]> = [
  ['semconv', SEMCONV],
  ['openllmetry', OPENLLMETRY],
  ['openinference', OPENINFERENCE],
  ['vercel-ai', VERCEL_AI],
  ['code-function', CODE_FUNCTION],
];

/** Every content key, with the convention that defines it. */
export const CONTENT_KEYS: ReadonlyArray<ContentKey & { readonly convention: Convention; readonly name: string }> = BY_CONVENTION.flatMap(
  ([convention, entries]) => Object.entries(entries).map(([name, entry]) => ({ ...entry, convention, name })),
);

/** `gen_ai.prompt.{N}` → `gen_ai.prompt.`, `llm.input_messages` → `llm.input_messages.`: where the indexed groups start. */
export function groupPrefix(entry: ContentKey): string {
  const index = entry.key.indexOf('{N}');
  return index === -1 ? `${entry.key}.` : entry.key.slice(0, index);
}

/** `embedding.embeddings.{N}.embedding.text` → `embedding.text`: the field inside each indexed group. */
export function groupField(entry: ContentKey): string {
  const index = entry.key.indexOf('{N}.');
  return index === -1 ? '' : entry.key.slice(index + '{N}.'.length);
}

/** Concrete keys for an entry (`{N}` → `index`): the key, and for a tree with a leaf, the leaf under it. */
export function sampleKeys(entry: ContentKey, index = 0): string[] {
  const keys = [entry.key];
  if (entry.leaf !== undefined) keys.push(`${entry.key}.${entry.leaf}`);
  return keys.map((key) => key.replaceAll('{N}', String(index)));
}

function patternOf(entry: ContentKey): string {
  const escaped = entry.key.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{N\}/g, '\\d+');
  return entry.match === 'tree' ? `${escaped}(?:\\.|$)` : `${escaped}$`;
}

function unionOf(entries: readonly ContentKey[]): RegExp {
  return new RegExp(`^(?:${entries.map(patternOf).join('|')})`);
}

const SPAN_ENTRIES = CONTENT_KEYS.filter((entry) => entry.on.span === true);
const NEVER_RAW = unionOf(SPAN_ENTRIES.filter((entry) => entry.raw === 'never'));
const RAW_IF_CAPTURED = unionOf(SPAN_ENTRIES.filter((entry) => entry.raw === 'if-captured'));

/** A span attribute key's place in the list: not content, or content with its raw policy (`never` wins an overlap). */
export type KeyClass = 'plain' | RawPolicy;

/** Each attribute key is classified once. */
export const classifyKey = memoByKey((key: string): KeyClass => (NEVER_RAW.test(key) ? 'never' : RAW_IF_CAPTURED.test(key) ? 'if-captured' : 'plain'));

/** Whether a span attribute may be copied raw into a span's `input`, given the capture switch. */
export function mayPassRaw(key: string, captureContent: boolean): boolean {
  const found = classifyKey(key);
  return found === 'plain' || (found === 'if-captured' && captureContent);
}
