import { applyPrivacy, type RedactFn } from './privacy/redact.js';
import { filterSpans, type SpanFilter } from './filter.js';
import { planFolds, type FoldPlan } from './fold.js';
import { isGenAi, readSpan, type CombinedReading } from './combine.js';
import { renderInput, renderOutput, withoutContentKeys } from './render.js';
import { rollupMetadata } from './rollup.js';
import { contextMetadata } from './context-rollup.js';
import { traceOutcome } from './status.js';
import { toolCallIdsWithSpans, toolResponsesById, toolSpansOf } from './tool-spans.js';
import { mapGenericSpan, mapSpanShell } from '../map/span.js';
import { isoFromMillis, millisFromHrTime } from '../map/time.js';
import { evaluationInput } from './read/evaluation.js';
import { evaluationSpanName } from '../logs/evaluation.js';
import { traceHeaderOf } from '../map/trace.js';
import { setOwn, stringAttribute } from '../map/attributes.js';
import { isLocalRoot } from '../otel/span-links.js';
import { SEMCONV_KEYS } from './read/semconv-keys.js';
import type { PriceTable } from './prices.js';
import type { JsonValue, MapContext, MappedSpan, MappedTrace, TraceHeader, TraceMapper } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';

export interface GenAiMapperOptions {
  /** Which spans reach Nexus. Default `genai`: GenAI spans, their ancestors, error spans. */
  spanFilter?: SpanFilter;
  /** false: no message content, tool arguments or results reach Nexus, even when captured. Default true. */
  captureContent?: boolean;
  /** Sees every string that leaves (names, input, output, error, metadata) after built-in scrubbing. */
  redact?: RedactFn;
  /** Built-in scrubbing of keys, tokens, connection strings and URL passwords. Default true. */
  scrubSecrets?: boolean;
  /** USD per million tokens by model, for `estimated_cost_usd`. */
  prices?: PriceTable;
  /**
   * Fewer requests: a kept span that carries only its name and times (no attributes, content,
   * tokens, ids, tool or error), under a parent kept in the same batch, is not posted; the parent's
   * input gets `folded_spans` (count, total duration, names) and its children nest under the
   * parent. Default false. See fold.ts for the exact rule.
   */
  foldSpans?: boolean;
}

/**
 * The GenAI mapper: every span read by every source reader (precedence in combine.ts), filtered,
 * rendered into the canonical message shape, tool calls made spans, rollups, what the app said about
 * the trace (user, session, tags, environment, prompt) and the run's outcome in the trace header, and
 * privacy applied last to everything that leaves (metadata included: scrubbed, given to `redact`).
 */
export function createGenAiMapper(options: GenAiMapperOptions = {}): TraceMapper {
  const filter = options.spanFilter ?? 'genai';
  const captureContent = options.captureContent ?? true;
  return {
    mapTrace(spans: readonly ReadableSpanLike[], context: MapContext): MappedTrace {
      const readings = new Map<string, CombinedReading>();
      for (const span of spans) readings.set(span.spanContext().spanId, readSpan(span, context.records?.get(span.spanContext().spanId)));

      const { kept, parentOf, foldedTransport } = filterSpans(spans, readings, filter);
      const skipToolIds = toolCallIdsWithSpans(spans, readings);
      const responses = toolResponsesById(readings.values());

      // Folding decides on the mapped shape of every kept span first; off, each is mapped in the loop.
      let bases: Map<string, MappedSpan> | undefined;
      let plan: FoldPlan | undefined;
      if (options.foldSpans === true) {
        bases = new Map();
        for (const span of spans) {
          const id = span.spanContext().spanId;
          if (kept.has(id)) bases.set(id, mapKeptSpan(span, readings.get(id) as CombinedReading, captureContent));
        }
        plan = planFolds({ spans, readings, kept, parentOf, mapped: bases, foldedTransport });
      }

      const mapped: MappedSpan[] = [];
      const toolTypes: string[] = [];
      const warnings: string[] = [];
      for (const span of spans) {
        const id = span.spanContext().spanId;
        if (!kept.has(id) || plan?.into.has(id)) continue;
        const reading = readings.get(id) as CombinedReading;
        // Taken out of `bases`, so that a span id repeated in the batch is never one shared object.
        const prepared = bases?.get(id);
        bases?.delete(id);
        const base = prepared ?? mapKeptSpan(span, reading, captureContent);
        if (parentOf.has(id)) base.parentLocalId = parentOf.get(id) ?? null;
        // A child of a folded span nests under the span it was folded into.
        if (plan && base.parentLocalId !== null) base.parentLocalId = plan.into.get(base.parentLocalId) ?? base.parentLocalId;
        const folded = (foldedTransport.get(id) ?? 0) + (plan?.transport.get(id) ?? 0);
        if (folded) base.input = withEntry(base.input, 'transport_spans', folded);
        const summary = plan?.summaries.get(id);
        if (summary !== undefined) base.input = withEntry(base.input, 'folded_spans', summary);
        mapped.push(base);
        if (reading.operation === 'execute_tool') toolTypes.push(toolTypeOf(span));
        const tools = toolSpansOf(base, reading.toolCalls, skipToolIds, responses, captureContent);
        for (const call of reading.toolCalls) if (!call.id || !skipToolIds.has(call.id)) toolTypes.push(call.type || 'function');
        mapped.push(...tools);
        mapped.push(...evaluationSpansOf(base, reading, captureContent));
        if (reading.problems) warnings.push(...reading.problems);
      }

      const generic = traceHeaderOf(spans);
      const root = spans.filter(isLocalRoot).sort((a, b) => (millisFromHrTime(a.startTime) || 0) - (millisFromHrTime(b.startTime) || 0))[0];
      const outcome = traceOutcome(root, spans, readings);
      const rollups = rollupMetadata(spans, readings, toolTypes, options.prices);
      const appContext = contextMetadata(spans, root);
      const rootReading = root ? readings.get(root.spanContext().spanId) : undefined;
      // Built field by field (same keys, same order as spreading `generic` and the metadata parts):
      // `generic.metadata` is this call's own object, so the rollups are added to it in place.
      const metadata = generic.metadata;
      addOwn(metadata, rollups);
      addOwn(metadata, appContext);
      if (outcome.runStatus) metadata['run_status'] = outcome.runStatus;
      if (outcome.error) metadata['error'] = outcome.error;
      const header: TraceHeader = {
        name: rootReading?.name ?? generic.name,
        status: outcome.status,
        startedAt: generic.startedAt,
        endedAt: generic.endedAt,
        metadata,
        serviceName: generic.serviceName,
      };
      const result = applyPrivacy({ header, spans: mapped, ...(warnings.length > 0 ? { warnings } : {}) }, { ...(options.redact ? { redact: options.redact } : {}), scrub: options.scrubSecrets !== false, maxFieldBytes: context.maxFieldBytes });
      if (plan && plan.into.size > 0) result.folded = [...plan.into].map(([localId, intoLocalId]) => ({ localId, sourceId: localId, intoLocalId }));
      return result;
    },
  };
}

