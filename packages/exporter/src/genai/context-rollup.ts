import { millisFromHrTime } from '../map/time.js';
import { readTraceContext, type TraceContextReading } from './read/trace-context.js';
import type { JsonValue } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';

/** Past this many distinct tags the rest are left out: association properties set in a loop must not crowd the metadata out. */
export const MAX_TAGS = 64;

/** Every field of a reading but the tags: one text each. */
type TextField = Exclude<keyof TraceContextReading, 'tags'>;

/**
 * Trace metadata from what the application set on its spans and resource (read/trace-context.ts),
 * read on every span of the trace, kept by the span filter or not: `user_id`, `session_id`, `tags`,
 * `environment`, `service_version`, `prompt_name`, `prompt_version`, `agent_version`.
 *
 * Where spans disagree, the local root wins (the app sets trace-wide values where the trace starts;
 * Traceloop and Langfuse propagate them down from there; the root-most agent is the one the trace
 * ran), else the earliest span that has a value.
 * `prompt_name` and `prompt_version` come from one span, the first that names a prompt, so a version
 * never pairs with another prompt's name; a version with no named prompt anywhere is kept alone.
 * `tags` gathers every span's, the root's first, then by start time, each once, at most MAX_TAGS.
 */
export function contextMetadata(spans: readonly ReadableSpanLike[], root: ReadableSpanLike | undefined): Record<string, JsonValue> {
  const readings = inPrecedenceOrder(spans, root).map(readTraceContext);
  // One pass over what each reading has (a field or two, most none), keeping each field's first
  // value, instead of asking every reading for every field by name (absent: the slow lookups).
  const firsts: Pick<TraceContextReading, TextField> = {};
  const tags = new Set<string>();
  let named: TraceContextReading | undefined;
  for (const reading of readings) {
    for (const field in reading) {
      if (field === 'tags') {
        for (const tag of reading.tags ?? []) if (tags.size < MAX_TAGS) tags.add(tag);
        continue;
      }
      const value = reading[field as TextField];
      if (value === undefined || firsts[field as TextField] !== undefined) continue;
      firsts[field as TextField] = value;
      if (field === 'promptName') named = reading;
    }
  }
  const metadata: Record<string, JsonValue> = {};
  if (firsts.userId !== undefined) metadata['user_id'] = firsts.userId;
  if (firsts.sessionId !== undefined) metadata['session_id'] = firsts.sessionId;
  if (tags.size > 0) metadata['tags'] = [...tags];
  if (firsts.environment !== undefined) metadata['environment'] = firsts.environment;
  if (firsts.serviceVersion !== undefined) metadata['service_version'] = firsts.serviceVersion;

  // The name and version of one prompt: the first span that names one; else the first version alone.
  const promptName = named?.promptName;
  const promptVersion = named ? named.promptVersion : firsts.promptVersion;
  if (promptName !== undefined) metadata['prompt_name'] = promptName;
  if (promptVersion !== undefined) metadata['prompt_version'] = promptVersion;
  if (firsts.agentVersion !== undefined) metadata['agent_version'] = firsts.agentVersion;
  return metadata;
}

/** The root first, then the other spans by start time (ties in the order given). */
function inPrecedenceOrder(spans: readonly ReadableSpanLike[], root: ReadableSpanLike | undefined): ReadableSpanLike[] {
  const rest = spans.filter((span) => span !== root).sort((a, b) => (millisFromHrTime(a.startTime) || 0) - (millisFromHrTime(b.startTime) || 0));
  return root ? [root, ...rest] : rest;
}
