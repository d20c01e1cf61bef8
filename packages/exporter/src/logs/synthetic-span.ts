import { randomBytes } from 'node:crypto';
import type { Attributes, HrTime, ReadableSpanLike } from '../otel/types.js';

/** Attribute that marks spans this exporter made itself from log records. */
export const SYNTHETIC = 'nexus_otel.synthetic';

export interface SyntheticSpanInit {
  traceId: string;
  parentSpanId: string | null;
  name: string;
  time: HrTime;
  attributes: Attributes;
  resource?: { readonly attributes: Attributes } | undefined;
}

/**
 * A span made from log records (feedback, late message content), so it flows through the same
 * assembly, mapping and upload as real spans: nested under the span it belongs to, in the trace
 * already in Nexus when there is one.
 */
export function syntheticSpan(init: SyntheticSpanInit): ReadableSpanLike {
  const spanId = randomBytes(8).toString('hex');
  const parent = init.parentSpanId ? { traceId: init.traceId, spanId: init.parentSpanId, traceFlags: 1, isRemote: false } : undefined;
  return {
    name: init.name,
    kind: 0,
    spanContext: () => ({ traceId: init.traceId, spanId, traceFlags: 1 }),
    parentSpanContext: parent,
    startTime: init.time,
    endTime: init.time,
    status: { code: 0 },
    attributes: init.attributes,
    events: [],
    resource: init.resource ?? { attributes: {} },
    instrumentationScope: { name: '@nexus-otel/exporter' },
  };
}

export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}
