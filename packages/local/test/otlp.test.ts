import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNexusLocal, type NexusLocal, type StoredTrace } from '../src/index.js';
import { call, generateKey, type Answer } from './helpers.js';

let local: NexusLocal;
const key = generateKey();

beforeAll(async () => {
  local = await startNexusLocal();
});
afterAll(() => local.close());
afterEach(() => local.clear());

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const START = 1_767_225_600_000; // 2026-01-01T00:00:00.000Z in ms
const ns = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;

interface SpanSpec {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  start?: number; // ms offset from START
  end?: number;
  attributes?: unknown[];
  status?: { code?: number | string; message?: string };
  events?: unknown[];
}

function otlpSpan(s: SpanSpec): Record<string, unknown> {
  return {
    traceId: s.traceId ?? TRACE_A,
    spanId: s.spanId,
    ...(s.parentSpanId === undefined ? {} : { parentSpanId: s.parentSpanId }),
    name: s.name,
    kind: 1,
    startTimeUnixNano: ns(START + (s.start ?? 0)),
    endTimeUnixNano: ns(START + (s.end ?? 100)),
    attributes: s.attributes ?? [],
    events: s.events ?? [],
    status: s.status ?? {},
  };
}

function payload(spans: SpanSpec[], service: string | null = 'chat-bot'): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: service === null ? [] : [{ key: 'service.name', value: { stringValue: service } }],
        },
        scopeSpans: [{ scope: { name: 'test' }, spans: spans.map(otlpSpan) }],
      },
    ],
  };
}

async function post(body: unknown, headers: Record<string, string> = { 'x-api-key': key }): Promise<{ status: number; body: unknown; text: string }> {
  return call(local, 'POST', '/v1/traces', { key: null, body, headers });
}

const byName = (trace: StoredTrace | undefined, name: string) => trace?.spans.find((s) => s.name === name);

