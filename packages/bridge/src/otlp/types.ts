import type { ReadableLogRecordLike, ReadableSpanLike, SpanEventLike } from '@nexus-otel/exporter';

/** `[seconds, nanoseconds]` since the epoch, as the OpenTelemetry SDKs hold times. */
export type HrTime = [number, number];

/** An attribute value as the SDKs hold it: a primitive or a homogeneous array of primitives. */
export type AttributeValue = string | number | boolean | Array<string | number | boolean | null>;

export type DecodedAttributes = { [key: string]: AttributeValue };

/** A log body as the Logs API holds it (`AnyValue` of `@opentelemetry/api-logs`). */
export type LogBodyValue = string | number | boolean | null | Uint8Array | LogBodyValue[] | { [key: string]: LogBodyValue };

/** The `TraceState` of `@opentelemetry/api`: immutable W3C `tracestate` entries. */
export interface TraceStateLike {
  get(key: string): string | undefined;
  set(key: string, value: string): TraceStateLike;
  unset(key: string): TraceStateLike;
  serialize(): string;
}

export interface DecodedSpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote?: boolean | undefined;
  readonly traceState?: TraceStateLike | undefined;
}

export interface DecodedResource {
  readonly attributes: DecodedAttributes;
  readonly droppedAttributesCount: number;
  readonly schemaUrl?: string | undefined;
}

export interface DecodedScope {
  readonly name: string;
  readonly version?: string | undefined;
  readonly schemaUrl?: string | undefined;
  readonly attributes?: DecodedAttributes | undefined;
  readonly droppedAttributesCount?: number | undefined;
}

export interface DecodedEvent extends SpanEventLike {
  readonly name: string;
  readonly time: HrTime;
  readonly attributes: DecodedAttributes;
  readonly droppedAttributesCount: number;
}

export interface DecodedLink {
  readonly context: DecodedSpanContext;
  readonly attributes: DecodedAttributes;
  readonly droppedAttributesCount: number;
}

/**
 * A span received over OTLP, shaped like the SDK's `ReadableSpan` (2.x) so the Nexus exporter, and
 * any SDK span exporter that reads the usual fields (e.g. `ConsoleSpanExporter`), can take it.
 */
export interface DecodedSpan extends ReadableSpanLike {
  readonly name: string;
  /** `SpanKind` of `@opentelemetry/api`: INTERNAL 0, SERVER 1, CLIENT 2, PRODUCER 3, CONSUMER 4. */
  readonly kind: number;
  spanContext(): DecodedSpanContext;
  readonly parentSpanContext?: DecodedSpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly ended: true;
  readonly status: { code: number; message?: string | undefined };
  readonly attributes: DecodedAttributes;
  readonly events: DecodedEvent[];
  readonly links: DecodedLink[];
  readonly resource: DecodedResource;
  readonly instrumentationScope: DecodedScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

/** A log record received over OTLP, shaped like the SDK's `ReadableLogRecord` (sdk-logs 0.2xx). */
export interface DecodedLogRecord extends ReadableLogRecordLike {
  readonly hrTime: HrTime;
  readonly hrTimeObserved: HrTime;
  readonly spanContext?: DecodedSpanContext | undefined;
  readonly severityNumber?: number | undefined;
  readonly severityText?: string | undefined;
  readonly body?: LogBodyValue | undefined;
  readonly eventName?: string | undefined;
  readonly attributes: DecodedAttributes;
  readonly droppedAttributesCount: number;
  readonly resource: DecodedResource;
  readonly instrumentationScope: DecodedScope;
}
