import { millisFromHrTime } from '../map/time.js';
import { readTraceContext, type TraceContextReading } from './read/trace-context.js';
import type { JsonValue } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';

/** Past this many distinct tags the rest are left out: association properties set in a loop must not crowd the metadata out. */
export const MAX_TAGS = 64;

/** The fields that are one value for the whole trace. */
type SingleField = 'userId' | 'sessionId' | 'environment' | 'serviceVersion' | 'agentVersion';

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
  const metadata: Record<string, JsonValue> = {};
  setFirst(metadata, 'user_id', readings, 'userId');
  setFirst(metadata, 'session_id', readings, 'sessionId');

  const tags = new Set<string>();
  for (const reading of readings) {
    for (const tag of reading.tags ?? []) if (tags.size < MAX_TAGS) tags.add(tag);
  }
  if (tags.size > 0) metadata['tags'] = [...tags];

  setFirst(metadata, 'environment', readings, 'environment');
  setFirst(metadata, 'service_version', readings, 'serviceVersion');

  const named = readings.find((reading) => reading.promptName !== undefined);
  const promptName = named?.promptName;
  const promptVersion = named ? named.promptVersion : readings.find((reading) => reading.promptVersion !== undefined)?.promptVersion;
  if (promptName !== undefined) metadata['prompt_name'] = promptName;
  if (promptVersion !== undefined) metadata['prompt_version'] = promptVersion;
  setFirst(metadata, 'agent_version', readings, 'agentVersion');
  return metadata;
}

function setFirst(metadata: Record<string, JsonValue>, key: string, readings: readonly TraceContextReading[], field: SingleField): void {
  const value = readings.find((reading) => reading[field] !== undefined)?.[field];
  if (value !== undefined) metadata[key] = value;
}

/** The root first, then the other spans by start time (ties in the order given). */
function inPrecedenceOrder(spans: readonly ReadableSpanLike[], root: ReadableSpanLike | undefined): ReadableSpanLike[] {
  const rest = spans.filter((span) => span !== root).sort((a, b) => (millisFromHrTime(a.startTime) || 0) - (millisFromHrTime(b.startTime) || 0));
  return root ? [root, ...rest] : rest;
}
