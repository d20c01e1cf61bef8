import { describe, expect, it } from 'vitest';
import { readSpan } from '../../src/genai/combine.js';
import { createGenAiMapper, type ReadableSpanLike } from '../../src/index.js';
import type { PriceTable } from '../../src/genai/prices.js';

/** Tokens written to a provider's cache: read from every convention, summed, rendered, and priced. */

const TRACE = '0af7651916cd43dd8448eb211c80319c';

function span(attributes: Record<string, unknown>, id = '00f067aa0ba902b7', parent?: string, name = 'chat claude-sonnet-4'): ReadableSpanLike {
  return {
    name,
    kind: 2,
    spanContext: () => ({ traceId: TRACE, spanId: id, traceFlags: 1 }),
    parentSpanContext: parent ? { traceId: TRACE, spanId: parent, traceFlags: 1, isRemote: false } : undefined,
    startTime: [1_795_000_000, 0],
    endTime: [1_795_000_002, 0],
    status: { code: 0 },
    attributes,
    events: [],
    resource: { attributes: { 'service.name': 'app' } },
  };
}

const CHAT = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'claude-sonnet-4' };
const metadataOf = (spans: ReadableSpanLike[], prices?: PriceTable) =>
  createGenAiMapper(prices ? { prices } : {}).mapTrace(spans, { maxFieldBytes: 32 * 1024 }).header.metadata;

describe('cache-creation tokens: read from each convention', () => {
  it.each([
    ['semconv', { ...CHAT, 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_creation.input_tokens': 7 }],
    ['semconv, Traceloop spelling', { ...CHAT, 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_creation_input_tokens': 7 }],
    ['OpenLLMetry legacy', { 'llm.request.type': 'chat', 'gen_ai.usage.prompt_tokens': 10, 'gen_ai.usage.cache_creation_input_tokens': 7 }],
    ['OpenInference', { 'openinference.span.kind': 'LLM', 'llm.token_count.prompt': 10, 'llm.token_count.prompt_details.cache_write': 7 }],
    ['Vercel AI SDK 6', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.usage.inputTokens': 10, 'ai.usage.inputTokenDetails.cacheWriteTokens': 7 }],
  ])('%s', (_convention, attributes) => {
    expect(readSpan(span(attributes)).usage).toMatchObject({ inputTokens: 10, cacheCreationTokens: 7 });
  });

  it('the dotted semconv name wins over the Traceloop spelling', () => {
    expect(readSpan(span({ ...CHAT, 'gen_ai.usage.cache_creation.input_tokens': 7, 'gen_ai.usage.cache_creation_input_tokens': 99 })).usage?.cacheCreationTokens).toBe(7);
  });

  it('summed into cache_creation_tokens once per call (a parent repeating its child is not added) and shown in the call usage', () => {
    const parent = span({ 'ai.operationId': 'ai.generateText', 'ai.usage.inputTokens': 50, 'ai.usage.inputTokenDetails.cacheWriteTokens': 30 }, 'a1a1a1a1a1a1a1a1', undefined, 'ai.generateText');
    const first = span({ ...CHAT, 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.cache_creation.input_tokens': 20 }, 'b2b2b2b2b2b2b2b2', 'a1a1a1a1a1a1a1a1');
    const second = span({ ...CHAT, 'gen_ai.usage.input_tokens': 30, 'gen_ai.usage.cache_creation.input_tokens': 10 }, 'c3c3c3c3c3c3c3c3', 'a1a1a1a1a1a1a1a1');
    const trace = createGenAiMapper().mapTrace([parent, first, second], { maxFieldBytes: 32 * 1024 });
    expect(trace.header.metadata).toMatchObject({ input_tokens: 50, cache_creation_tokens: 30 });
    expect(trace.spans.find((s) => s.localId === 'b2b2b2b2b2b2b2b2')?.output).toEqual({ usage: { input_tokens: 20, cache_creation_tokens: 20 } });
  });

  it('absent when no call reports it', () => {
    expect(metadataOf([span({ ...CHAT, 'gen_ai.usage.input_tokens': 10 })])).not.toHaveProperty('cache_creation_tokens');
  });
});

describe('estimated_cost_usd with cache writes', () => {
  // USD per million tokens, Anthropic-like: cache reads at a tenth, cache writes at 1.25× the input price.
  const usage = { ...CHAT, 'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.output_tokens': 100, 'gen_ai.usage.cache_read.input_tokens': 1500, 'gen_ai.usage.cache_creation.input_tokens': 400 };

  it('with a cacheWrite price, the written tokens are priced at it and the rest of the input at the input price', () => {
    const prices: PriceTable = { 'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } };
    // (2000 − 1500 − 400) × 3 + 1500 × 0.3 + 400 × 3.75 + 100 × 15 = 300 + 450 + 1500 + 1500
    expect(metadataOf([span(usage)], prices)['estimated_cost_usd']).toBe(0.00375);
  });

  it('without one, the cost is exactly what it is without cache-creation tokens at all (writes are input)', () => {
    const prices: PriceTable = { 'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3 } };
    const { 'gen_ai.usage.cache_creation.input_tokens': _written, ...withoutWrites } = usage;
    const cost = metadataOf([span(usage)], prices)['estimated_cost_usd'];
    // (2000 − 1500) × 3 + 1500 × 0.3 + 100 × 15 = 1500 + 450 + 1500
    expect(cost).toBe(0.00345);
    expect(cost).toBe(metadataOf([span(withoutWrites)], prices)['estimated_cost_usd']);
  });

  it('the price table keeps its meaning for odd prices: same result as the formula before cache writes, bit for bit', () => {
    const prices: PriceTable = { 'claude-sonnet-4': { input: 0.1, output: 0.7, cacheRead: 0.03 } };
    const before = Math.round(((2000 - 1500) * 0.1 + 1500 * 0.03 + 100 * 0.7) / 1e6 * 1e6) / 1e6;
    expect(metadataOf([span(usage)], prices)['estimated_cost_usd']).toBe(before);
  });

  it('written tokens never exceed the input not read from cache (inconsistent counts)', () => {
    const prices: PriceTable = { 'claude-sonnet-4': { input: 1, output: 1, cacheWrite: 10 } };
    const odd = span({ ...CHAT, 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 0, 'gen_ai.usage.cache_creation.input_tokens': 500 });
    // min(500, 100) × 10
    expect(metadataOf([odd], prices)['estimated_cost_usd']).toBe(0.001);
  });
});
