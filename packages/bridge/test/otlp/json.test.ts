import { describe, expect, it } from 'vitest';
import { decodeLogs, decodeTraces } from '../../src/otlp/index.js';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** A hand-written OTLP/JSON body, as the spec describes it (and as the Collector writes it). */
function request(span: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'py-agent' } }], futureField: 1 },
        scopeSpans: [{ scope: { name: 'manual', version: '' }, spans: [span] }],
        schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
      },
    ],
    ...extra,
  };
}

const SPAN = {
  traceId: '5B8EFFF798038103D269B633813FC60C',
  spanId: 'EEE19B7EC3C1B174',
  parentSpanId: '',
  name: 'manual',
  kind: 3,
  startTimeUnixNano: '1544712660000000001',
  endTimeUnixNano: 1544712661000000000,
  attributes: [
    { key: 's', value: { stringValue: 'x' } },
    { key: 'b', value: { boolValue: false } },
    { key: 'i', value: { intValue: '-12' } },
    { key: 'inum', value: { intValue: 12 } },
    { key: 'big', value: { intValue: '9007199254740993' } },
    { key: 'd', value: { doubleValue: 1.5 } },
    { key: 'nan', value: { doubleValue: 'NaN' } },
    { key: 'bytes', value: { bytesValue: 'AQL/' } },
    { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, {}, { stringValue: 'b' }] } } },
    { key: 'nested', value: { arrayValue: { values: [{ arrayValue: { values: [{ intValue: '1' }] } }] } } },
    { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { intValue: '1' } }, { key: 'raw', value: { bytesValue: 'AQI=' } }] } } },
    { key: '__proto__', value: { stringValue: 'own property' } },
    { key: 'empty', value: {} },
  ],
  events: [{ timeUnixNano: '1544712660500000000', name: 'e', attributes: [], unknown: true }],
  status: { code: 2, message: 'bad' },
  flags: 0x100 | 0x200 | 1,
  somethingNew: { a: 1 },
};

describe('OTLP/JSON per the spec', () => {
  it('hex ids (any case), integer enums, 64-bit ints as strings or numbers, every AnyValue form, unknown fields ignored', () => {
    const result = decodeTraces(encode(request(SPAN, { unknownTop: [] })), 'json');
    expect(result).toMatchObject({ ok: true, rejected: 0 });
    if (!result.ok) return;
    const [span] = result.spans;
    expect(span!.spanContext()).toEqual({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 });
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.kind).toBe(2); // OTLP SPAN_KIND_CLIENT (3) is the API's CLIENT (2)
    expect(span!.startTime).toEqual([1_544_712_660, 1]);
    expect(span!.endTime).toEqual([1_544_712_661, 0]);
    expect(span!.status).toEqual({ code: 2, message: 'bad' });
    expect(span!.events).toEqual([{ name: 'e', time: [1_544_712_660, 500_000_000], attributes: {}, droppedAttributesCount: 0 }]);
    expect(span!.resource).toEqual({ attributes: { 'service.name': 'py-agent' }, droppedAttributesCount: 0, schemaUrl: 'https://opentelemetry.io/schemas/1.21.0' });
    expect(span!.instrumentationScope).toEqual({ name: 'manual' });
    const attributes = span!.attributes;
    expect({ ...attributes }).toEqual({
      s: 'x',
      b: false,
      i: -12,
      inum: 12,
      big: '9007199254740993',
      d: 1.5,
      nan: NaN,
      bytes: 'AQL/',
      arr: ['a', null, 'b'],
      nested: '[[1]]',
      kv: '{"k":1,"raw":"AQI="}',
      ['__proto__']: 'own property',
    });
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect('empty' in attributes).toBe(false);
  });

  it('a parent id with the remote bits, and an all-zero parent as a root', () => {
    const result = decodeTraces(encode(request({ ...SPAN, parentSpanId: '00f067aa0ba902b7' })), 'json');
    if (!result.ok) throw new Error(result.reason);
    expect(result.spans[0]!.parentSpanContext).toEqual({ traceId: '5b8efff798038103d269b633813fc60c', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    const root = decodeTraces(encode(request({ ...SPAN, parentSpanId: '0000000000000000', flags: 0x103 })), 'json');
    if (!root.ok) throw new Error(root.reason);
    expect(root.spans[0]!.parentSpanContext).toBeUndefined();
    expect(root.spans[0]!.spanContext().traceFlags).toBe(3);
  });

  it('trace flags: the low byte of flags; 0 there (as the Python SDK sends, flags 0x100) or no flags is sampled', () => {
    const traceFlags = [0x100, 0x300, 0, undefined, 0x101, 0x102].map((flags) => {
      const result = decodeTraces(encode(request({ ...SPAN, flags })), 'json');
      return result.ok ? result.spans[0]!.spanContext().traceFlags : 'failed';
    });
    expect(traceFlags).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it('SpanKind and status code: unspecified and unknown values', () => {
    const kinds = [0, 1, 2, 3, 4, 5, 6, undefined].map((kind) => {
      const result = decodeTraces(encode(request({ ...SPAN, kind })), 'json');
      return result.ok ? result.spans[0]!.kind : 'failed';
    });
    expect(kinds).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
    const unset = decodeTraces(encode(request({ ...SPAN, status: {} })), 'json');
    expect(unset.ok && unset.spans[0]!.status).toEqual({ code: 0 });
  });

  it('a 64-bit number written bare in JSON survives where the runtime allows (Node >= 21), else as a double', () => {
    const text = JSON.stringify(request({ ...SPAN, attributes: [] })).replace('"1544712660000000001"', '1544712660000000001');
    const result = decodeTraces(encode(text), 'json');
    if (!result.ok) throw new Error(result.reason);
    const exact = Number(process.versions.node.split('.')[0]) >= 21;
    expect(result.spans[0]!.startTime).toEqual(exact ? [1_544_712_660, 1] : [1_544_712_660, 0]);
  });

  it('log bodies: every AnyValue form as the Logs API holds it', () => {
    const body = {
      kvlistValue: {
        values: [
          { key: 'n', value: { intValue: '7' } },
          { key: 'big', value: { intValue: '-9007199254740993' } },
          { key: 'list', value: { arrayValue: { values: [{ boolValue: true }, {}, { doubleValue: 2.5 }] } } },
          { key: 'bytes', value: { bytesValue: 'AQI=' } },
          { key: 'none', value: {} },
        ],
      },
    };
    const result = decodeLogs(encode({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body, eventName: 'x.y' }] }] }] }), 'json');
    if (!result.ok) throw new Error(result.reason);
    const [record] = result.records;
    expect(record!.body).toEqual({ n: 7, big: '-9007199254740993', list: [true, null, 2.5], bytes: new Uint8Array([1, 2]), none: null });
    expect(record!.eventName).toBe('x.y');
    expect(record!.hrTime).toEqual([0, 1]);
  });
});
