/**
 * What the application says about the trace a span belongs to: whose it is (user), which session,
 * its labels (tags), where it runs (environment, service version), which managed prompt it used and
 * which version of its agent ran. Read on every span, GenAI or not (a Traceloop association property or a Langfuse tag is on
 * whatever span the app had open), and from the span's resource. These are identifiers the app set
 * to find its traces again, not content: they are read whatever the capture switch says.
 *
 * Reads (precedence within a field, left first):
 * - userId         `user.id` (OTel, OpenInference, Langfuse) → `enduser.id` (OTel) → `langfuse.user.id`
 *                  → `langfuse.trace.metadata.langfuse_user_id` → `langfuse.observation.metadata.langfuse_user_id`
 *                  → `traceloop.association.properties.user_id` → `…userId` → AI SDK metadata `userId`
 * - sessionId      `session.id` (OTel, OpenInference, Langfuse) → `langfuse.session.id`
 *                  → `langfuse.trace.metadata.langfuse_session_id` → `langfuse.observation.metadata.langfuse_session_id`
 *                  → `traceloop.association.properties.session_id` → `…sessionId` → AI SDK metadata `sessionId`
 * - tags           all of: `tag.tags` (OpenInference), `langfuse.trace.tags`, `langfuse.trace.metadata.langfuse_tags`,
 *                  `langfuse.observation.metadata.langfuse_tags`, AI SDK metadata `tags` (a string array, its JSON,
 *                  or a comma-separated string); and every Traceloop association property not read as an id
 *                  above or as the conversation id, as `key:value`
 * - promptName     `gen_ai.prompt.name` → `langfuse.observation.prompt.name` → `langfuse.prompt.name`
 *                  → `traceloop.prompt.key` → `name` of AI SDK metadata `langfusePrompt` (JSON)
 * - promptVersion  `langfuse.observation.prompt.version` → `langfuse.prompt.version` → `traceloop.prompt.version`
 *                  → `llm.prompt_template.version` (OpenInference) → `version` of `langfusePrompt`; as text
 * - agentVersion   `gen_ai.agent.version`
 * - environment    resource `deployment.environment.name` → resource `deployment.environment` (deprecated name)
 *                  → resource `langfuse.environment` → span `langfuse.environment`
 * - serviceVersion resource `service.version` → span `langfuse.version` (Langfuse takes the two for the same)
 *
 * AI SDK metadata is `ai.telemetry.metadata.{key}` (ai ≤ 6) or ai 7 Legacy's `ai.settings.context.{key}` /
 * `ai.settings.runtimeContext.{key}`, the key in any case with `_`/`-` ignored. An id is a non-blank string
 * as given, or a finite number as text.
 */
import { isRecord, parseMaybeJson } from '../messages/json.js';
import type { Attributes, ReadableSpanLike } from '../../otel/types.js';
import { SEMCONV_KEYS } from './semconv-keys.js';
import { CONVERSATION_KEYS } from './openllmetry.js';
import { telemetryMetadata } from './vercel-ai.js';
import { isAttributes, ownKeysOnly, text } from './values.js';
import { memoByKey } from '../memo-by-key.js';

export interface TraceContextReading {
  userId?: string;
  sessionId?: string;
  /** In the order found, each once. */
  tags?: string[];
  promptName?: string;
  promptVersion?: string;
  agentVersion?: string;
  environment?: string;
  serviceVersion?: string;
}

const ASSOCIATION = 'traceloop.association.properties.';

