// What the fuzz run found, pinned one by one: every string that leaves is storable text, every field
// fits a Nexus row, spans of the wrong shape and very deep trees never make the mapping throw.
import { describe, expect, it } from 'vitest';
import { LONE_HIGH as HIGH, LONE_LOW as LOW, UNSTORABLE, allStrings } from './hostile.js';
import { TRUNCATION_MARKER } from '../../src/map/field-limit.js';
import type { JsonValue, MappedSpan, MappedTrace } from '../../src/map/types.js';
import {
  cleanMetadataValues,
  MAX_ERROR_BYTES,
  MAX_METADATA_BYTES,
  MAX_METADATA_STRING_CHARS,
  MAX_NAME_CHARS,
  applyPrivacy,
  wellFormed,
  type RedactField,
} from '../../src/genai/privacy/redact.js';
import { createGenAiMapper } from '../../src/genai/mapper.js';
import { attributesToJson } from '../../src/map/attributes.js';
import { TraceState, type HeldSpan } from '../../src/assemble/trace-state.js';
import { selectUploadable, viewOf } from '../../src/upload/select.js';
import type { ReadableSpanLike } from '../../src/otel/types.js';

const PAIR = '\ud83d\ude00';

function mapped(overrides: Partial<MappedSpan> = {}): MappedSpan {
  return {
    localId: 'a',
    sourceId: 'a',
    parentLocalId: null,
    name: 'span',
    status: 'ok',
    startedAt: '2026-01-01T00:00:00.000000Z',
    endedAt: '2026-01-01T00:00:01.000000Z',
    input: null,
    output: null,
    error: null,
    ...overrides,
  };
}

function trace(spans: MappedSpan[], header: Partial<MappedTrace['header']> = {}): MappedTrace {
  return {
    header: {
      name: 'trace',
      status: 'success',
      startedAt: '2026-01-01T00:00:00.000000Z',
      endedAt: '2026-01-01T00:00:01.000000Z',
      metadata: { otel_trace_id: '0af7651916cd43dd8448eb211c80319c' },
      serviceName: 'svc',
      ...header,
    },
    spans,
  };
}

describe('wellFormed', () => {
  it.each([
    [`a${HIGH}b`, 'a\ufffdb'],
    [`${LOW}x`, '\ufffdx'],
    [`x${HIGH}`, 'x\ufffd'],
    [`${HIGH}${PAIR}`, `\ufffd${PAIR}`],
    [`${PAIR}${LOW}`, `${PAIR}\ufffd`],
    ['nul\u0000', 'nul\ufffd'],
    [`𝔘 ${PAIR} 中 é`, `𝔘 ${PAIR} 中 é`],
  ])('%j → %j', (input, output) => {
    expect(wellFormed(input)).toBe(output);
  });
});

describe('applyPrivacy makes every outgoing string storable', () => {
  it('replaces lone surrogates and NUL in names, values, keys, errors and metadata with U+FFFD; keeps non-BMP text', () => {
    const out = applyPrivacy(
      trace(
        [
          mapped({
            name: `span ${HIGH}\u0000`,
            input: { [`key${LOW}`]: [`v${HIGH}`, { ['nul\u0000key']: `𝔘 ${PAIR}` }], text: 'fine' },
            output: `out ${LOW}`,
            error: `boom ${HIGH}`,
          }),
        ],
        { name: `trace ${LOW}`, metadata: { otel_trace_id: `t${HIGH}`, note: 'a\u0000b', [`k${HIGH}`]: 1 } },
      ),
      { maxFieldBytes: 32_768 },
    );
    for (const text of allStrings(out)) expect(text).not.toMatch(UNSTORABLE);
    const [span] = out.spans as [MappedSpan];
    expect(span.name).toBe('span \ufffd\ufffd');
    expect(span.input).toEqual({ 'key\ufffd': ['v\ufffd', { 'nul\ufffdkey': `𝔘 ${PAIR}` }], text: 'fine' });
    expect(span.error).toBe('boom \ufffd');
    expect(out.header.metadata).toEqual({ otel_trace_id: 't\ufffd', note: 'a\ufffdb', 'k\ufffd': 1 });
  });

  it('cleans what a careless redact hook returns, and never sends an empty name', () => {
    const redact = (value: string, field: RedactField): string => (field.kind.endsWith('name') ? '' : `${value}${HIGH}\u0000`);
    const out = applyPrivacy(trace([mapped({ input: { a: 'x' }, error: 'e' })]), { maxFieldBytes: 32_768, redact });
    expect(out.header.name).toBe('trace');
    expect(out.spans[0]?.name).toBe('unnamed span');
    expect(out.spans[0]?.input).toEqual({ a: 'x\ufffd\ufffd' });
    expect(out.spans[0]?.error).toBe('e\ufffd\ufffd');
  });

  it('sends otel_trace_id as it is: not scrubbed, not given to the hook (the exporter finds lost traces by it)', () => {
    const seen: string[] = [];
    const out = applyPrivacy(trace([], { metadata: { otel_trace_id: 'abc', other: 'x' } }), {
      maxFieldBytes: 32_768,
      redact: (value) => {
        seen.push(value);
        return 'hashed';
      },
    });
    expect(out.header.metadata).toEqual({ otel_trace_id: 'abc', other: 'hashed' });
    expect(seen).not.toContain('abc');
  });

  it('turns values JSON cannot hold into strings or nulls, as attributes do', () => {
    const input = { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, big: BigInt(10) ** BigInt(30), none: undefined, fn: () => 1, list: [undefined, Number.NEGATIVE_INFINITY] } as unknown as JsonValue;
    const out = applyPrivacy(trace([mapped({ input })]), { maxFieldBytes: 32_768 });
    expect(out.spans[0]?.input).toEqual({ nan: 'NaN', inf: 'Infinity', big: '1000000000000000000000000000000', list: [null, '-Infinity'] });
  });
});

