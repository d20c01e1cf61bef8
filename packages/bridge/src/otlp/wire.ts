/**
 * OTLP request messages as both decoders hand them to the conversion: the field names and shapes of
 * the messages protobufjs decodes (unset fields null or absent), which the JSON decoder also builds.
 * Only the fields the bridge reads are declared.
 */

/** A 64-bit integer as protobufjs gives it (a `Long`, or a number without long.js), or as JSON has it. */
export interface LongBits {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}
export type WireInt64 = LongBits | number | string | null | undefined;

/** A trace or span id: bytes (protobuf) or a hex string (OTLP/JSON). */
export type WireId = Uint8Array | string | null | undefined;

type List<T> = readonly T[] | null | undefined;

export interface WireAnyValue {
  readonly stringValue?: string | null | undefined;
  readonly boolValue?: boolean | null | undefined;
  readonly intValue?: WireInt64;
  readonly doubleValue?: number | null | undefined;
  readonly arrayValue?: { readonly values?: List<WireAnyValue | null | undefined> } | null | undefined;
  readonly kvlistValue?: { readonly values?: List<WireKeyValue> } | null | undefined;
  readonly bytesValue?: Uint8Array | null | undefined;
}

export interface WireKeyValue {
  readonly key?: string | null | undefined;
  readonly value?: WireAnyValue | null | undefined;
}

export interface WireResource {
  readonly attributes?: List<WireKeyValue>;
  readonly droppedAttributesCount?: number | null | undefined;
}

export interface WireScope {
  readonly name?: string | null | undefined;
  readonly version?: string | null | undefined;
  readonly attributes?: List<WireKeyValue>;
  readonly droppedAttributesCount?: number | null | undefined;
}

export interface WireStatus {
  readonly code?: number | null | undefined;
  readonly message?: string | null | undefined;
}

export interface WireEvent {
  readonly timeUnixNano?: WireInt64;
  readonly name?: string | null | undefined;
  readonly attributes?: List<WireKeyValue>;
  readonly droppedAttributesCount?: number | null | undefined;
}

export interface WireLink {
  readonly traceId?: WireId;
  readonly spanId?: WireId;
  readonly traceState?: string | null | undefined;
  readonly attributes?: List<WireKeyValue>;
  readonly droppedAttributesCount?: number | null | undefined;
  readonly flags?: number | null | undefined;
}

export interface WireSpan {
  readonly traceId?: WireId;
  readonly spanId?: WireId;
  readonly traceState?: string | null | undefined;
  readonly parentSpanId?: WireId;
  readonly flags?: number | null | undefined;
  readonly name?: string | null | undefined;
  readonly kind?: number | null | undefined;
  readonly startTimeUnixNano?: WireInt64;
  readonly endTimeUnixNano?: WireInt64;
  readonly attributes?: List<WireKeyValue>;
  readonly droppedAttributesCount?: number | null | undefined;
  readonly events?: List<WireEvent>;
  readonly droppedEventsCount?: number | null | undefined;
  readonly links?: List<WireLink>;
  readonly droppedLinksCount?: number | null | undefined;
  readonly status?: WireStatus | null | undefined;
}

export interface WireScopeSpans {
  readonly scope?: WireScope | null | undefined;
  readonly spans?: List<WireSpan>;
  readonly schemaUrl?: string | null | undefined;
}

export interface WireResourceSpans {
  readonly resource?: WireResource | null | undefined;
  readonly scopeSpans?: List<WireScopeSpans>;
  readonly schemaUrl?: string | null | undefined;
}

/** `ExportTraceServiceRequest`. */
export interface WireTraceRequest {
  readonly resourceSpans?: List<WireResourceSpans>;
}

export interface WireLogRecord {
  readonly timeUnixNano?: WireInt64;
  readonly observedTimeUnixNano?: WireInt64;
  readonly severityNumber?: number | null | undefined;
  readonly severityText?: string | null | undefined;
  readonly body?: WireAnyValue | null | undefined;
  readonly attributes?: List<WireKeyValue>;
  readonly droppedAttributesCount?: number | null | undefined;
  readonly flags?: number | null | undefined;
  readonly traceId?: WireId;
  readonly spanId?: WireId;
  readonly eventName?: string | null | undefined;
}

export interface WireScopeLogs {
  readonly scope?: WireScope | null | undefined;
  readonly logRecords?: List<WireLogRecord>;
  readonly schemaUrl?: string | null | undefined;
}

export interface WireResourceLogs {
  readonly resource?: WireResource | null | undefined;
  readonly scopeLogs?: List<WireScopeLogs>;
  readonly schemaUrl?: string | null | undefined;
}

/** `ExportLogsServiceRequest`. */
export interface WireLogsRequest {
  readonly resourceLogs?: List<WireResourceLogs>;
}
