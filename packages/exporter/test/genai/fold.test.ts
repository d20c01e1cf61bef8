import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createGenAiMapper, type MappedTrace, type ReadableSpanLike, type SpanEventLike } from '../../src/index.js';
import { readSpan } from '../../src/genai/combine.js';
import { filterSpans, type SpanFilter } from '../../src/genai/filter.js';
import { foldBlocker, MAX_FOLDED_NAMES, type FoldBlocker } from '../../src/genai/fold.js';
import { localParentIdOf } from '../../src/otel/span-links.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { loadFixture } from '../fixtures/load.js';

const TRACE = '7a3f0c1e9b2d4e6f8a0b1c2d3e4f5a6b';
const T0 = 1_795_000_000;
const context = { maxFieldBytes: 32 * 1024 };

interface SpanSpec {
  id: string;
  name?: string;
  parent?: string;
  /** Milliseconds after the trace's start, and how long the span lasts. */
  at?: number;
  millis?: number;
  attributes?: Record<string, unknown>;
  events?: SpanEventLike[];
  error?: string;
}

function span({ id, name = 'step', parent, at = 0, millis = 10, attributes = {}, events = [], error }: SpanSpec): ReadableSpanLike {
  const hr = (ms: number): [number, number] => [T0 + Math.floor(ms / 1000), (ms % 1000) * 1e6];
  return {
    name,
    kind: 0,
    spanContext: () => ({ traceId: TRACE, spanId: id, traceFlags: 1 }),
    parentSpanContext: parent ? { traceId: TRACE, spanId: parent, traceFlags: 1, isRemote: false } : undefined,
    startTime: hr(at),
    endTime: hr(at + millis),
    status: error === undefined ? { code: 0 } : { code: 2, message: error },
    attributes,
    events,
    resource: { attributes: { 'service.name': 'fold-test' } },
    instrumentationScope: { name: 'fold-test' },
  };
}

const CHAT = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]),
  'gen_ai.usage.input_tokens': 12,
  'gen_ai.usage.output_tokens': 5,
};

/** An app's turn: untitled wrapper spans (only a name and times) around its model calls. */
function agentTurn(): ReadableSpanLike[] {
  return [
    span({ id: 'a000000000000001', name: 'turn', millis: 100 }),
    span({ id: 'a000000000000002', name: 'step', parent: 'a000000000000001', at: 1, millis: 40 }),
    span({ id: 'a000000000000003', name: 'chat gpt-4o', parent: 'a000000000000002', at: 2, millis: 30, attributes: CHAT }),
    span({ id: 'a000000000000004', name: 'step', parent: 'a000000000000001', at: 50, millis: 40.5 }),
    span({ id: 'a000000000000005', name: 'think', parent: 'a000000000000004', at: 51, millis: 20 }),
    span({ id: 'a000000000000006', name: 'chat gpt-4o', parent: 'a000000000000005', at: 52, millis: 10, attributes: CHAT }),
  ];
}

/** Every span kept unless a test says otherwise, so that leaf spans are there to fold. */
const map = (spans: readonly ReadableSpanLike[], options: Parameters<typeof createGenAiMapper>[0] = {}): MappedTrace =>
  createGenAiMapper({ spanFilter: 'all', ...options }).mapTrace(spans, context);
const byId = (trace: MappedTrace, id: string) => trace.spans.find((s) => s.localId === id);

/** Why the mapper would not fold span `id` of `spans`, as the mapper sees it (filter, reading, mapped shape). */
function blockerOf(spans: ReadableSpanLike[], id: string, filter: SpanFilter = 'all'): FoldBlocker | undefined {
  const readings = new Map(spans.map((s) => [s.spanContext().spanId, readSpan(s)]));
  const { kept, parentOf } = filterSpans(spans, readings, filter);
  const target = spans.find((s) => s.spanContext().spanId === id) as ReadableSpanLike;
  const mapped = byId(map(spans, { spanFilter: filter }), id);
  if (!mapped) throw new Error(`${id} is not kept`);
  const parent = parentOf.has(id) ? (parentOf.get(id) ?? null) : localParentIdOf(target);
  return foldBlocker(target, readings.get(id)!, mapped, parent, kept);
}

