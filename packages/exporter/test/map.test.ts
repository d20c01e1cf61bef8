import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { genericTraceMapper, isoFromHrTime, limitField, TRUNCATION_MARKER } from '../src/index.js';
import { SpanFactory } from './helpers.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const context = { maxFieldBytes: 32 * 1024 };

describe('generic mapping (pure, no server)', () => {
  it('times are UTC ISO strings of one fixed shape, so Nexus orders them right as text', () => {
    expect(isoFromHrTime([1_700_000_000, 123_456_789])).toBe('2023-11-14T22:13:20.123457Z');
    expect(isoFromHrTime([1_700_000_000, 0])).toBe('2023-11-14T22:13:20.000000Z');
    expect(isoFromHrTime([Number.NaN, 0], 0)).toMatch(ISO);
    expect(isoFromHrTime([1e15, 0])).toMatch(ISO);
    const a = isoFromHrTime([1_700_000_000, 900_000_000]);
    const b = isoFromHrTime([1_700_000_001, 0]);
    expect(a < b).toBe(true);
  });

  it('header: the root names the trace and decides its status; metadata carries the OTel ids', () => {
    const f = new SpanFactory('billing');
    const root = f.start('invoke_agent billing');
    const child = f.start('chat', root);
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'tool crashed' });
    const spans = f.end(child, root);
    const { header, spans: mapped } = genericTraceMapper.mapTrace(spans, context);
    expect(header).toMatchObject({
      name: 'invoke_agent billing',
      status: 'success', // a child error the root survived does not fail the trace
      serviceName: 'billing',
      metadata: { otel_trace_id: root.spanContext().traceId, otel_root_span_id: root.spanContext().spanId, service_name: 'billing' },
    });
    expect(header.startedAt).toMatch(ISO);
    expect(header.endedAt).toMatch(ISO);
    const chat = mapped.find((s) => s.name === 'chat')!;
    expect(chat).toMatchObject({ status: 'error', error: 'tool crashed', parentLocalId: root.spanContext().spanId, output: null });
  });

  it('a failed root makes an error trace; the error text comes from the exception event when there is no message', () => {
    const f = new SpanFactory();
    const root = f.start('run');
    root.recordException(new TypeError('bad input'));
    root.setStatus({ code: SpanStatusCode.ERROR });
    const { header, spans } = genericTraceMapper.mapTrace(f.end(root), context);
    expect(header.status).toBe('error');
    expect(spans[0]!.error).toBe('TypeError: bad input');
  });

  it('without a root the trace is running and named after its top-most span', () => {
    const f = new SpanFactory();
    const root = f.start('not ended');
    const first = f.start('first step', root, {}, Date.now() - 1000);
    const second = f.start('second step', root);
    const { header } = genericTraceMapper.mapTrace(f.end(second, first), context);
    expect(header).toMatchObject({ status: 'running', endedAt: null, name: 'first step' });
  });

  it('input of a plain span is its attributes with their types; unrepresentable numbers become strings', () => {
    const f = new SpanFactory();
    const span = f.start('db', undefined, { 'db.rows': 3, ok: true, 'db.statement': 'select 1', nan: Number.NaN });
    span.setAttribute('tags', ['a', 'b']);
    const [mapped] = genericTraceMapper.mapTrace(f.end(span), context).spans;
    expect(mapped!.input).toEqual({ 'db.rows': 3, ok: true, 'db.statement': 'select 1', nan: 'NaN', tags: ['a', 'b'] });
    expect(JSON.parse(JSON.stringify(mapped))).toEqual(mapped);
  });

  it('an end before the start is clamped to the start', () => {
    const f = new SpanFactory();
    const span = f.start('backwards', undefined, {}, 2_000_000_000_000);
    span.end(1_000_000_000_000);
    const [readable] = f.memory.getFinishedSpans().filter((s) => s.name === 'backwards');
    const [mapped] = genericTraceMapper.mapTrace([readable!], context).spans;
    expect(mapped!.endedAt).toBe(mapped!.startedAt);
  });

  it('fields past the limit are cut with a visible marker and stay valid UTF-8', () => {
    const big = { text: '😀'.repeat(50_000) };
    const limited = limitField(big, 1_000);
    expect(typeof limited).toBe('string');
    expect(limited as string).toContain(TRUNCATION_MARKER);
    expect(Buffer.byteLength(limited as string)).toBeLessThanOrEqual(1_000);
    expect(Buffer.from(limited as string, 'utf8').toString('utf8')).toBe(limited); // no lone surrogate left
    expect(limitField({ small: 1 }, 1_000)).toEqual({ small: 1 });
  });
});
