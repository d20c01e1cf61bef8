import { isGenAi, type CombinedReading } from './combine.js';
import { hasCount } from './read/values.js';
import { VALUE_OPERATIONS } from './render.js';
import { spanStatusOf } from '../map/status.js';
import { millisFromHrTime } from '../map/time.js';
import { isLocalRoot, localParentIdOf } from '../otel/span-links.js';
import type { JsonValue, MappedSpan } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';

/**
 * Span folding (`foldSpans`): Nexus has no batch endpoint, so every span costs a request. A kept
 * span that carries nothing a reader could use (only its name and times) is not posted; its
 * parent gets a count, a total duration and the names instead (`folded_spans` in its input), and
 * its kept children nest under that parent. When in doubt, a span is not folded.
 */

/** Why a kept span is not folded; the first rule it fails, in the order checked. */
export type FoldBlocker =
  /** A local root: nothing to fold it into. */
  | 'root'
  /** No parent kept in this same batch: a parent already in Nexus cannot be edited (spans have no PATCH). */
  | 'parent'
  /** OTel status error, or a reader saw a failure. */
  | 'error'
  /** Messages, system instructions, tool definitions, input or output values of any convention. */
  | 'content'
  | 'tokens'
  /** An `execute_tool` span, or one carrying tool calls. */
  | 'tool'
  /** Any agent, thread, conversation, run, response, message or step id. */
  | 'ids'
  /** Feedback or evaluations on it, or it is one. */
  | 'evaluation'
  /** A reader dropped something from it: it had something to say. */
  | 'problems'
  /** Any reader recognised it: its operation, model or provider is what the mapping exists to show. */
  | 'genai'
  /** Any attribute: Nexus shows a plain span's attributes as its input, so a reader would see them. */
  | 'attributes'
  /** Span events (an exception, a log line): kept rather than guess whether they matter. */
  | 'events'
  /** Its mapped input or output is not empty (a guard for mappings added later). */
  | 'fields';

/**
 * The span's first reason not to fold, or undefined when it carries nothing but its name and times.
 * `parent`: its parent after the filter's re-parenting; `kept`: the kept spans of this batch.
 */
export function foldBlocker(span: ReadableSpanLike, reading: CombinedReading, mapped: MappedSpan, parent: string | null, kept: ReadonlySet<string>): FoldBlocker | undefined {
  if (isLocalRoot(span)) return 'root';
  if (parent === null || !kept.has(parent)) return 'parent';
  if (spanStatusOf(span) === 'error' || reading.error !== undefined || mapped.status === 'error' || mapped.error !== null) return 'error';
  if (
    reading.systemInstructions !== undefined ||
    reading.inputMessages !== undefined ||
    reading.outputMessages !== undefined ||
    reading.toolDefinitions !== undefined ||
    reading.inputValue !== undefined ||
    reading.outputValue !== undefined
  ) {
    return 'content';
  }
  if (reading.usage && hasCount(reading.usage)) return 'tokens';
  if (reading.operation === 'execute_tool' || reading.toolCalls.length > 0) return 'tool';
  for (const key in reading.ids) if (reading.ids[key as keyof CombinedReading['ids']]) return 'ids';
  if (reading.evaluation !== undefined || (reading.evaluations?.length ?? 0) > 0) return 'evaluation';
  if ((reading.problems?.length ?? 0) > 0) return 'problems';
  if (isGenAi(reading)) return 'genai';
  if (span.attributes && typeof span.attributes === 'object' && Object.keys(span.attributes).length > 0) return 'attributes';
  if (Array.isArray(span.events) && span.events.length > 0) return 'events';
  if (mapped.input !== null || mapped.output !== null) return 'fields';
  return undefined;
}

export interface FoldInputs {
  spans: readonly ReadableSpanLike[];
  readings: ReadonlyMap<string, CombinedReading>;
  /** Kept spans of this batch (FilterResult.kept). */
  kept: ReadonlySet<string>;
  /** The filter's re-parenting (FilterResult.parentOf). */
  parentOf: ReadonlyMap<string, string | null>;
  /** Every kept span as mapped, before counts and summaries are added to its input. */
  mapped: ReadonlyMap<string, MappedSpan>;
  /** Transport spans already counted on each kept span (FilterResult.foldedTransport). */
  foldedTransport: ReadonlyMap<string, number>;
}