/** Span attributes, each field's keys in precedence order. */
const USER_ID_KEYS = [
  'user.id',
  'enduser.id',
  'langfuse.user.id',
  'langfuse.trace.metadata.langfuse_user_id',
  'langfuse.observation.metadata.langfuse_user_id',
  `${ASSOCIATION}user_id`,
  `${ASSOCIATION}userId`,
] as const;
const SESSION_ID_KEYS = [
  'session.id',
  'langfuse.session.id',
  'langfuse.trace.metadata.langfuse_session_id',
  'langfuse.observation.metadata.langfuse_session_id',
  `${ASSOCIATION}session_id`,
  `${ASSOCIATION}sessionId`,
] as const;
const TAG_KEYS = ['tag.tags', 'langfuse.trace.tags', 'langfuse.trace.metadata.langfuse_tags', 'langfuse.observation.metadata.langfuse_tags'] as const;
const PROMPT_NAME_KEYS = [SEMCONV_KEYS.promptName, 'langfuse.observation.prompt.name', 'langfuse.prompt.name', 'traceloop.prompt.key'] as const;
const PROMPT_VERSION_KEYS = ['langfuse.observation.prompt.version', 'langfuse.prompt.version', 'traceloop.prompt.version', 'llm.prompt_template.version'] as const;
const AGENT_VERSION_KEYS = [SEMCONV_KEYS.agentVersion] as const;
/** Span attribute after the resource's. */
const SPAN_ENVIRONMENT_KEYS = ['langfuse.environment'] as const;
const SPAN_SERVICE_VERSION_KEYS = ['langfuse.version'] as const;

/** Resource attributes. */
const RESOURCE_ENVIRONMENT_KEYS = ['deployment.environment.name', 'deployment.environment', 'langfuse.environment'] as const;
const RESOURCE_SERVICE_VERSION_KEYS = ['service.version'] as const;

/** Every key the reader looks up by name (the prefix families aside), for the coverage test. */
export const TRACE_CONTEXT_KEYS: readonly string[] = [
  ...USER_ID_KEYS,
  ...SESSION_ID_KEYS,
  ...TAG_KEYS,
  ...PROMPT_NAME_KEYS,
  ...PROMPT_VERSION_KEYS,
  ...AGENT_VERSION_KEYS,
  ...SPAN_ENVIRONMENT_KEYS,
  ...SPAN_SERVICE_VERSION_KEYS,
];

/** AI SDK telemetry metadata names, lower-cased without `_`/`-` (see `telemetryMetadata`). */
const AI_SDK_METADATA = { userId: 'userid', sessionId: 'sessionid', tags: 'tags', langfusePrompt: 'langfuseprompt' } as const;

/** Association properties that are ids, not labels: never made tags. */
const ASSOCIATION_IDS = new Set<string>([...USER_ID_KEYS, ...SESSION_ID_KEYS, ...CONVERSATION_KEYS.map((key) => `${ASSOCIATION}${key}`)]);

export function readTraceContext(span: ReadableSpanLike): TraceContextReading {
  const attributes: Attributes = isAttributes(span?.attributes) ? span.attributes : {};
  const resource: Attributes = isAttributes(span?.resource?.attributes) ? span.resource.attributes : {};
  const reading: TraceContextReading = {};

  // One pass over the keys: the two families found by prefix, and whether any key looked up by
  // name is there at all (most spans have none; a lookup of an absent key costs more than the pass).
  let aiSdk = false;
  // An object that may inherit keys has each key looked up by name.
  let named = !ownKeysOnly(attributes);
  const prefixed: string[] = [];
  for (const key of Object.getOwnPropertyNames(attributes)) {
    const kind = kindOf(key);
    if (kind === PLAIN) continue;
    if (kind & NAMED) named = true;
    // The prefix families take enumerable keys only, as `Object.keys` lists them (in the same order).
    if ((kind & (AI_SDK | TAG)) === 0 || !Object.prototype.propertyIsEnumerable.call(attributes, key)) continue;
    if (kind & AI_SDK) aiSdk = true;
    else prefixed.push(key);
  }
  const byName = (keys: readonly string[]): string | undefined => (named ? first(attributes, keys) : undefined);

  const tags: string[] = [];
  if (named) for (const key of TAG_KEYS) tags.push(...tagsOf(attributes[key]));
  for (const key of prefixed) {
    const raw = attributes[key];
    const value = typeof raw === 'boolean' ? String(raw) : id(raw);
    if (value !== undefined) tags.push(`${key.slice(ASSOCIATION.length)}:${value}`);
  }
  const metadata = aiSdk ? aiSdkMetadata(attributes) : {};
  tags.push(...(metadata.tags ?? []));

  const userId = byName(USER_ID_KEYS) ?? metadata.userId;
  if (userId !== undefined) reading.userId = userId;
  const sessionId = byName(SESSION_ID_KEYS) ?? metadata.sessionId;
  if (sessionId !== undefined) reading.sessionId = sessionId;
  const unique = [...new Set(tags)];
  if (unique.length > 0) reading.tags = unique;
  const promptName = byName(PROMPT_NAME_KEYS) ?? metadata.promptName;
  if (promptName !== undefined) reading.promptName = promptName;
  const promptVersion = byName(PROMPT_VERSION_KEYS) ?? metadata.promptVersion;
  if (promptVersion !== undefined) reading.promptVersion = promptVersion;
  const agentVersion = byName(AGENT_VERSION_KEYS);
  if (agentVersion !== undefined) reading.agentVersion = agentVersion;
  const environment = first(resource, RESOURCE_ENVIRONMENT_KEYS) ?? byName(SPAN_ENVIRONMENT_KEYS);
  if (environment !== undefined) reading.environment = environment;
  const serviceVersion = first(resource, RESOURCE_SERVICE_VERSION_KEYS) ?? byName(SPAN_SERVICE_VERSION_KEYS);
  if (serviceVersion !== undefined) reading.serviceVersion = serviceVersion;
  return reading;
}

