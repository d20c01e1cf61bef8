// Content is parsed once and copied only where something in it must change (benchmark 1 in
// docs/benchmarks.md): these pin that the shortcuts give what the copies gave, and where they stop.
import { describe, expect, it } from 'vitest';
import { UNSTORABLE } from './hostile.js';
import { parseMaybeJson } from '../../src/genai/messages/json.js';
import { normalizeMessages } from '../../src/genai/messages/normalize.js';
import { MAX_JSON_DEPTH, toJsonValue } from '../../src/map/attributes.js';
import { applyPrivacy } from '../../src/genai/privacy/redact.js';
import { createGenAiMapper } from '../../src/genai/mapper.js';
import type { JsonValue, MappedSpan, MappedTrace } from '../../src/map/types.js';
import type { ReadableSpanLike } from '../../src/otel/types.js';

function nested(levels: number): JsonValue {
  let value: JsonValue = 'leaf';
  for (let i = 0; i < levels; i += 1) value = { down: value };
  return value;
}

function depthOf(value: unknown): number {
  let depth = 0;
  let item = value;
  while (item !== null && typeof item === 'object') {
    depth += 1;
    item = (item as { down?: unknown }).down;
  }
  return depth;
}

describe('parseMaybeJson', () => {
  it('decodes escaped lone surrogates and NUL into U+FFFD, and keeps an escaped pair (Python writes emoji so)', () => {
    const parsed = parseMaybeJson('[{"role":"user","content":"a\\ud800b \\u0000 \\ud83d\\ude00","k\\udc00":1}]') as Array<Record<string, JsonValue>>;
    expect(parsed[0]?.['content']).toBe('a\ufffdb \ufffd \ud83d\ude00');
    expect(Object.keys(parsed[0] ?? {})).toEqual(['role', 'content', 'k\ufffd']);
  });

  it('keeps plain JSON deeper than attribute values go (tool schemas are deep), up to the privacy bound', () => {
    expect(depthOf(parseMaybeJson(JSON.stringify(nested(20))))).toBe(20);
    expect(depthOf(toJsonValue(nested(20), 0))).toBe(20);
  });

  it('still copies what is not plain JSON: Dates, typed arrays, NaN, cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const value = toJsonValue({ at: new Date(0), bytes: new Uint8Array(3), n: Number.NaN, cyclic }, 0) as Record<string, JsonValue>;
    expect(value['at']).toBe('1970-01-01T00:00:00.000Z');
    expect(value['bytes']).toBe('[3 bytes]');
    expect(value['n']).toBe('NaN');
    expect(JSON.stringify(value)).toContain('[nested too deep]');
  });

  it('normalises parsed content without touching it: a second read gives the same messages', () => {
    const text = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }, { type: 'tool_call', id: 'c1', name: 'f', arguments: { q: { deep: [1, 2] } } }] }]);
    const first = normalizeMessages(text);
    expect(first).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }, { type: 'tool_call', id: 'c1', name: 'f', arguments: { q: { deep: [1, 2] } } }] }]);
    expect(normalizeMessages(text)).toEqual(first);
  });
});

describe('applyPrivacy copies only what it changes', () => {
  const span = (input: JsonValue, output: JsonValue): MappedSpan => ({
    localId: 'a',
    sourceId: 'a',
    parentLocalId: null,
    name: 'chat',
    status: 'ok',
    startedAt: '2026-01-01T00:00:00.000000Z',
    endedAt: '2026-01-01T00:00:01.000000Z',
    input,
    output,
    error: null,
  });
  const trace = (spans: MappedSpan[]): MappedTrace => ({
    header: { name: 't', status: 'success', startedAt: '2026-01-01T00:00:00.000000Z', endedAt: '2026-01-01T00:00:01.000000Z', metadata: { otel_trace_id: 'ab', n: 1 }, serviceName: 'svc' },
    spans,
  });

  it('cuts a field of the longest numbers JSON has to its cap: the walk’s size bound is a true upper bound', () => {
    // 25 characters each, the longest finite number text; 100 of them are 2,601 bytes of JSON.
    const numbers = Array.from({ length: 100 }, () => -0.0000012345678901234567);
    expect(JSON.stringify(numbers)).toHaveLength(2_601);
    const out = applyPrivacy(trace([span(numbers, null)]), { maxFieldBytes: 2_550 }).spans[0] as MappedSpan;
    expect(Buffer.byteLength(JSON.stringify(out.input))).toBeLessThanOrEqual(2_550);
  });

  it('returns a clean input as it is, and a changed one as a copy that leaves the original untouched', () => {
    const clean = { messages: [{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }] };
    const dirty = { messages: [{ role: 'user', parts: [{ type: 'text', content: 'key sk-proj-abcdefghij0123456789XYZ' }] }], gone: undefined, at: new Date(0) } as unknown as JsonValue;
    const before = JSON.stringify(dirty);
    const out = applyPrivacy(trace([span(clean, dirty)]), { maxFieldBytes: 32 * 1024 }).spans[0] as MappedSpan;
    expect(out.input).toBe(clean);
    expect(out.output).toEqual({ messages: [{ role: 'user', parts: [{ type: 'text', content: 'key [REDACTED:openai_key]' }] }], at: {} });
    expect(JSON.stringify(dirty)).toBe(before);
  });

  it.each([
    ['storable text (parsed, not walked)', ''],
    ['text with an escaped lone surrogate (parsed, then copied)', '\\ud800'],
  ])(`maps content nested 200 deep from %s: cut past ${MAX_JSON_DEPTH} levels, nothing unstorable`, (_name, escape) => {
    const text = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x' }, { type: 'tool_call', id: 'c', name: 'f', arguments: nested(200) }] }]).replace('"content":"x"', `"content":"x${escape}"`);
    const s = {
      name: 'chat m',
      kind: 2,
      spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
      startTime: [1_767_225_600, 0],
      endTime: [1_767_225_601, 0],
      status: { code: 0 },
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': text },
      links: [],
      events: [],
      resource: { attributes: {} },
      instrumentationScope: { name: 'test' },
    } as unknown as ReadableSpanLike;
    const mapped = createGenAiMapper().mapTrace([s], { maxFieldBytes: 1024 * 1024 });
    const body = JSON.stringify(mapped.spans[0]?.input);
    expect(body).not.toMatch(UNSTORABLE);
    expect(body).toContain(escape ? '"x\ufffd"' : '"x"');
    expect(body).toContain('"arguments"');
    expect(body.length).toBeLessThan(text.length + 2_000);
  });
});
