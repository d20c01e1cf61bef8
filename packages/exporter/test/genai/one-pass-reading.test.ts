import { describe, expect, it } from 'vitest';
import { keyIndex, knownValues, ownKeysOnly } from '../../src/genai/read/values.js';
import { readSemconv } from '../../src/genai/read/semconv.js';
import { readTraceContext } from '../../src/genai/read/trace-context.js';
import { AI_SDK, EVERY_FAMILY, OPENINFERENCE, TRACELOOP, readerFamilies } from '../../src/genai/read/reader-gate.js';
import { flatMapItems } from '../../src/genai/messages/flat-map.js';
import type { ReadableSpanLike } from '../../src/index.js';

function span(attributes: unknown): ReadableSpanLike {
  return {
    name: 'work',
    kind: 0,
    spanContext: () => ({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 }),
    startTime: [1_795_000_000, 0],
    endTime: [1_795_000_010, 0],
    status: { code: 0 },
    attributes: attributes as ReadableSpanLike['attributes'],
    events: [],
    resource: { attributes: {} },
  };
}

describe('knownValues', () => {
  const index = keyIndex({ model: 'gen_ai.request.model', tokens: 'gen_ai.usage.input_tokens', again: 'gen_ai.request.model' });

  it('gives each known key its value, undefined where absent, what a lookup by name gives', () => {
    const attributes = { 'gen_ai.request.model': 'gpt-4o', 'http.method': 'POST' };
    const values = knownValues(attributes, index);
    expect(values[index.at.model]).toBe('gpt-4o');
    expect(values[index.at.again]).toBe('gpt-4o');
    expect(values[index.at.tokens]).toBeUndefined();
  });

  it('finds inherited keys too, as a lookup by name does', () => {
    const attributes = Object.create({ 'gen_ai.usage.input_tokens': 12 }) as Record<string, unknown>;
    expect(knownValues(attributes as never, index)[index.at.tokens]).toBe(12);
  });
});

describe('readers that read their keys in one pass', () => {
  it('still find a key a lookup by name finds: non-enumerable, or inherited', () => {
    const hidden: Record<string, unknown> = { 'gen_ai.operation.name': 'chat' };
    Object.defineProperty(hidden, 'gen_ai.request.model', { value: 'gpt-4o', enumerable: false });
    Object.defineProperty(hidden, 'user.id', { value: 'u-1', enumerable: false });
    expect(readSemconv(span(hidden))?.requestModel).toBe('gpt-4o');
    expect(readTraceContext(span(hidden)).userId).toBe('u-1');

    const inherited = Object.create({ 'gen_ai.response.model': 'gpt-4o-mini', 'session.id': 's-1' }) as Record<string, unknown>;
    inherited['gen_ai.operation.name'] = 'chat';
    expect(ownKeysOnly(inherited)).toBe(false);
    expect(readSemconv(span(inherited))?.responseModel).toBe('gpt-4o-mini');
    expect(readTraceContext(span(inherited)).sessionId).toBe('s-1');
  });

  it('take association properties as tags from enumerable own keys only, as Object.keys lists them', () => {
    const attributes: Record<string, unknown> = { 'traceloop.association.properties.team': 'a' };
    Object.defineProperty(attributes, 'traceloop.association.properties.hidden', { value: 'b', enumerable: false });
    expect(readTraceContext(span(attributes)).tags).toEqual(['team:a']);
  });
});

describe('readerFamilies', () => {
  it('tells which key-recognised readers can read a span', () => {
    expect(readerFamilies(span({ 'gen_ai.request.model': 'm', 'http.method': 'POST' }))).toBe(0);
    expect(readerFamilies(span({ 'gen_ai.prompt.0.content': 'hi' }))).toBe(TRACELOOP);
    expect(readerFamilies(span({ 'traceloop.entity.input': '{}', 'llm.token_count.prompt': 3 }))).toBe(TRACELOOP | OPENINFERENCE);
    expect(readerFamilies(span({ 'ai.operationId': 'ai.generateText' }))).toBe(AI_SDK);
  });

  it('assumes every family when the keys cannot be listed', () => {
    const throwing = span({});
    Object.defineProperty(throwing, 'attributes', {
      get() {
        throw new Error('broken span');
      },
    });
    expect(readerFamilies(throwing)).toBe(EVERY_FAMILY);
  });
});

describe('flatMapItems', () => {
  it('is flatMap for a callback that returns a list', () => {
    const double = (n: number): number[] => (n % 2 === 0 ? [n, n] : []);
    expect(flatMapItems([1, 2, 3, 4], double)).toEqual([1, 2, 3, 4].flatMap(double));
  });

  it('skips holes as flatMap does', () => {
    const sparse = [1, , 3] as number[];
    const wrap = (n: number): number[] => [n];
    expect(flatMapItems(sparse, wrap)).toEqual(sparse.flatMap(wrap));
  });
});
