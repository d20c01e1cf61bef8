import { localAncestorIds } from '../otel/span-links.js';
import { millisFromHrTime } from '../map/time.js';
import { priceOf, type ModelPrice, type PriceTable } from './prices.js';
import type { JsonValue } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { CombinedReading } from './combine.js';
import type { IdsReading, UsageReading } from './reading.js';
import { memoByKey } from './memo-by-key.js';

const ID_KEYS: ReadonlyArray<[keyof IdsReading, string]> = [
  ['agentId', 'agent_id'],
  ['agentName', 'agent_name'],
  ['conversationId', 'conversation_id'],
  ['threadId', 'thread_id'],
  ['runId', 'run_id'],
  ['responseId', 'response_id'],
];
const ROLLED_UP_IDS: ReadonlySet<string> = new Set(ID_KEYS.map(([key]) => key));

/**
 * Trace-level rollups as flat snake_case metadata (what the Nexus guides use, and what its search
 * box matches): tokens summed over model calls (cache reads and writes included), models, ids, tool
 * calls by type, estimated cost.
 *
 * Tokens are counted once: a span whose descendants report usage is taken to repeat theirs
 * (AI SDK's generateText over doGenerate, an agent span over its chat calls) and is not added.
 */
export function rollupMetadata(
  spans: readonly ReadableSpanLike[],
  readings: ReadonlyMap<string, CombinedReading>,
  toolTypes: readonly string[],
  prices: PriceTable | undefined,
): Record<string, JsonValue> {
  const metadata: Record<string, JsonValue> = {};
  // Filled in a loop: the same map as `new Map(pairs)` without an array of pairs.
  const byId = new Map<string, ReadableSpanLike>();
  for (const span of spans) byId.set(span.spanContext().spanId, span);
  const hasUsage = (id: string): boolean => usageOf(readings.get(id)) !== undefined;

  // Ancestors of every span that has usage: those repeat their descendants' usage.
  const repeats = new Set<string>();
  for (const span of spans) {
    if (!hasUsage(span.spanContext().spanId)) continue;
    for (const id of localAncestorIds(span, byId)) repeats.add(id);
  }

  const totals = { input: 0, output: 0, total: 0, cacheRead: 0, cacheCreation: 0, reasoning: 0 };
  const seen = { input: false, output: false, total: false, cacheRead: false, cacheCreation: false, reasoning: false };
  let cost = 0;
  let priced = false;
  const models: string[] = [];
  const ordered = [...spans].sort((a, b) => (millisFromHrTime(a.startTime) || 0) - (millisFromHrTime(b.startTime) || 0));
  for (const span of ordered) {
    const id = span.spanContext().spanId;
    const reading = readings.get(id);
    const usage = usageOf(reading);
    const model = reading?.responseModel ?? reading?.requestModel;
    // A span that repeats its children's usage names a model they name better (the response's).
    if (usage && repeats.has(id)) continue;
    if (model && (usage || isModelCall(reading)) && !models.includes(model)) models.push(model);
    if (!usage) continue;
    const add = (key: keyof typeof totals, value: number | undefined): void => {
      if (value === undefined) return;
      totals[key] += value;
      seen[key] = true;
    };
    add('input', usage.inputTokens);
    add('output', usage.outputTokens);
    add('total', usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0));
    add('cacheRead', usage.cacheReadTokens);
    add('cacheCreation', usage.cacheCreationTokens);
    add('reasoning', usage.reasoningTokens);
    const price = prices && model ? priceOf(prices, model) : undefined;
    if (price) {
      cost += callCost(usage, price);
      priced = true;
    }
  }
  if (seen.input) metadata['input_tokens'] = totals.input;
  if (seen.output) metadata['output_tokens'] = totals.output;
  if (seen.input || seen.output || seen.total) metadata['total_tokens'] = totals.total;
  if (seen.cacheRead) metadata['cache_read_tokens'] = totals.cacheRead;
  if (seen.cacheCreation) metadata['cache_creation_tokens'] = totals.cacheCreation;
  if (seen.reasoning) metadata['reasoning_tokens'] = totals.reasoning;
  if (priced) metadata['estimated_cost_usd'] = Math.round(cost * 1e6) / 1e6;
  if (models.length > 0) metadata['models'] = models.join(', ');

  // Each span's ids gone through once, by the ids it has (most have none or one): asking every
  // span for every id by name would mostly look up absent properties, the slow kind of lookup.
  const found = new Map<keyof IdsReading, string[]>();
  for (const span of ordered) {
    const ids = readings.get(span.spanContext().spanId)?.ids;
    for (const key in ids) {
      const value = ids[key as keyof IdsReading];
      if (!value || !ROLLED_UP_IDS.has(key)) continue;
      const values = found.get(key as keyof IdsReading);
      if (values === undefined) found.set(key as keyof IdsReading, [value]);
      else if (!values.includes(value)) values.push(value);
    }
  }
  for (const [key, name] of ID_KEYS) {
    const values = found.get(key);
    if (values !== undefined) metadata[name] = values.join(', ');
  }

  if (toolTypes.length > 0) {
    metadata['tool_calls'] = toolTypes.length;
    // Counted first, then written in the order the types first appear (as counting in place did).
    const counts = new Map<string, number>();
    for (const type of toolTypes) {
      const key = toolCallsKey(type);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, count] of counts) metadata[key] = count;
  }
  return metadata;
}

/** `tool_calls_<type>`, the type in snake case; a handful of tool types come back in every trace. */
const toolCallsKey = memoByKey((type: string): string => `tool_calls_${type.replace(/[^a-z0-9_]+/gi, '_').toLowerCase()}`, { max: 256, maxKeyChars: 128 });

/**
 * USD of one model call. Cache reads and cache writes are both part of the input tokens: each is
 * priced at its own price when the table gives one, the rest of the input at the input price.
 * Without a `cacheWrite` price, cache writes stay in the input at the input price (the sum is the
 * one computed before cache writes were read, to the bit).
 */
function callCost(usage: UsageReading, price: ModelPrice): number {
  const cached = usage.cacheReadTokens ?? 0;
  const uncached = Math.max(0, (usage.inputTokens ?? 0) - cached);
  const written = price.cacheWrite === undefined ? 0 : Math.min(usage.cacheCreationTokens ?? 0, uncached);
  const fresh = uncached - written;
  return (fresh * price.input + cached * (price.cacheRead ?? price.input) + written * (price.cacheWrite ?? 0) + (usage.outputTokens ?? 0) * price.output) / 1e6;
}

function usageOf(reading: CombinedReading | undefined): CombinedReading['usage'] {
  const usage = reading?.usage;
  if (!usage) return undefined;
  return usage.inputTokens !== undefined || usage.outputTokens !== undefined || usage.totalTokens !== undefined ? usage : undefined;
}

const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings', 'completion']);

function isModelCall(reading: CombinedReading | undefined): boolean {
  return reading?.operation !== undefined && MODEL_CALLS.has(reading.operation);
}
