import { attributesOf, bodyValueOf } from './any-value.js';
import { count, nonEmpty } from './fields.js';
import { isAllZero, readId } from './ids.js';
import { messageOf, type Converted, type Rejections } from './rejections.js';
import { resourceOf, scopeOf } from './scope.js';
import { hrTimeNow, hrTimeOf } from './time.js';
import type { DecodedLogRecord, DecodedResource, DecodedScope, DecodedSpanContext } from './types.js';
import type { WireLogRecord, WireLogsRequest } from './wire.js';

/** `LogRecordFlags`: the low byte is the W3C trace flags. */
const TRACE_FLAGS_MASK = 0xff;

/**
 * One OTLP log record as a `ReadableLogRecord`-shaped object, or why it cannot be one. The time is
 * `time_unix_nano`, else `observed_time_unix_nano` (the spec's rule for one-timestamp consumers),
 * else the time of receipt. The span context is set when the record has both a trace and a span id.
 */
export function toLogRecord(record: WireLogRecord, resource: DecodedResource, scope: DecodedScope): Converted<DecodedLogRecord> {
  const traceId = readId(record.traceId, 16, 'traceId');
  if (!traceId.ok) return { ok: false, reason: traceId.reason };
  const spanId = readId(record.spanId, 8, 'spanId');
  if (!spanId.ok) return { ok: false, reason: spanId.reason };
  const spanContext: DecodedSpanContext | undefined =
    traceId.hex && spanId.hex && !isAllZero(traceId.hex) && !isAllZero(spanId.hex)
      ? { traceId: traceId.hex, spanId: spanId.hex, traceFlags: (record.flags ?? 0) & TRACE_FLAGS_MASK }
      : undefined;

  const time = hrTimeOf(record.timeUnixNano);
  const observed = hrTimeOf(record.observedTimeUnixNano);
  const hrTime = time ?? observed ?? hrTimeNow();
  const severityNumber = typeof record.severityNumber === 'number' && record.severityNumber > 0 ? record.severityNumber : undefined;
  const severityText = nonEmpty(record.severityText);
  const body = bodyValueOf(record.body);
  const eventName = nonEmpty(record.eventName);
  return {
    ok: true,
    value: {
      hrTime,
      hrTimeObserved: observed ?? hrTime,
      ...(spanContext ? { spanContext } : {}),
      ...(severityNumber !== undefined ? { severityNumber } : {}),
      ...(severityText !== undefined ? { severityText } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(eventName !== undefined ? { eventName } : {}),
      // An `event.name` attribute (older emitters) stays an attribute.
      attributes: attributesOf(record.attributes),
      droppedAttributesCount: count(record.droppedAttributesCount),
      resource,
      instrumentationScope: scope,
    },
  };
}

/** Every log record of an `ExportLogsServiceRequest`; one that cannot be converted is counted in `rejections`. */
export function logRecordsOf(request: WireLogsRequest, rejections: Rejections): DecodedLogRecord[] {
  const records: DecodedLogRecord[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = resourceOf(resourceLogs.resource, resourceLogs.schemaUrl);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      const scope = scopeOf(scopeLogs.scope, scopeLogs.schemaUrl);
      for (const record of scopeLogs.logRecords ?? []) {
        try {
          const converted = toLogRecord(record, resource, scope);
          if (converted.ok) records.push(converted.value);
          else rejections.add(`log record: ${converted.reason}`);
        } catch (error) {
          rejections.add(`log record: ${messageOf(error)}`);
        }
      }
    }
  }
  return records;
}
