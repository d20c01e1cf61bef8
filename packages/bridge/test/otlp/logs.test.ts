import { describe, expect, it } from 'vitest';
import { decodeLogs, type DecodedLogRecord } from '../../src/otlp/index.js';
import { jsonLogs, logView, protobufLogs, recordLogs, T0 } from './helpers.js';

function decodedRecords(body: Uint8Array, encoding: 'protobuf' | 'json'): DecodedLogRecord[] {
  const result = decodeLogs(body, encoding);
  if (!result.ok) throw new Error(result.reason);
  expect(result.rejected).toBe(0);
  return result.records;
}

describe('decodeLogs: bodies from the real OTel JS serializers', () => {
  const originals = recordLogs();

  it('protobuf and JSON: every record equals the SDK record on every field an exporter reads', () => {
    for (const [body, encoding] of [[protobufLogs(originals), 'protobuf'], [jsonLogs(originals), 'json']] as const) {
      const decoded = decodedRecords(body, encoding);
      expect(decoded.map(logView), encoding).toEqual(originals.map(logView));
    }
  });

  it('keeps the event name, the structured body, the span context and the times', () => {
    const [event, text, legacy] = decodedRecords(protobufLogs(originals), 'protobuf');
    expect(event!.eventName).toBe('gen_ai.choice');
    expect(event!.body).toEqual({ index: 0, message: { role: 'assistant', content: 'hi' }, tool_calls: [{ id: 'c1' }, 'x', 3], raw: new Uint8Array([1, 2, 255]) });
    expect(event!.spanContext).toEqual({ traceId: originals[0]!.spanContext!.traceId, spanId: originals[0]!.spanContext!.spanId, traceFlags: 1 });
    expect(event!.hrTime).toEqual([T0[0], 10]);
    expect(event!.hrTimeObserved).toEqual([T0[0], 11]);
    expect(event!.attributes).toEqual({ 'gen_ai.system': 'openai', 'app.list': ['x', 'y'] });
    expect(event!.instrumentationScope).toEqual({ name: 'genai-events', version: '0.9.0' });
    expect(text).toMatchObject({ body: 'plain text', severityNumber: 17 });
    expect(text!.spanContext).toBeUndefined();
    expect(text!.eventName).toBeUndefined();
    expect(legacy!.attributes).toEqual({ 'event.name': 'gen_ai.user.message' });
    expect(legacy!.body).toBe(42);
  });

  it('a record with only an observed time takes it; one with neither takes the time of receipt', () => {
    const body = (record: object) => new TextEncoder().encode(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }));
    const observedOnly = decodedRecords(body({ observedTimeUnixNano: '1760000000000000007' }), 'json')[0]!;
    expect(observedOnly.hrTime).toEqual([1_760_000_000, 7]);
    const before = Date.now();
    const none = decodedRecords(body({ body: { stringValue: 'x' } }), 'json')[0]!;
    expect(none.hrTime[0] * 1000 + none.hrTime[1] / 1e6).toBeGreaterThanOrEqual(before - 1);
  });

  it('a record with a bad span id is rejected, the others kept; garbage is ok:false', () => {
    const request = JSON.parse(new TextDecoder().decode(jsonLogs(originals)));
    request.resourceLogs[0].scopeLogs[0].logRecords[0].spanId = '0102';
    const result = decodeLogs(new TextEncoder().encode(JSON.stringify(request)), 'json');
    expect(result).toMatchObject({ ok: true, rejected: 1, rejectedReason: '1 log record rejected: log record: spanId must be 8 bytes, got 2' });
    if (result.ok) expect(result.records).toHaveLength(2);
    expect(decodeLogs(protobufLogs(originals).subarray(0, 20), 'protobuf')).toMatchObject({ ok: false, reason: /^invalid protobuf ExportLogsServiceRequest: / });
    expect(decodeLogs(new TextEncoder().encode('nope'), 'json')).toMatchObject({ ok: false, reason: /^invalid JSON ExportLogsServiceRequest: / });
  });
});
