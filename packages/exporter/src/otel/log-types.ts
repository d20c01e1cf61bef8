import type { Attributes, HrTime, SpanContext } from './types.js';

/**
 * The parts of an SDK `ReadableLogRecord` (`@opentelemetry/sdk-logs` 0.2xx and 0.30x) the exporter
 * reads, declared structurally like `ReadableSpanLike`.
 */
export interface ReadableLogRecordLike {
  readonly hrTime: HrTime;
  readonly hrTimeObserved?: HrTime | undefined;
  readonly spanContext?: SpanContext | undefined;
  readonly severityNumber?: number | undefined;
  readonly body?: unknown;
  /** The Logs API's event name (api-logs ≥ 0.200); older emitters use the `event.name` attribute. */
  readonly eventName?: string | undefined;
  readonly attributes: Attributes;
  readonly resource?: { readonly attributes: Attributes } | undefined;
  readonly instrumentationScope?: { readonly name: string; readonly version?: string | undefined } | undefined;
}

/** The record's event name, wherever the emitter put it. */
export function eventNameOf(record: ReadableLogRecordLike): string | undefined {
  const name = record.eventName ?? record.attributes?.['event.name'];
  return typeof name === 'string' && name ? name : undefined;
}