describe('attributesToJson (the generic mapper\'s input, which skips the GenAI privacy step)', () => {
  it('makes strings and keys well-formed at any depth, and keeps a __proto__ key an own property', () => {
    const out = attributesToJson({ [`k${HIGH}`]: `v\u0000`, list: [`${LOW}`, PAIR], nested: { deeper: `x${HIGH}` } as unknown as string, ['__proto__']: 'own' });
    expect(out).toEqual({ 'k\ufffd': 'v\ufffd', list: ['\ufffd', PAIR], nested: { deeper: 'x\ufffd' }, ['__proto__']: 'own' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    for (const text of allStrings(out)) expect(text).not.toMatch(UNSTORABLE);
  });
});

describe('cleanMetadataValues (for metadata added after the mapper, by the traceMetadata hook)', () => {
  it('scrubs, calls the hook, makes well-formed and caps, like the mapper\'s own metadata', () => {
    const seen: RedactField[] = [];
    const out = cleanMetadataValues(
      { deploy: 'postgres://admin:s3cr3t-Pa55@db/app', [`k${HIGH}`]: `v\u0000`, big: 'b'.repeat(10_000), n: 1 },
      { redact: (value, field) => (seen.push(field), value) },
    );
    expect(out['deploy']).toBe('postgres://admin:[REDACTED:password]@db/app');
    expect(out['k\ufffd']).toBe('v\ufffd');
    expect((out['big'] as string).length).toBeLessThan(MAX_METADATA_STRING_CHARS + 100);
    expect(out['n']).toBe(1);
    expect(seen.every((field) => field.kind === 'metadata')).toBe(true);
  });
});

describe('applyPrivacy keeps every row under what Nexus stores', () => {
  it(`cuts names past ${MAX_NAME_CHARS} characters, never inside a surrogate pair`, () => {
    const name = `${'n'.repeat(MAX_NAME_CHARS - 1)}${PAIR}${'x'.repeat(3 * 1024 * 1024)}`;
    const out = applyPrivacy(trace([mapped({ name })], { name }), { maxFieldBytes: 32_768 });
    for (const cut of [out.header.name, out.spans[0]?.name as string]) {
      expect(cut.startsWith(`${'n'.repeat(MAX_NAME_CHARS - 1)}${TRUNCATION_MARKER}`)).toBe(true);
      expect(cut).not.toMatch(UNSTORABLE);
    }
  });

  it(`cuts an error past ${MAX_ERROR_BYTES} bytes (a 3 MB status message made the whole span row fail)`, () => {
    const out = applyPrivacy(trace([mapped({ status: 'error', error: 'e'.repeat(3 * 1024 * 1024) })]), { maxFieldBytes: 32_768 });
    const error = out.spans[0]?.error as string;
    expect(Buffer.byteLength(error)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(error).toContain(TRUNCATION_MARKER);
  });

  it(`cuts metadata strings past ${MAX_METADATA_STRING_CHARS} characters, and the metadata past ${MAX_METADATA_BYTES} bytes, keeping the keys the exporter needs`, () => {
    const metadata: Record<string, JsonValue> = { otel_trace_id: 'abc', response_id: 'r'.repeat(3 * 1024 * 1024), error: 'boom' };
    for (let i = 0; i < 5_000; i += 1) metadata[`tool_calls_type_${i}`] = i;
    const out = applyPrivacy(trace([], { metadata }), { maxFieldBytes: 32_768 });
    const header = out.header.metadata;
    expect(Buffer.byteLength(JSON.stringify(header))).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    expect(header['otel_trace_id']).toBe('abc');
    expect(header['error']).toBe('boom');
    expect((header['response_id'] as string).length).toBeLessThan(MAX_METADATA_STRING_CHARS + 100);
    expect(header['metadata_truncated_keys']).toBeGreaterThan(0);
  });

  it('gives a usable agent name of last resort: well-formed, not empty, not megabytes', () => {
    const of = (serviceName: string | undefined): string | undefined => applyPrivacy(trace([], { serviceName }), { maxFieldBytes: 32_768 }).header.serviceName;
    expect(of('')).toBeUndefined();
    expect(of('   ')).toBeUndefined();
    expect(of(`svc${HIGH}`)).toBe('svc\ufffd');
    expect(of('s'.repeat(100_000))).toHaveLength(MAX_NAME_CHARS);
  });
});

function plainSpan(id: string, parent: string | undefined, overrides: Record<string, unknown> = {}): ReadableSpanLike {
  const context = { traceId: 'f'.repeat(32), spanId: id, traceFlags: 1 };
  return {
    name: `span ${id}`,
    kind: 0,
    spanContext: () => context,
    parentSpanContext: parent ? { traceId: context.traceId, spanId: parent, traceFlags: 1 } : undefined,
    startTime: [1_700_000_000, 0],
    endTime: [1_700_000_001, 0],
    status: { code: 0 },
    attributes: {},
    events: [],
    resource: { attributes: { 'service.name': 'svc' } },
    ...overrides,
  } as ReadableSpanLike;
}

function held(trace: TraceState, span: ReadableSpanLike, localId = span.spanContext().spanId): HeldSpan {
  const entry: HeldSpan = { span, localId, bytes: 100, arrivedAt: 0 };
  trace.held.set(localId, entry);
  return entry;
}

describe('selectUploadable', () => {
  it('walks a chain 20,000 spans deep, parents first or last, without recursion', () => {
    for (const order of ['parents first', 'children first'] as const) {
      const state = new TraceState('t', 0);
      const ids = Array.from({ length: 20_000 }, (_, i) => i);
      for (const i of order === 'parents first' ? ids : ids.reverse()) held(state, plainSpan(`s${i}`, i === 0 ? undefined : `s${i - 1}`));
      expect(selectUploadable(state, 0, 30_000)).toHaveLength(20_000);
    }
  });

  it('holds a parent cycle and a missing parent until the wait is over, then lets them go', () => {
    const state = new TraceState('t', 0);
    held(state, plainSpan('a', 'c'));
    held(state, plainSpan('b', 'a'));
    held(state, plainSpan('c', 'b'));
    held(state, plainSpan('self', 'self'));
    held(state, plainSpan('orphan', 'never-came'));
    held(state, plainSpan('child-of-orphan', 'orphan'));
    held(state, plainSpan('root', undefined));
    expect(selectUploadable(state, 0, 30_000).map((h) => h.localId)).toEqual(['root']);
    expect(selectUploadable(state, 30_000, 30_000)).toHaveLength(7);
  });
});

describe('viewOf gives the mappers spans of the right shape', () => {
  const broken: Array<[string, Record<string, unknown>]> = [
    ['a name that is not a string', { name: undefined }],
    ['a null name', { name: null }],
    ['a numeric name', { name: 42 }],
    ['no status', { status: undefined }],
    ['a status without a code', { status: { message: 'x' } }],
    ['attributes that are not an object', { attributes: 'attributes' }],
    ['null attributes', { attributes: null }],
    ['events that are not an array', { events: null }],
    ['events holding non-objects', { events: [null, 5, { name: 'gen_ai.choice', time: [1, 0] }] }],
    ['no start time', { startTime: undefined }],
    ['a start time that is a number', { startTime: Date.now() }],
    ['an end time of one element', { endTime: [5] }],
    ['no resource', { resource: undefined }],
    ['a resource without attributes', { resource: {} }],
  ];

  it.each(broken)('%s: the GenAI mapper, filter all and genai, maps it without throwing', (_what, overrides) => {
    const state = new TraceState('t', 0);
    const root = held(state, plainSpan('root', undefined, { attributes: { 'gen_ai.operation.name': 'invoke_agent' } }));
    const child = held(state, plainSpan('child', 'root', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' }, ...overrides }));
    for (const spanFilter of ['all', 'genai'] as const) {
      const out = createGenAiMapper({ spanFilter }).mapTrace([root, child].map(viewOf), { maxFieldBytes: 32_768 });
      expect(out.spans.length).toBeGreaterThan(0);
    }
  });

  // BUG (not in this helper's files): genai/mapper.ts toolSpanName calls span.name.startsWith on an
  // execute_tool span, and rollup.ts/mapper.ts sort by startTime[0]: a span whose name is not a
  // string, or without a start time, makes mapTrace throw and the whole trace is dropped as
  // malformed_span. viewOf (upload/select.ts) now shields the pipeline; a mapper used on its own
  // still throws. it.fails documents it; flip to `it` when the mapper guards those fields.
  it('the GenAI mapper on its own maps an execute_tool span whose name is not a string', () => {
    const root = plainSpan('root', undefined);
    const tool = plainSpan('tool', 'root', { name: undefined, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' } });
    expect(() => createGenAiMapper({ spanFilter: 'all' }).mapTrace([root, tool], { maxFieldBytes: 32_768 })).not.toThrow();
  });

  it('returns a span of the right shape as it is, and only renames a repeated span id', () => {
    const span = plainSpan('a', undefined);
    expect(viewOf({ span, localId: 'a', bytes: 0, arrivedAt: 0 })).toBe(span);
    const view = viewOf({ span, localId: 'a~2', bytes: 0, arrivedAt: 0 });
    expect(view.spanContext().spanId).toBe('a~2');
    expect(view.name).toBe('span a');
  });
});
