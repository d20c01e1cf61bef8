export { NexusSpanExporter, type NexusExporterStats } from './exporter.js';
export { DEFAULT_BASE_URL, type NexusExporterOptions } from './config/options.js';
export { genericTraceMapper, mapTraceWith, traceHeaderOf, type SpanMapFn } from './map/trace.js';
export { mapGenericSpan, spanTimes, nameOf } from './map/span.js';
export { attributesToJson } from './map/attributes.js';
export { limitField, TRUNCATION_MARKER } from './map/field-limit.js';
export { isoFromHrTime } from './map/time.js';
export type { JsonValue, MapContext, MappedSpan, MappedTrace, NexusSpanStatus, NexusTraceStatus, TraceHeader, TraceMapper } from './map/types.js';
export type { ReadableSpanLike, SpanEventLike, ExportResultLike } from './otel/types.js';