describe('foldSpans: which spans fold', () => {
  it('untitled wrapper spans under the root fold into it; their model calls nest under the root', () => {
    const trace = map(agentTurn(), { foldSpans: true });
    expect(trace.spans.map((s) => [s.localId, s.parentLocalId])).toEqual([
      ['a000000000000001', null],
      ['a000000000000003', 'a000000000000001'],
      ['a000000000000006', 'a000000000000001'],
    ]);
    // A chain of foldable spans (step → think) folds into the first posted ancestor.
    expect(trace.folded).toEqual([
      { localId: 'a000000000000002', sourceId: 'a000000000000002', intoLocalId: 'a000000000000001' },
      { localId: 'a000000000000004', sourceId: 'a000000000000004', intoLocalId: 'a000000000000001' },
      { localId: 'a000000000000005', sourceId: 'a000000000000005', intoLocalId: 'a000000000000001' },
    ]);
    expect(byId(trace, 'a000000000000001')!.input).toEqual({
      folded_spans: { count: 3, duration_ms: 100.5, names: [{ name: 'step', count: 2 }, { name: 'think', count: 1 }] },
    });
    // The model calls are untouched, and so is the trace.
    const off = map(agentTurn());
    expect(byId(trace, 'a000000000000003')).toEqual({ ...byId(off, 'a000000000000003'), parentLocalId: 'a000000000000001' });
    expect(trace.header).toEqual(off.header);
  });

  it('the default GenAI filter: the same spans fold (they are kept as ancestors of the model calls)', () => {
    const trace = map(agentTurn(), { spanFilter: 'genai', foldSpans: true });
    expect(trace.spans.map((s) => s.localId)).toEqual(['a000000000000001', 'a000000000000003', 'a000000000000006']);
  });

  it.each<[FoldBlocker, SpanSpec]>([
    ['content', { id: 'b000000000000002', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': CHAT['gen_ai.input.messages'] } }],
    ['tokens', { id: 'b000000000000002', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 12 } }],
    ['error', { id: 'b000000000000002', error: 'timed out' }],
    ['tool', { id: 'b000000000000002', attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' } }],
    ['ids', { id: 'b000000000000002', attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.conversation.id': 'conv_1' } }],
    ['genai', { id: 'b000000000000002', attributes: { 'gen_ai.operation.name': 'create_agent' } }],
    ['attributes', { id: 'b000000000000002', attributes: { 'app.step': 'plan' } }],
    ['events', { id: 'b000000000000002', events: [{ name: 'cache miss', time: [T0, 5e6], attributes: {} }] }],
  ])('not folded: %s', (reason, spec) => {
    const spans = [span({ id: 'b000000000000001', name: 'turn' }), span({ ...spec, parent: 'b000000000000001', at: 1 })];
    expect(blockerOf(spans, spec.id)).toBe(reason);
    const trace = map(spans, { foldSpans: true });
    expect(trace.folded).toBeUndefined();
    expect(byId(trace, spec.id)).toBeDefined();
  });

  it('not folded: the root, and a span whose parent is not in this batch (already in Nexus: it cannot be changed)', () => {
    const root = span({ id: 'c000000000000001', name: 'turn' });
    const late = span({ id: 'c000000000000002', parent: 'c0000000000000ff', at: 1 });
    expect(blockerOf([root], 'c000000000000001')).toBe('root');
    expect(blockerOf([late], 'c000000000000002')).toBe('parent');
    expect(map([root], { foldSpans: true }).spans).toHaveLength(1);
    expect(map([late], { foldSpans: true }).spans.map((s) => s.parentLocalId)).toEqual(['c0000000000000ff']);
  });

  it('not folded: a parent whose input is a value (a tool call\'s arguments) cannot take the summary', () => {
    const spans = [
      span({ id: 'd000000000000001', name: 'turn' }),
      span({ id: 'd000000000000002', name: 'execute_tool lookup_order', parent: 'd000000000000001', attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.arguments': '{"order":"A1"}' } }),
      span({ id: 'd000000000000003', name: 'db query', parent: 'd000000000000002' }),
    ];
    expect(blockerOf(spans, 'd000000000000003')).toBeUndefined(); // foldable itself…
    const trace = map(spans, { foldSpans: true });
    expect(trace.folded).toBeUndefined(); // …but there is nowhere to put it
    expect(byId(trace, 'd000000000000002')!.input).toEqual({ order: 'A1' });
  });

  it('a parent cycle (no local root in it) is left as it is', () => {
    const spans = [span({ id: 'e000000000000001', parent: 'e000000000000002' }), span({ id: 'e000000000000002', parent: 'e000000000000001' })];
    const trace = map(spans, { foldSpans: true });
    expect(trace.spans).toHaveLength(2);
    expect(trace.folded).toBeUndefined();
  });
});

describe('foldSpans: the summary', () => {
  it(`counts every folded span, lists at most ${MAX_FOLDED_NAMES} names (most frequent first), and says how many are not listed`, () => {
    const spans = [span({ id: 'f000000000000000', name: 'turn', millis: 1000 })];
    for (let i = 1; i <= 25; i += 1) spans.push(span({ id: `f0000000000000${String(i).padStart(2, '0')}`, name: `task ${String(i).padStart(2, '0')}`, parent: 'f000000000000000', at: i, millis: 2 }));
    spans.push(span({ id: 'f000000000000099', name: 'task 25', parent: 'f000000000000000', at: 30, millis: 2 }));
    const trace = map(spans, { foldSpans: true });
    expect(trace.spans).toHaveLength(1);
    const summary = (trace.spans[0]!.input as { folded_spans: { count: number; duration_ms: number; names: Array<{ name: string; count: number }>; unlisted: number } }).folded_spans;
    expect(summary.count).toBe(26);
    expect(summary.duration_ms).toBe(52);
    expect(summary.names).toHaveLength(MAX_FOLDED_NAMES);
    expect(summary.names[0]).toEqual({ name: 'task 25', count: 2 });
    expect(summary.names[1]).toEqual({ name: 'task 01', count: 1 });
    expect(summary.unlisted).toBe(26 - 2 - (MAX_FOLDED_NAMES - 1));
  });

  it('sits next to transport_spans, and the transport spans counted on folded spans move to their parent', () => {
    const spans = [
      span({ id: 'a100000000000001', name: 'turn', attributes: { 'gen_ai.operation.name': 'invoke_agent' } }),
      span({ id: 'a100000000000002', name: 'step', parent: 'a100000000000001', at: 1 }),
      span({ id: 'a100000000000003', name: 'chat gpt-4o', parent: 'a100000000000002', at: 2, attributes: CHAT }),
      span({ id: 'a100000000000004', name: 'HTTP POST', parent: 'a100000000000002', at: 3, attributes: { 'http.request.method': 'POST' } }),
      span({ id: 'a100000000000005', name: 'HTTP POST', parent: 'a100000000000001', at: 4, attributes: { 'http.request.method': 'POST' } }),
    ];
    const off = map(spans, { spanFilter: 'genai' });
    expect(byId(off, 'a100000000000001')!.input).toEqual({ attributes: { 'gen_ai.operation.name': 'invoke_agent' }, transport_spans: 1 });
    expect(byId(off, 'a100000000000002')!.input).toEqual({ transport_spans: 1 });
    const on = map(spans, { spanFilter: 'genai', foldSpans: true });
    expect(on.spans.map((s) => s.localId)).toEqual(['a100000000000001', 'a100000000000003']);
    expect(byId(on, 'a100000000000001')!.input).toEqual({
      attributes: { 'gen_ai.operation.name': 'invoke_agent' },
      transport_spans: 2,
      folded_spans: { count: 1, duration_ms: 10, names: [{ name: 'step', count: 1 }] },
    });
  });

  it('folded names go through secret scrubbing and the redact hook like any other string', () => {
    const spans = [span({ id: 'a200000000000001', name: 'turn' }), span({ id: 'a200000000000002', name: 'step for bob@example.com', parent: 'a200000000000001' })];
    const trace = map(spans, { foldSpans: true, redact: (value) => value.replaceAll('bob@example.com', '<email>') });
    expect(JSON.stringify(trace.spans[0]!.input)).toContain('step for <email>');
    expect(JSON.stringify(trace)).not.toContain('bob@example.com');
  });
});

describe('foldSpans off (the default): output unchanged', () => {
  const fixtures = ['azure', 'semconv'].flatMap((dir) =>
    readdirSync(fileURLToPath(new URL(`../fixtures/${dir}`, import.meta.url)))
      .filter((file) => file.endsWith('.json'))
      .map((file) => `${dir}/${file}`),
  );

  it.each(fixtures)('%s: byte for byte the same with foldSpans false or absent; nothing of it folds when on', (fixture) => {
    const { spans } = loadFixture(fixture);
    for (const spanFilter of ['genai', 'all'] as const) {
      const plain = JSON.stringify(map(spans, { spanFilter }));
      expect(JSON.stringify(map(spans, { spanFilter, foldSpans: false }))).toBe(plain);
      // Each span of the fixtures carries ids, content, tokens, a tool, attributes, or is a root
      // or has no parent in the batch: folding leaves them as they are.
      expect(JSON.stringify(map(spans, { spanFilter, foldSpans: true }))).toBe(plain);
    }
  });

  it('a trace with foldable spans: the same with foldSpans false or absent', () => {
    expect(JSON.stringify(map(agentTurn(), { foldSpans: false }))).toBe(JSON.stringify(map(agentTurn())));
    expect(map(agentTurn()).spans).toHaveLength(6);
  });
});

describe('NEXUS_FOLD_SPANS', () => {
  const foldOf = (env: Record<string, string>, foldSpans?: boolean): boolean => {
    const resolved = resolveConfig({ apiKey: 'nxs_test', ...(foldSpans === undefined ? {} : { foldSpans }) }, env);
    if (!resolved.ok) throw new Error(resolved.reason);
    return resolved.config.foldSpans;
  };

  it('off unless set to true (or 1, yes); the option wins over the variable', () => {
    expect(foldOf({})).toBe(false);
    expect(foldOf({ NEXUS_FOLD_SPANS: 'true' })).toBe(true);
    expect(foldOf({ NEXUS_FOLD_SPANS: ' TRUE ' })).toBe(true);
    expect(foldOf({ NEXUS_FOLD_SPANS: '1' })).toBe(true);
    expect(foldOf({ NEXUS_FOLD_SPANS: 'false' })).toBe(false);
    expect(foldOf({ NEXUS_FOLD_SPANS: 'nonsense' })).toBe(false);
    expect(foldOf({ NEXUS_FOLD_SPANS: 'true' }, false)).toBe(false);
    expect(foldOf({ NEXUS_FOLD_SPANS: 'false' }, true)).toBe(true);
  });
});
