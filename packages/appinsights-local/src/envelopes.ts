/**
 * One telemetry item as the Azure Monitor exporter posts it to `/v2.1/track`. Spans become
 * `RemoteDependency` (client, internal and producer spans) or `Request` (server and consumer spans)
 * items; log records become `Message`, `Exception` or `Event` items; the OTel trace id of each is
 * its `ai.operation.id` tag, the `operation_Id` column of the tables in Application Insights.
 */
export interface Envelope {
  name: string;
  time: string;
  iKey: string;
  sampleRate?: number;
  tags: Record<string, string>;
  data: { baseType: string; baseData: Record<string, unknown> };
}

/** Item types a span becomes. */
const SPAN_TYPES = new Set(['RequestData', 'RemoteDependencyData']);

/** Items made from spans (Application Insights' `requests` and `dependencies` tables). */
export function spanItems(envelopes: readonly Envelope[]): Envelope[] {
  return envelopes.filter((envelope) => SPAN_TYPES.has(envelope.data?.baseType));
}

/** The `operation_Id` (OTel trace id) of an item, if it has one. */
export function operationIdOf(envelope: Envelope): string | undefined {
  return envelope.tags?.['ai.operation.id'];
}

/** Distinct operation ids of the span items, in arrival order. */
export function operationIds(envelopes: readonly Envelope[]): string[] {
  return [...new Set(spanItems(envelopes).map(operationIdOf).filter((id): id is string => id !== undefined))];
}

/** The name of an item (span name for dependencies and requests, message text for traces). */
export function itemName(envelope: Envelope): string | undefined {
  const data = envelope.data?.baseData;
  const name = data?.['name'] ?? data?.['message'];
  return typeof name === 'string' ? name : undefined;
}
