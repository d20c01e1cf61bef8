import { isoFromMillis } from '../map/time.js';
import { stringAttribute } from '../map/attributes.js';
import type { MappedSpan, JsonValue } from '../map/types.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { CombinedReading } from './combine.js';
import type { ToolCallReading } from './reading.js';
import { SEMCONV_KEYS } from './read/semconv-keys.js';

/** Tool call ids that already have an `execute_tool` span of their own: no synthetic span for them. */
export function toolCallIdsWithSpans(spans: readonly ReadableSpanLike[], readings: ReadonlyMap<string, CombinedReading>): Set<string> {
  const ids = new Set<string>();
  for (const span of spans) {
    const reading = readings.get(span.spanContext().spanId);
    if (reading?.operation !== 'execute_tool') continue;
    const id = stringAttribute(span.attributes, SEMCONV_KEYS.toolCallId) ?? stringAttribute(span.attributes, 'ai.toolCall.id') ?? stringAttribute(span.attributes, 'tool.id');
    if (id) ids.add(id);
  }
  return ids;
}

/** Results of function calls, found in later messages (`tool_call_response` parts), by call id. */
export function toolResponsesById(readings: Iterable<CombinedReading>): Map<string, JsonValue> {
  const responses = new Map<string, JsonValue>();
  for (const reading of readings) {
    for (const message of reading.inputMessages ?? []) {
      for (const part of message.parts) {
        if (part.type === 'tool_call_response' && typeof part['id'] === 'string') responses.set(part['id'], (part as { response: JsonValue }).response);
      }
    }
  }
  return responses;
}

/**
 * One `execute_tool <tool>` span per tool call found inside a carrier span (run-step events, tool
 * call parts of an invoke_agent/chat output), nested under the carrier. It takes the step's own
 * times where the source gives them, else the carrier's.
 */
export function toolSpansOf(
  carrier: MappedSpan,
  calls: readonly ToolCallReading[],
  skipIds: ReadonlySet<string>,
  responses: ReadonlyMap<string, JsonValue>,
  captureContent: boolean,
): MappedSpan[] {
  const spans: MappedSpan[] = [];
  calls.forEach((call, index) => {
    if (call.id && skipIds.has(call.id)) return;
    const output = call.output ?? (call.id ? responses.get(call.id) : undefined) ?? null;
    spans.push({
      localId: `${carrier.localId}/tool/${index}`,
      sourceId: carrier.sourceId,
      parentLocalId: carrier.localId,
      name: `execute_tool ${call.name || call.type || 'tool'}`,
      status: call.status ?? 'ok',
      startedAt: call.startedAtMillis !== undefined ? isoFromMillis(call.startedAtMillis) : carrier.startedAt,
      endedAt: call.endedAtMillis !== undefined ? isoFromMillis(call.endedAtMillis) : carrier.endedAt,
      input: captureContent ? call.input : null,
      output: captureContent ? output : null,
      error: call.status === 'error' ? (call.error ?? 'tool call failed') : null,
    });
  });
  return spans;
}