/** Fields are cut by applyPrivacy, after scrubbing: a secret cut in half first could slip past the patterns. */
const UNCUT: MapContext = { maxFieldBytes: Number.POSITIVE_INFINITY };

function mapGenAiSpan(span: ReadableSpanLike, reading: CombinedReading, captureContent: boolean): MappedSpan {
  const base = mapSpanShell(span);
  base.name = reading.name ?? toolSpanName(span, reading) ?? base.name;
  base.input = renderInput(span, reading, { captureContent });
  base.output = renderOutput(reading, { captureContent });
  if (base.status === 'error' || reading.error) {
    base.status = 'error';
    base.error = reading.error ?? base.error ?? 'error';
  }
  return base;
}

function mapKeptSpan(span: ReadableSpanLike, reading: CombinedReading, captureContent: boolean): MappedSpan {
  return isGenAi(reading) ? mapGenAiSpan(span, reading, captureContent) : mapOtherSpan(span, captureContent);
}

/** A span no reader recognised: its attributes, less the content keys while capture is off. */
function mapOtherSpan(span: ReadableSpanLike, captureContent: boolean): MappedSpan {
  const base = mapGenericSpan(span, UNCUT);
  if (!captureContent) base.input = withoutContentKeys(base.input);
  return base;
}

/** Feedback and evaluation events on a span become its children, at the event's time. */
function evaluationSpansOf(carrier: MappedSpan, reading: CombinedReading, captureContent: boolean): MappedSpan[] {
  return (reading.evaluations ?? []).map(({ evaluation, timeMillis }, index) => {
    const at = Number.isFinite(timeMillis) ? isoFromMillis(timeMillis) : carrier.endedAt ?? carrier.startedAt;
    return {
      localId: `${carrier.localId}/evaluation/${index}`,
      sourceId: carrier.sourceId,
      parentLocalId: carrier.localId,
      name: evaluationSpanName(evaluation),
      status: 'ok',
      startedAt: at,
      endedAt: at,
      input: evaluationInput(evaluation, { captureContent }),
      output: null,
      error: null,
    };
  });
}

/** Every tool call reads `execute_tool <tool>`, whichever instrumentation named it. */
function toolSpanName(span: ReadableSpanLike, reading: CombinedReading): string | undefined {
  if (reading.operation !== 'execute_tool' || (typeof span.name === 'string' && span.name.startsWith('execute_tool '))) return undefined;
  const tool = stringAttribute(span.attributes, SEMCONV_KEYS.toolName) ?? stringAttribute(span.attributes, 'ai.toolCall.name') ?? stringAttribute(span.attributes, 'tool.name');
  return tool ? `execute_tool ${tool}` : undefined;
}

function toolTypeOf(span: ReadableSpanLike): string {
  return stringAttribute(span.attributes, SEMCONV_KEYS.toolType) ?? 'function';
}

/** `Object.assign` that keeps a `__proto__` key an own property, as a spread does. */
function addOwn(target: Record<string, JsonValue>, source: Record<string, JsonValue>): void {
  for (const key in source) {
    if (Object.prototype.hasOwnProperty.call(source, key)) setOwn(target, key, source[key] as JsonValue);
  }
}

/**
 * The input with one more entry (`transport_spans`, `folded_spans`): a null input becomes an object
 * of it; a value that is not an object (a tool's argument string, a list) is left as it is.
 */
function withEntry(input: MappedSpan['input'], key: string, value: JsonValue): MappedSpan['input'] {
  if (input === null) return { [key]: value };
  if (typeof input !== 'object' || Array.isArray(input)) return input;
  // Copied key by key: a spread of inputs of many shapes takes V8's slow path.
  const out: { [key: string]: JsonValue } = {};
  for (const name of Object.keys(input)) setOwn(out, name, input[name] as JsonValue);
  setOwn(out, key, value);
  return out;
}
