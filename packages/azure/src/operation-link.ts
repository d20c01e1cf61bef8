import type { JsonValue, NexusExporterOptions } from '@nexus-otel/exporter';

/** Metadata key of a Nexus trace holding the Application Insights operation id (the OTel trace id). */
export const OPERATION_ID_KEY = 'appinsights_operation_id';
/** Metadata key of a Nexus trace holding a ready-to-paste KQL query for the same operation. */
export const QUERY_KEY = 'appinsights_query';

/**
 * What a Nexus trace says about its twin in Application Insights. The OTel trace id is the
 * `operation_Id` of every request, dependency, trace and exception item of the same run.
 */
export function applicationInsightsMetadata(traceId: string): Record<string, JsonValue> {
  return {
    [OPERATION_ID_KEY]: traceId,
    [QUERY_KEY]: `union requests, dependencies, traces, exceptions | where operation_Id == "${traceId}" | order by timestamp asc`,
  };
}

/**
 * The Nexus options with the Application Insights link added to every trace's metadata, composed
 * with any `traceMetadata` the caller passed (the caller's keys first).
 */
export function withOperationLink(options: NexusExporterOptions): NexusExporterOptions {
  const own = options.traceMetadata;
  return {
    ...options,
    traceMetadata: (header) => {
      const traceId = header.metadata['otel_trace_id'];
      const link = typeof traceId === 'string' && traceId ? applicationInsightsMetadata(traceId) : {};
      return { ...link, ...(own?.(header) ?? {}) };
    },
  };
}
