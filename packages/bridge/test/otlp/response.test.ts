import { describe, expect, it } from 'vitest';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from 'otlp-transformer-current';
import { encodeLogsResponse, encodeTraceResponse } from '../../src/otlp/index.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('OTLP responses, read back by the real OTel JS exporters’ deserializers', () => {
  it('full success: an empty message, no partial_success', () => {
    expect(encodeTraceResponse({ rejectedSpans: 0 }, 'protobuf')).toHaveLength(0);
    expect(text(encodeTraceResponse({ rejectedSpans: 0 }, 'json'))).toBe('{}');
    expect(encodeLogsResponse({ rejectedLogRecords: 0 }, 'protobuf')).toHaveLength(0);
    expect(text(encodeLogsResponse({ rejectedLogRecords: 0 }, 'json'))).toBe('{}');
  });

  it('traces: partial_success with the rejected count and message', () => {
    const response = { rejectedSpans: 2, errorMessage: '2 spans rejected: …' };
    const fromProtobuf = ProtobufTraceSerializer.deserializeResponse(encodeTraceResponse(response, 'protobuf'));
    expect(fromProtobuf.partialSuccess?.errorMessage).toBe('2 spans rejected: …');
    expect(Number(fromProtobuf.partialSuccess?.rejectedSpans)).toBe(2);
    // JSON: the protobuf JSON mapping writes int64 as a string.
    expect(JsonTraceSerializer.deserializeResponse(encodeTraceResponse(response, 'json'))).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: '2 spans rejected: …' },
    });
  });

  it('logs: partial_success, and a warning alone (rejected 0 with a message)', () => {
    const fromProtobuf = ProtobufLogsSerializer.deserializeResponse(encodeLogsResponse({ rejectedLogRecords: 1, errorMessage: 'bad id' }, 'protobuf'));
    expect(Number(fromProtobuf.partialSuccess?.rejectedLogRecords)).toBe(1);
    expect(fromProtobuf.partialSuccess?.errorMessage).toBe('bad id');
    expect(JsonLogsSerializer.deserializeResponse(encodeLogsResponse({ rejectedLogRecords: 0, errorMessage: 'slow down' }, 'json'))).toEqual({
      partialSuccess: { errorMessage: 'slow down' },
    });
  });
});
