import type { JsonValue, TraceHeader, TraceMapper } from './types.js';

export type TraceMetadataFn = (header: TraceHeader) => Record<string, JsonValue> | undefined;

/**
 * Adds the user's metadata to every trace, after the mapper. The mapper's own keys win (the
 * exporter finds its traces again by `otel_trace_id`); a hook that throws is ignored for that trace.
 */
export function withTraceMetadata(
  mapper: TraceMapper,
  hook: TraceMetadataFn | undefined,
  onError: (message: string) => void,
  /** The privacy the mapper applied to its own metadata, applied to the hook's values too. */
  clean: (extra: Record<string, JsonValue>) => Record<string, JsonValue> = (extra) => extra,
): TraceMapper {
  if (!hook) return mapper;
  return {
    mapTrace(spans, context) {
      const mapped = mapper.mapTrace(spans, context);
      let extra: Record<string, JsonValue> | undefined;
      try {
        extra = hook(mapped.header);
      } catch (error) {
        onError(`traceMetadata threw (${String(error).slice(0, 200)}); the trace goes without its extra metadata`);
      }
      if (!extra || typeof extra !== 'object') return mapped;
      extra = clean(extra);
      const metadata = { ...mapped.header.metadata };
      for (const [key, value] of Object.entries(extra)) if (!(key in metadata) && value !== undefined) metadata[key] = value;
      return { ...mapped, header: { ...mapped.header, metadata } };
    },
  };
}