describe('POST /v1/traces (native OTLP JSON)', () => {
  it('creates one Nexus trace per OTel trace id with the documented mapping', async () => {
    const res = await post(
      payload([
        // Child first, as OTLP batches usually list spans in end order.
        {
          spanId: 'c1',
          parentSpanId: 'r1',
          name: 'chat gpt-4o',
          start: 10,
          end: 90,
          attributes: [
            { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
            { key: 'gen_ai.usage.input_tokens', value: { intValue: '42' } },
            { key: 'temperature', value: { doubleValue: 0.5 } },
            { key: 'stream', value: { boolValue: false } },
            { key: 'stops', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 3 }] } } },
            { key: 'extra', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
            { key: 'blob', value: { bytesValue: 'AQID' } },
            { key: 'empty', value: {} },
          ],
          events: [{ name: 'gen_ai.content.prompt', attributes: [{ key: 'gen_ai.prompt', value: { stringValue: 'SECRET-PROMPT' } }] }],
        },
        {
          spanId: 'r1',
          name: 'agent run',
          start: 0,
          end: 100,
          attributes: [
            { key: 'user.id', value: { stringValue: 'u1' } },
            { key: 'attempt', value: { intValue: 2 } },
          ],
        },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ partialSuccess: {} });

    const traces = local.traces();
    expect(traces).toHaveLength(1);
    const trace = traces[0];
    expect(trace).toMatchObject({
      key,
      agentName: 'chat-bot',
      name: 'agent run',
      status: 'success',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:00.100Z',
      metadata: { 'user.id': 'u1', attempt: '2' },
    });
    const root = byName(trace, 'agent run');
    const child = byName(trace, 'chat gpt-4o');
    expect(root).toMatchObject({ parentSpanId: null, status: 'ok', output: null, error: null });
    expect(child).toMatchObject({
      parentSpanId: root?.id,
      startedAt: '2026-01-01T00:00:00.010Z',
      endedAt: '2026-01-01T00:00:00.090Z',
      output: null,
      input: {
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': '42',
        temperature: '0.5',
        stream: 'false',
        stops: '["a",3]',
        extra: '{"k":"v"}',
        blob: 'AQID',
        empty: '',
      },
    });
    // Events are dropped entirely.
    expect(JSON.stringify(local.traces())).not.toContain('SECRET-PROMPT');
    // And the REST view agrees (spans ordered by started_at).
    const get = await call(local, 'GET', `/api/v1/traces/${trace?.id}`, { key });
    expect((get.body as { spans: { name: string }[]; span_count: number }).spans.map((s) => s.name)).toEqual(['agent run', 'chat gpt-4o']);
  });

  it('makes a second request with the same trace id a NEW trace, losing the nesting', async () => {
    await post(payload([{ spanId: 'r1', name: 'root', start: 0, end: 500 }]));
    await post(
      payload([
        { spanId: 'c1', parentSpanId: 'r1', name: 'late child', start: 100, end: 200 },
        { spanId: 'g1', parentSpanId: 'c1', name: 'grandchild', start: 120, end: 150, status: { code: 2, message: 'tool failed' } },
      ]),
    );
    const traces = local.traces();
    expect(traces).toHaveLength(2);
    const [first, second] = traces;
    expect(first?.name).toBe('root');
    // No parentless span in the second request: the first span is the root.
    expect(second).toMatchObject({ name: 'late child', status: 'success', agentName: 'chat-bot' });
    expect(byName(second, 'late child')?.parentSpanId).toBeNull();
    expect(byName(second, 'grandchild')).toMatchObject({
      parentSpanId: byName(second, 'late child')?.id,
      status: 'error',
      error: 'tool failed',
    });
  });

  it('splits one request with two trace ids into two traces; root status ERROR → trace error', async () => {
    await post(
      payload([
        { traceId: TRACE_A, spanId: 'a1', name: 'A', status: { code: 2, message: 'boom' } },
        { traceId: TRACE_B, spanId: 'b1', name: 'B', status: { code: 1 } },
        { traceId: TRACE_A, spanId: 'a2', parentSpanId: 'a1', name: 'A child' },
      ]),
    );
    const traces = local.traces();
    expect(traces.map((t) => [t.name, t.status, t.spans.length])).toEqual([
      ['A', 'error', 2],
      ['B', 'success', 1],
    ]);
    expect(byName(traces[0], 'A')?.error).toBe('boom');
    await post(payload([{ traceId: TRACE_B, spanId: 'x', name: 'err-string', status: { code: 'STATUS_CODE_ERROR' } }]));
    expect(local.traces()[2]?.status).toBe('error');
  });

  it('accepts numeric nanosecond times and defaults service.name', async () => {
    const span = otlpSpan({ spanId: 's', name: 'numeric' });
    span.startTimeUnixNano = START * 1e6;
    span.endTimeUnixNano = (START + 1234) * 1e6;
    await post({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [span] }] }] });
    expect(local.traces()[0]).toMatchObject({
      agentName: 'unknown_service',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:01.234Z',
      metadata: {},
    });
  });

  it('authenticates with x-api-key or Bearer, else 401', async () => {
    const body = payload([{ spanId: 's', name: 'n' }]);
    expect((await post(body, { authorization: `Bearer ${key}` })).status).toBe(200);
    const refused: Record<string, string>[] = [{}, { 'x-api-key': 'nope' }, { authorization: `bearer ${key}` }];
    for (const headers of refused) {
      const res = await post(body, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Invalid API key' });
    }
    expect(local.traces()).toHaveLength(1);
  });

  it('answers 400 for bad JSON and malformed envelopes', async () => {
    const bad = await call(local, 'POST', '/v1/traces', { key: null, raw: '{oops', headers: { 'x-api-key': key } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'Invalid JSON body' });
    const notArray = await post({ resourceSpans: {} });
    expect(notArray.status).toBe(400);
    expect(notArray.body).toEqual({ error: 'Validation failed', fields: { resourceSpans: 'must be an array' } });
    const noIds = await post({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] });
    expect((noIds.body as { fields: object }).fields).toEqual({
      'resourceSpans[0].scopeSpans[0].spans[0].traceId': 'must be a non-empty hex string',
      'resourceSpans[0].scopeSpans[0].spans[0].spanId': 'must be a non-empty hex string',
    });
    expect((await post({})).status).toBe(200); // nothing to ingest
    expect(local.traces()).toHaveLength(0);
  });

  it('applies free-plan limits per created trace', async () => {
    const free = generateKey();
    let clock = new Date('2026-03-10T12:00:00.000Z');
    const server = await startNexusLocal({ keys: { [free]: { plan: 'free' } }, freeTraceLimit: 1, now: () => clock });
    try {
      const res = await call(server, 'POST', '/v1/traces', {
        key: null,
        headers: { 'x-api-key': free },
        body: payload([
          { traceId: TRACE_A, spanId: 'a', name: 'first' },
          { traceId: TRACE_B, spanId: 'b', name: 'second' },
        ]),
      });
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ error: 'Monthly trace limit reached', limit: 1, current: 1 });
      expect(server.traces().map((t) => t.name)).toEqual(['first']);
      server.setPlan(free, 'pro');
      const other = await call(server, 'POST', '/v1/traces', {
        key: null,
        headers: { 'x-api-key': free },
        body: payload([{ spanId: 'c', name: 'other agent' }], 'svc-2'),
      });
      expect(other.status).toBe(200);
      server.setPlan(free, 'free');
      const third = (): Promise<Answer> =>
        call(server, 'POST', '/v1/traces', { key: null, headers: { 'x-api-key': free }, body: payload([{ spanId: 'd', name: 'third agent' }], 'svc-3') });
      // Over the monthly limit, the monthly check comes first (as on the real server)…
      expect((await third()).status).toBe(429);
      // …and in the next month, the agent limit still refuses a third name.
      clock = new Date('2026-04-01T00:00:00.000Z');
      const refused = await third();
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'Free plan limited to 1 agent' });
    } finally {
      await server.close();
    }
  });

  it('is POST only', async () => {
    const res = await call(local, 'GET', '/v1/traces', { key: null, headers: { 'x-api-key': key } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