/** The span attribute keys read by name (`TRACE_CONTEXT_KEYS`), for the one pass above. */
const LOOKED_UP: ReadonlySet<string> = new Set(TRACE_CONTEXT_KEYS);

/** What the one pass makes of a key, as bits: read by name, an AI SDK key, an association property made a tag. */
const PLAIN = 0;
const NAMED = 1;
const AI_SDK = 2;
const TAG = 4;
const kindOf = memoByKey((key: string): number => {
  let kind = LOOKED_UP.has(key) ? NAMED : PLAIN;
  if (key.startsWith('ai.')) kind |= AI_SDK;
  else if (key.startsWith(ASSOCIATION) && !ASSOCIATION_IDS.has(key)) kind |= TAG;
  return kind;
});

interface AiSdkContext {
  userId?: string;
  sessionId?: string;
  tags?: string[];
  promptName?: string;
  promptVersion?: string;
}

/** The first of each name in the AI SDK's telemetry metadata. */
function aiSdkMetadata(attributes: Attributes): AiSdkContext {
  const found: AiSdkContext = {};
  for (const [name, value] of telemetryMetadata(attributes)) {
    if (name === AI_SDK_METADATA.userId) found.userId ??= id(value);
    else if (name === AI_SDK_METADATA.sessionId) found.sessionId ??= id(value);
    else if (name === AI_SDK_METADATA.tags && found.tags === undefined) found.tags = tagsOf(value);
    else if (name === AI_SDK_METADATA.langfusePrompt) {
      // Langfuse's guide passes `prompt.toJSON()`: `{"name":…,"version":…,…}`.
      const prompt = parseMaybeJson(value);
      if (isRecord(prompt)) {
        found.promptName ??= id(prompt['name']);
        found.promptVersion ??= id(prompt['version']);
      }
    }
  }
  return found;
}

function first(attributes: Attributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = id(attributes[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** An identifier: a non-blank string as given, or a finite number as text (Langfuse and Traceloop prompt versions are numbers). */
function id(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  return text(value);
}

/** A string array (the OTel type), its JSON, or a comma-separated string; items trimmed, blanks dropped. */
function tagsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => tagOf(item));
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    const parsed = parseMaybeJson(trimmed);
    if (Array.isArray(parsed)) return parsed.flatMap((item) => tagOf(item));
  }
  return trimmed.split(',').flatMap((item) => tagOf(item));
}

function tagOf(item: unknown): string[] {
  if (typeof item === 'string') return item.trim() ? [item.trim()] : [];
  return typeof item === 'number' && Number.isFinite(item) ? [String(item)] : [];
}