export interface FoldPlan {
  /** Folded span id → the span it folds into: its nearest kept ancestor that is posted in this batch. */
  into: Map<string, string>;
  /** Per receiving span: `folded_spans` for its input. */
  summaries: Map<string, JsonValue>;
  /** Per receiving span: transport spans that were counted on the spans folded into it. */
  transport: Map<string, number>;
}

/** Names listed in a summary; the spans of other names are counted as `unlisted`. */
export const MAX_FOLDED_NAMES = 20;
/** A listed name is cut to this many characters. */
const MAX_FOLDED_NAME_CHARS = 200;

/** Which kept spans fold, into which span, and the summary each receiving span gets. */
export function planFolds(inputs: FoldInputs): FoldPlan {
  const { spans, readings, kept, parentOf, mapped } = inputs;
  const candidates = new Map<string, string>();
  for (const span of spans) {
    const id = span.spanContext().spanId;
    const base = mapped.get(id);
    const reading = readings.get(id);
    if (!kept.has(id) || !base || !reading) continue;
    const parent = parentOf.has(id) ? (parentOf.get(id) ?? null) : localParentIdOf(span);
    if (parent !== null && foldBlocker(span, reading, base, parent, kept) === undefined) candidates.set(id, parent);
  }

  // A chain of foldable spans folds into the first ancestor that is posted. A chain that loops
  // (a parent cycle) or runs too deep is not folded, so every receiving span is one that is posted.
  const into = new Map<string, string>();
  for (const [id, parent] of candidates) {
    const seen = new Set([id]);
    let target = parent;
    for (let guard = 0; candidates.has(target) && !seen.has(target) && guard < 1_000; guard += 1) {
      seen.add(target);
      target = candidates.get(target) as string;
    }
    if (candidates.has(target) || !canReceive(mapped.get(target), readings.get(target))) continue;
    into.set(id, target);
  }

  const totals = new Map<string, { count: number; millis: number; names: Map<string, number> }>();
  const transport = new Map<string, number>();
  for (const span of spans) {
    const id = span.spanContext().spanId;
    const target = into.get(id);
    if (target === undefined) continue;
    const total = totals.get(target) ?? { count: 0, millis: 0, names: new Map<string, number>() };
    totals.set(target, total);
    total.count += 1;
    total.millis += durationMillis(span);
    const name = (mapped.get(id)?.name ?? '').slice(0, MAX_FOLDED_NAME_CHARS);
    total.names.set(name, (total.names.get(name) ?? 0) + 1);
    const counted = inputs.foldedTransport.get(id);
    if (counted) transport.set(target, (transport.get(target) ?? 0) + counted);
  }
  const summaries = new Map<string, JsonValue>();
  for (const [target, total] of totals) summaries.set(target, summaryOf(total));
  return { into, summaries, transport };
}

/**
 * A span whose input is a value (a tool's arguments, a verdict) cannot take the summary without
 * reading as part of that value; nor can one whose input is not an object.
 */
function canReceive(mapped: MappedSpan | undefined, reading: CombinedReading | undefined): boolean {
  if (!mapped || VALUE_OPERATIONS.has(reading?.operation ?? '')) return false;
  return mapped.input === null || (typeof mapped.input === 'object' && !Array.isArray(mapped.input));
}

function durationMillis(span: ReadableSpanLike): number {
  const millis = millisFromHrTime(span.endTime) - millisFromHrTime(span.startTime);
  return Number.isFinite(millis) && millis > 0 ? millis : 0;
}

/**
 * `{ count, duration_ms, names: [{ name, count }], unlisted? }`. Names are values, not object keys:
 * privacy scrubs and redacts values only, and a span name must not slip past it.
 */
function summaryOf(total: { count: number; millis: number; names: Map<string, number> }): JsonValue {
  const names = [...total.names].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const listed = names.slice(0, MAX_FOLDED_NAMES);
  const unlisted = names.slice(MAX_FOLDED_NAMES).reduce((sum, [, count]) => sum + count, 0);
  return {
    count: total.count,
    duration_ms: Math.round(total.millis * 1000) / 1000,
    names: listed.map(([name, count]) => ({ name, count })),
    ...(unlisted > 0 ? { unlisted } : {}),
  };
}
