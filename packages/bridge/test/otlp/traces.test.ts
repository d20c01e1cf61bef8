import { describe, expect, it, vi } from 'vitest';
import { ConsoleSpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root.js';
import { decodeTraces, type DecodedSpan } from '../../src/otlp/index.js';
import { bySpanId, jsonTraces, protobufTraces, recordSpans, REMOTE_PARENT, spanView, T0 } from './helpers.js';

function decodedSpans(body: Uint8Array, encoding: 'protobuf' | 'json'): DecodedSpan[] {
  const result = decodeTraces(body, encoding);
  if (!result.ok) throw new Error(result.reason);
  expect(result.rejected).toBe(0);
  expect(result.rejectedReason).toBeUndefined();
  return result.spans;
}

/** The generated protobuf messages, for tests that must build a body no SDK would send. */
interface Codec<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
}
type RequestMessage = { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; spanId: Uint8Array; startTimeUnixNano: unknown }> }> }> };
const ExportTraceServiceRequest = (
  generatedRoot as unknown as { opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: Codec<RequestMessage> } } } } } }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

describe('decodeTraces: bodies from the real OTel JS serializers', () => {
  const originals = recordSpans().sort(bySpanId);

  it('protobuf: every span equals the SDK span on every field an exporter reads', () => {
    const decoded = decodedSpans(protobufTraces(originals), 'protobuf').sort(bySpanId);
    expect(decoded).toHaveLength(originals.length);
    expect(decoded.map(spanView)).toEqual(originals.map(spanView));
  });

  it('JSON: every span equals the SDK span, and the protobuf decoding', () => {
    const fromJson = decodedSpans(jsonTraces(originals), 'json').sort(bySpanId);
    const fromProtobuf = decodedSpans(protobufTraces(originals), 'protobuf').sort(bySpanId);
    expect(fromJson.map(spanView)).toEqual(originals.map(spanView));
    // Every field, not only those of the view (functions compared by what they return).
    const plain = (span: DecodedSpan) => ({ ...span, spanContext: span.spanContext(), traceState: span.spanContext().traceState?.serialize() });
    expect(fromJson.map(plain)).toEqual(fromProtobuf.map(plain));
  });

  it('keeps times exact to the nanosecond, parents, the remote parent, kinds and the link', () => {
    const byName = new Map(decodedSpans(protobufTraces(originals), 'protobuf').map((s) => [s.name, s]));
    const root = byName.get('invoke_agent support')!;
    const chat = byName.get('chat gpt-4o')!;
    expect(root.startTime).toEqual([T0[0], 0]);
    expect(root.endTime).toEqual([T0[0] + 3, 1]);
    expect(root.duration).toEqual([3, 1]);
    expect(chat.endTime).toEqual([T0[0] + 2, 999_999_999]);
    expect(chat.events[1]!.time).toEqual([T0[0] + 1, 999_999_999]);
    expect(root.parentSpanContext).toMatchObject({ traceId: REMOTE_PARENT.traceId, spanId: REMOTE_PARENT.spanId, isRemote: true });
    expect(root.spanContext().traceState?.serialize()).toBe('vendor=abc,other=1');
    expect(root.spanContext().traceState?.get('vendor')).toBe('abc');
    expect(chat.parentSpanContext).toMatchObject({ spanId: root.spanContext().spanId, isRemote: false });
    expect(byName.get('execute_tool lookup')!.parentSpanContext?.spanId).toBe(chat.spanContext().spanId);
    expect([...byName.values()].map((s) => [s.name, s.kind]).sort()).toEqual([
      ['background job', 4],
      ['chat gpt-4o', 2],
      ['execute_tool lookup', 0],
      ['invoke_agent support', 1],
      ['publish', 3],
    ]);
    expect(chat.status).toEqual({ code: 2, message: 'rate limited' });
    expect(chat.links[0]!.context.spanId).toBe(byName.get('background job')!.spanContext().spanId);
    expect(root.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.instrumentationScope).toEqual({ name: 'agents', version: '1.2.3', schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
    // Spans of one scope share one scope object, of one resource one resource object, as in the SDK.
    expect(chat.instrumentationScope).toBe(root.instrumentationScope);
    expect(chat.resource).toBe(byName.get('publish')!.resource);
  });

  it('integers beyond 2^53 arrive exactly, as decimal strings; safe ones as numbers', () => {
    const [span] = recordSpans();
    const withBig = Object.assign(Object.create(Object.getPrototypeOf(span)), span, {
      attributes: { big: 2 ** 60, negativeBig: -(2 ** 60), safe: Number.MAX_SAFE_INTEGER, mixed: [1, 2 ** 60] },
    }) as ReadableSpan;
    const [fromProtobuf] = decodedSpans(protobufTraces([withBig]), 'protobuf');
    expect(fromProtobuf!.attributes).toEqual({
      big: '1152921504606846976',
      negativeBig: '-1152921504606846976',
      safe: Number.MAX_SAFE_INTEGER,
      // One array of numbers and a string: the SDK holds no mixed arrays, so it is JSON text.
      mixed: '[1,"1152921504606846976"]',
    });
    // The JSON serializer writes the double as JSON.stringify prints it: 1152921504606847000 is
    // what the body says, on Node 20 as on Node 22.
    const json = new TextDecoder().decode(jsonTraces([withBig]));
    expect(json).toContain('{"intValue":1152921504606847000}');
    const [fromJson] = decodedSpans(jsonTraces([withBig]), 'json');
    expect(fromJson!.attributes).toEqual({
      big: '1152921504606847000',
      negativeBig: '-1152921504606847000',
      safe: Number.MAX_SAFE_INTEGER,
      mixed: '[1,"1152921504606847000"]',
    });
  });

  it('a real ConsoleSpanExporter prints a decoded span', async () => {
    const printed: unknown[] = [];
    const dir = vi.spyOn(console, 'dir').mockImplementation((value) => void printed.push(value));
    try {
      const spans = decodedSpans(protobufTraces(originals), 'protobuf');
      const code = await new Promise<number>((resolve) =>
        new ConsoleSpanExporter().export(spans as unknown as ReadableSpan[], (result) => resolve(result.code)),
      );
      expect(code).toBe(0);
      expect(printed).toHaveLength(spans.length);
      expect(printed).toContainEqual(
        expect.objectContaining({ name: 'invoke_agent support', traceState: 'vendor=abc,other=1', duration: 3_000_000.001, kind: 1 }),
      );
    } finally {
      dir.mockRestore();
    }
  });
});

describe('decodeTraces: malformed input', () => {
  const originals = recordSpans().filter((s) => s.instrumentationScope.name === 'tools');

  it('an undecodable body is ok:false with a reason, never a throw', () => {
    const valid = protobufTraces(originals);
    const cases: Array<[Uint8Array, 'protobuf' | 'json']> = [
      [valid.subarray(0, valid.length - 3), 'protobuf'],
      [Uint8Array.of(0x0a, 0xc8), 'protobuf'],
      [new TextEncoder().encode('{"resourceSpans": ['), 'json'],
      [new TextEncoder().encode('[1, 2]'), 'json'],
      [new TextEncoder().encode('{"resourceSpans": {"not": "a list"}}'), 'json'],
      [Uint8Array.of(0xff, 0xfe, 0x7b), 'json'],
      [valid, 'xml' as 'json'],
    ];
    for (const [body, encoding] of cases) {
      const result = decodeTraces(body, encoding);
      expect(result.ok, `${encoding} ${Buffer.from(body).toString('hex').slice(0, 20)}`).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/\w/);
    }
    expect(decodeTraces(valid.subarray(0, valid.length - 3), 'protobuf')).toMatchObject({ ok: false, reason: /^invalid protobuf ExportTraceServiceRequest: / });
  });

  it('an empty body is an empty request', () => {
    expect(decodeTraces(new Uint8Array(), 'protobuf')).toEqual({ ok: true, spans: [], rejected: 0 });
    expect(decodeTraces(new TextEncoder().encode('{}'), 'json')).toEqual({ ok: true, spans: [], rejected: 0 });
  });

  it('protobuf: one span of three with a 3-byte span id is rejected, the other two kept', () => {
    const message = ExportTraceServiceRequest.decode(protobufTraces(originals));
    const spans = message.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans).toHaveLength(3);
    spans[1]!.spanId = Uint8Array.of(1, 2, 3);
    const result = decodeTraces(ExportTraceServiceRequest.encode(message).finish(), 'protobuf');
    expect(result).toMatchObject({ ok: true, rejected: 1 });
    if (!result.ok) return;
    expect(result.spans.map((s) => s.name)).toEqual([spans[0]!.name, spans[2]!.name]);
    expect(result.rejectedReason).toBe(`1 span rejected: span "${spans[1]!.name}": spanId must be 8 bytes, got 3`);
  });

  it('JSON: bad ids and missing times reject only their spans', () => {
    const request = JSON.parse(new TextDecoder().decode(jsonTraces(originals)));
    const spans = request.resourceSpans[0].scopeSpans[0].spans;
    spans[0].spanId = 'abcdef';
    spans[1].traceId = Buffer.from(spans[1].traceId, 'hex').toString('base64'); // base64 is not OTLP/JSON
    delete spans[2].endTimeUnixNano;
    spans.push({ ...spans[2], endTimeUnixNano: spans[2].startTimeUnixNano, name: 'kept' }, 'not a span');
    const result = decodeTraces(new TextEncoder().encode(JSON.stringify(request)), 'json');
    expect(result).toMatchObject({ ok: true, rejected: 4 });
    if (!result.ok) return;
    expect(result.spans.map((s) => s.name)).toEqual(['kept']);
    expect(result.rejectedReason).toMatch(/^4 spans rejected: span "[^"]+": spanId must be 8 bytes, got 3; span "[^"]+": traceId must be hex, got "[^"]+"; span "[^"]+": endTimeUnixNano is missing; …$/);
  });
});
