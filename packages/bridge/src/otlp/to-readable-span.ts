import { attributesOf } from './any-value.js';
import { count, nonEmpty } from './fields.js';
import { isAllZero, readId } from './ids.js';
import { messageOf, type Converted, type Rejections } from './rejections.js';
import { resourceOf, scopeOf } from './scope.js';
import { durationOf, hrTimeOf } from './time.js';
import { traceStateOf } from './trace-state.js';
import type { DecodedEvent, DecodedLink, DecodedResource, DecodedScope, DecodedSpan, DecodedSpanContext, HrTime } from './types.js';
import type { WireEvent, WireLink, WireSpan, WireTraceRequest } from './wire.js';

/** `SpanFlags` of the OTLP trace proto: the low byte is the W3C trace flags. */
const TRACE_FLAGS_MASK = 0xff;
const CONTEXT_HAS_IS_REMOTE = 0x100;
const CONTEXT_IS_REMOTE = 0x200;
const SAMPLED = 1;

/**
 * The W3C trace flags of a span or link: the low byte of `flags`. Senders that leave it 0 (the
 * Python SDK writes only the is-remote bits, 0x100/0x300) exported the span, so it was sampled.
 */
export function traceFlagsOf(flags: number | null | undefined): number {
  const traceFlags = typeof flags === 'number' ? flags & TRACE_FLAGS_MASK : 0;
  return traceFlags !== 0 ? traceFlags : SAMPLED;
}

/** Whether the flags say the (parent or linked) context is remote; false when they do not say. */
export function isRemoteOf(flags: number | null | undefined): boolean {
  return typeof flags === 'number' && (flags & CONTEXT_HAS_IS_REMOTE) !== 0 && (flags & CONTEXT_IS_REMOTE) !== 0;
}

/** OTLP `SpanKind` (0 unspecified, 1 INTERNAL … 5 CONSUMER) to the API's `SpanKind` (INTERNAL 0 … CONSUMER 4). */
export function spanKindOf(kind: number | null | undefined): number {
  return typeof kind === 'number' && Number.isInteger(kind) && kind >= 1 && kind <= 5 ? kind - 1 : 0;
}

/** OTLP `Status` to the API's `SpanStatus`: the codes are the same (UNSET 0, OK 1, ERROR 2). */
function statusOf(status: WireSpan['status']): DecodedSpan['status'] {
  const code = status?.code;
  const message = nonEmpty(status?.message);
  return {
    code: code === 1 || code === 2 ? code : 0,
    ...(message !== undefined ? { message } : {}),
  };
}

function eventOf(event: WireEvent, spanStart: HrTime): DecodedEvent {
  return {
    name: typeof event.name === 'string' ? event.name : '',
    // An event without a time is kept, at its span's start.
    time: hrTimeOf(event.timeUnixNano) ?? spanStart,
    attributes: attributesOf(event.attributes),
    droppedAttributesCount: count(event.droppedAttributesCount),
  };
}

/** A link to a valid context, or undefined (a link with a bad or empty id is left out, the span kept). */
function linkOf(link: WireLink): DecodedLink | undefined {
  const traceId = readId(link.traceId, 16, 'link traceId');
  const spanId = readId(link.spanId, 8, 'link spanId');
  if (!traceId.ok || !spanId.ok || isAllZero(traceId.hex) || isAllZero(spanId.hex)) return undefined;
  const traceState = traceStateOf(link.traceState);
  return {
    context: {
      traceId: traceId.hex,
      spanId: spanId.hex,
      traceFlags: traceFlagsOf(link.flags),
      isRemote: isRemoteOf(link.flags),
      ...(traceState ? { traceState } : {}),
    },
    attributes: attributesOf(link.attributes),
    droppedAttributesCount: count(link.droppedAttributesCount),
  };
}

/** One OTLP span as a `ReadableSpan`-shaped object, or why it cannot be one. */
export function toReadableSpan(span: WireSpan, resource: DecodedResource, scope: DecodedScope): Converted<DecodedSpan> {
  const traceId = readId(span.traceId, 16, 'traceId');
  if (!traceId.ok) return { ok: false, reason: traceId.reason };
  if (isAllZero(traceId.hex)) return { ok: false, reason: 'traceId is missing or all zeros' };
  const spanId = readId(span.spanId, 8, 'spanId');
  if (!spanId.ok) return { ok: false, reason: spanId.reason };
  if (isAllZero(spanId.hex)) return { ok: false, reason: 'spanId is missing or all zeros' };
  const parentId = readId(span.parentSpanId, 8, 'parentSpanId');
  if (!parentId.ok) return { ok: false, reason: parentId.reason };
  const startTime = hrTimeOf(span.startTimeUnixNano);
  if (!startTime) return { ok: false, reason: 'startTimeUnixNano is missing' };
  const endTime = hrTimeOf(span.endTimeUnixNano);
  if (!endTime) return { ok: false, reason: 'endTimeUnixNano is missing' };

  const traceFlags = traceFlagsOf(span.flags);
  const traceState = traceStateOf(span.traceState);
  const context: DecodedSpanContext = {
    traceId: traceId.hex,
    spanId: spanId.hex,
    traceFlags,
    ...(traceState ? { traceState } : {}),
  };
  // An all-zero parent id is a root, as an empty one.
  const parentSpanContext: DecodedSpanContext | undefined =
    parentId.hex && !isAllZero(parentId.hex)
      ? { traceId: traceId.hex, spanId: parentId.hex, traceFlags, isRemote: isRemoteOf(span.flags) }
      : undefined;
  const links: DecodedLink[] = [];
  for (const link of span.links ?? []) {
    const decoded = linkOf(link);
    if (decoded) links.push(decoded);
  }
  return {
    ok: true,
    value: {
      name: typeof span.name === 'string' ? span.name : '',
      kind: spanKindOf(span.kind),
      spanContext: () => context,
      ...(parentSpanContext ? { parentSpanContext } : {}),
      startTime,
      endTime,
      duration: durationOf(startTime, endTime),
      ended: true,
      status: statusOf(span.status),
      attributes: attributesOf(span.attributes),
      events: (span.events ?? []).map((event) => eventOf(event, startTime)),
      links,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: count(span.droppedAttributesCount),
      droppedEventsCount: count(span.droppedEventsCount),
      droppedLinksCount: count(span.droppedLinksCount),
    },
  };
}

function describe(span: WireSpan): string {
  const name = typeof span.name === 'string' ? span.name : '';
  return `span "${name.length > 60 ? `${name.slice(0, 60)}…` : name}"`;
}

/**
 * Every span of an `ExportTraceServiceRequest`. Spans of one resource share one resource object, as
 * spans of one scope share one scope object (as in the SDK). A span that cannot be converted is
 * counted in `rejections`, the others kept.
 */
export function spansOf(request: WireTraceRequest, rejections: Rejections): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = resourceOf(resourceSpans.resource, resourceSpans.schemaUrl);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeOf(scopeSpans.scope, scopeSpans.schemaUrl);
      for (const span of scopeSpans.spans ?? []) {
        try {
          const converted = toReadableSpan(span, resource, scope);
          if (converted.ok) spans.push(converted.value);
          else rejections.add(`${describe(span)}: ${converted.reason}`);
        } catch (error) {
          rejections.add(`${describe(span)}: ${messageOf(error)}`);
        }
      }
    }
  }
  return spans;
}
