import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNexusLocal, type NexusLocal } from '../src/index.js';
import { ISO, T0, UUID, call, createSpan, createTrace, generateKey, spanBody, traceBody } from './helpers.js';

let local: NexusLocal;
const key = generateKey();
const otherKey = generateKey();

beforeAll(async () => {
  local = await startNexusLocal(); // open mode: any well-formed key is a pro key
});
afterAll(() => local.close());
afterEach(() => local.clear());

describe('POST /api/v1/traces', () => {
  it('creates a trace and answers 201 {trace_id}', async () => {
    const res = await call(local, 'POST', '/api/v1/traces', {
      key,
      body: traceBody({ metadata: { user: 'u1', n: 2 }, ended_at: ISO(T0 + 1500) }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body as object)).toEqual(['trace_id']);
    const id = (res.body as { trace_id: string }).trace_id;
    expect(id).toMatch(UUID);
    expect(local.trace(id)).toMatchObject({
      id,
      key,
      agentName: 'agent-a',
      name: 'run',
      status: 'running',
      startedAt: ISO(T0),
      endedAt: ISO(T0 + 1500),
      metadataText: '{"user":"u1","n":2}',
      metadata: { user: 'u1', n: 2 },
      spans: [],
    });
  });

  it('stores absent metadata as NULL and metadata: null as the text "null"; both read back as null', async () => {
    const a = await createTrace(local, key);
    const b = await createTrace(local, key, { metadata: null });
    expect(local.trace(a)).toMatchObject({ metadataText: null, metadata: null });
    expect(local.trace(b)).toMatchObject({ metadataText: 'null', metadata: null });
    const got = await call(local, 'GET', `/api/v1/traces/${b}`, { key });
    expect((got.body as { metadata: unknown }).metadata).toBeNull();
  });

  it('does not check Content-Type', async () => {
    const res = await call(local, 'POST', '/api/v1/traces', {
      key,
      raw: JSON.stringify(traceBody()),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(201);
  });
});

describe('body and field validation', () => {
  it('rejects invalid JSON and non-objects', async () => {
    for (const raw of ['{nope', '', '{"a":1']) {
      const res = await call(local, 'POST', '/api/v1/traces', { key, raw });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'Invalid JSON body' });
    }
    for (const raw of ['"text"', 'null', '42', 'true', '0', 'false']) {
      const res = await call(local, 'POST', '/api/v1/traces', { key, raw });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'Body must be a JSON object' });
    }
    // The real server's check is `typeof body === 'object'`: an array passes it, then has no fields.
    const array = await call(local, 'POST', '/api/v1/traces', { key, raw: '[]' });
    expect(array.status).toBe(400);
    expect(array.body).toMatchObject({ error: 'Validation failed', fields: { agent_id: 'Required, must be a string' } });
    const id = await createTrace(local, key);
    expect((await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, raw: '[1]' })).body).toEqual({
      error: 'No fields to update',
    });
    expect((await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, raw: '"text"' })).body).toEqual({
      error: 'Body must be a JSON object',
    });
    expect((await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, raw: 'x' })).body).toEqual({
      error: 'Invalid JSON body',
    });
  });

  it('lists every bad trace field at once, in the real server\'s words', async () => {
    const res = await call(local, 'POST', '/api/v1/traces', { key, body: {} });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'Validation failed',
      fields: {
        agent_id: 'Required, must be a string',
        name: 'Required, must be a string',
        status: 'Required, must be a string',
        started_at: 'Required, must be a string',
      },
    });
    const bad = await call(local, 'POST', '/api/v1/traces', {
      key,
      body: { agent_id: '', name: 7, status: 'done', started_at: '2026-01-01 00:00:00Z', ended_at: 'later' },
    });
    expect(bad.body).toEqual({
      error: 'Validation failed',
      fields: {
        agent_id: 'Required, must be a string',
        name: 'Required, must be a string',
        status: 'Must be one of: running, success, error, timeout',
        started_at: 'Must be ISO 8601 format (e.g. 2026-04-05T12:00:00Z)',
        ended_at: 'Must be ISO 8601 format if provided',
      },
    });
    expect(local.traces()).toHaveLength(0);
  });

  it('lists every bad span field at once, in the real server\'s words', async () => {
    const id = await createTrace(local, key);
    const missing = await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: {} });
    expect(missing.body).toEqual({
      error: 'Validation failed',
      fields: { name: 'Required, must be a string', status: 'Required, must be a string', started_at: 'Required, must be a string' },
    });
    const bad = await call(local, 'POST', `/api/v1/traces/${id}/spans`, {
      key,
      body: { name: '', status: 'success', started_at: 1767225600000, ended_at: 5, parent_span_id: 12 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: 'Validation failed',
      fields: {
        name: 'Required, must be a string',
        status: 'Must be one of: ok, error',
        started_at: 'Required, must be a string', // a number: not a string at all
        ended_at: 'Must be ISO 8601 format if provided',
        parent_span_id: 'Must be a string if provided',
      },
    });
    expect(local.trace(id)?.spans).toHaveLength(0);
  });

  it('applies the documented timestamp regex exactly', async () => {
    const accepted = [
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.123Z',
      '2026-01-01T00:00:00.123456789Z',
      '2026-01-01T00:00:00+05:30',
      '2026-01-01T00:00:00.5-08:00',
      '2026-13-45T99:99:99Z', // any digits pass
    ];
    for (const started_at of accepted) {
      const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ started_at }) });
      expect(res.status, started_at).toBe(201);
    }
    const rejected: unknown[] = [
      '2026-01-01T00:00:00', // no zone
      '2026-01-01 00:00:00Z', // space for T
      '2026-01-01T00:00:00+0000',
      '2026-01-01T00:00Z',
      '2026-01-01t00:00:00z',
      1767225600000, // epoch number
      '1767225600000',
    ];
    for (const started_at of rejected) {
      const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ started_at }) });
      expect(res.status, String(started_at)).toBe(400);
      expect(Object.keys((res.body as { fields: object }).fields)).toEqual(['started_at']);
    }
  });
});

describe('authentication', () => {
  it('answers 401 {"error":"Invalid API key"} for missing, malformed, lowercase bearer and x-api-key', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: `bearer ${key}` },
      { authorization: `BEARER ${key}` },
      { authorization: key },
      { authorization: 'Bearer nxs_short' },
      { authorization: `Bearer ${key.toUpperCase().replace('NXS_', 'nxs_')}` },
      { authorization: `Basic ${key}` },
      { 'x-api-key': key }, // only the OTLP route reads x-api-key
    ];
    for (const headers of cases) {
      for (const [method, path] of [
        ['GET', '/api/v1/traces'],
        ['POST', '/api/v1/traces'],
      ] as const) {
        const res = await call(local, method, path, {
          key: null,
          headers,
          ...(method === 'POST' ? { body: traceBody() } : {}),
        });
        expect(res.status, JSON.stringify(headers)).toBe(401);
        expect(res.body).toEqual({ error: 'Invalid API key' });
      }
    }
  });

  it('checks auth before the body', async () => {
    const res = await call(local, 'POST', '/api/v1/traces', { key: null, raw: '{bad' });
    expect(res.status).toBe(401);
  });

  it('rejects unknown and revoked keys when keys are configured', async () => {
    const good = generateKey();
    const gone = generateKey();
    const closed = await startNexusLocal({ keys: { [good]: {}, [gone]: { revoked: true } } });
    try {
      expect((await call(closed, 'GET', '/api/v1/traces', { key: good })).status).toBe(200);
      for (const k of [gone, generateKey()]) {
        const res = await call(closed, 'GET', '/api/v1/traces', { key: k });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: 'Invalid API key' });
      }
      closed.revokeKey(good);
      expect((await call(closed, 'GET', '/api/v1/traces', { key: good })).status).toBe(401);
      const added = generateKey();
      closed.addKey(added);
      expect((await call(closed, 'POST', '/api/v1/traces', { key: added, body: traceBody() })).status).toBe(201);
    } finally {
      await closed.close();
    }
  });

  it('revokes a key in open mode too', async () => {
    const k = generateKey();
    expect((await call(local, 'GET', '/api/v1/traces', { key: k })).status).toBe(200);
    local.revokeKey(k);
    expect((await call(local, 'GET', '/api/v1/traces', { key: k })).status).toBe(401);
  });
});

describe('GET /api/v1/traces/:id', () => {
  it('returns the documented shape, without the trace name', async () => {
    const id = await createTrace(local, key, {
      name: 'secret-name',
      status: 'success',
      ended_at: ISO(T0 + 2500),
      metadata: { error: 'x' },
    });
    const root = await createSpan(local, key, id, { name: 'root', input: { q: 'hi' }, output: ['a', 1], ended_at: ISO(T0 + 10) });
    const child = await createSpan(local, key, id, { name: 'child', parent_span_id: root, started_at: ISO(T0 + 1) });
    const res = await call(local, 'GET', `/api/v1/traces/${id}`, { key });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('secret-name');
    expect(res.body).toEqual({
      id,
      agent_name: 'agent-a',
      status: 'success',
      started_at: ISO(T0),
      ended_at: ISO(T0 + 2500),
      duration_ms: 2500,
      span_count: 2,
      metadata: { error: 'x' },
      spans: [
        {
          id: root,
          parent_span_id: null,
          name: 'root',
          status: 'ok',
          started_at: ISO(T0),
          ended_at: ISO(T0 + 10),
          input: { q: 'hi' },
          output: ['a', 1],
          error: null,
        },
        {
          id: child,
          parent_span_id: root,
          name: 'child',
          status: 'ok',
          started_at: ISO(T0 + 1),
          ended_at: null,
          input: null,
          output: null,
          error: null,
        },
      ],
    });
    expect(local.trace(id)?.name).toBe('secret-name'); // only the local inspection API shows it
  });

  it('answers 404 {"error":"Trace not found"} for unknown ids and other keys\' traces', async () => {
    const id = await createTrace(local, key);
    const checks: [string, string, unknown][] = [
      ['GET', `/api/v1/traces/${id}`, undefined],
      ['PATCH', `/api/v1/traces/${id}`, { status: 'success' }],
      ['POST', `/api/v1/traces/${id}/spans`, spanBody()],
    ];
    for (const [method, path, body] of checks) {
      const res = await call(local, method, path, { key: otherKey, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ error: 'Trace not found' });
    }
    for (const unknown of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const res = await call(local, 'GET', `/api/v1/traces/${unknown}`, { key });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Trace not found' });
    }
    expect(local.trace(id)?.status).toBe('running');
    expect(local.trace(id)?.spans).toHaveLength(0);
  });

  it('computes duration_ms with truncation, null when not ended or unparseable', async () => {
    const a = await createTrace(local, key, { started_at: '2026-01-01T00:00:00.000Z', ended_at: '2026-01-01T00:00:00.0129999Z' });
    const b = await createTrace(local, key, { started_at: '2026-01-01T00:00:00Z' });
    const c = await createTrace(local, key, { started_at: '2026-13-45T99:99:99Z', ended_at: '2026-13-45T99:99:99Z' });
    const d = await createTrace(local, key, { started_at: '2026-01-01T01:00:00+01:00', ended_at: '2026-01-01T00:00:01Z' });
    const duration = async (id: string): Promise<unknown> =>
      ((await call(local, 'GET', `/api/v1/traces/${id}`, { key })).body as { duration_ms: unknown }).duration_ms;
    expect(await duration(a)).toBe(12);
    expect(await duration(b)).toBeNull();
    expect(await duration(c)).toBeNull();
    expect(await duration(d)).toBe(1000);
  });

  it('returns metadata as stored text with metadataAs: "text"', async () => {
    const textual = await startNexusLocal({ metadataAs: 'text' });
    try {
      const id = await createTrace(textual, key, { metadata: { a: [1, 2] } });
      const none = await createTrace(textual, key);
      const one = await call(textual, 'GET', `/api/v1/traces/${id}`, { key });
      expect((one.body as { metadata: unknown }).metadata).toBe('{"a":[1,2]}');
      const list = await call(textual, 'GET', '/api/v1/traces', { key });
      const items = list.body as { id: string; metadata: unknown }[];
      expect(items.find((t) => t.id === id)?.metadata).toBe('{"a":[1,2]}');
      expect(items.find((t) => t.id === none)?.metadata).toBeNull();
    } finally {
      await textual.close();
    }
  });
});

describe('PATCH /api/v1/traces/:id', () => {
  it('updates status and/or ended_at and answers 200 {trace_id}', async () => {
    const id = await createTrace(local, key, { metadata: { keep: true } });
    const res = await call(local, 'PATCH', `/api/v1/traces/${id}`, {
      key,
      body: { status: 'success', ended_at: ISO(T0 + 42), name: 'ignored', metadata: { changed: true } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ trace_id: id });
    expect(local.trace(id)).toMatchObject({ status: 'success', endedAt: ISO(T0 + 42), name: 'run', metadata: { keep: true } });
    await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, body: { status: 'timeout' } });
    expect(local.trace(id)).toMatchObject({ status: 'timeout', endedAt: ISO(T0 + 42) });
    await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, body: { ended_at: ISO(T0 + 50) } });
    expect(local.trace(id)).toMatchObject({ status: 'timeout', endedAt: ISO(T0 + 50) });
  });

  it('answers 400 "No fields to update" for {}, unknown-only fields and ended_at: null', async () => {
    const id = await createTrace(local, key);
    for (const body of [{}, { name: 'x', metadata: {} }, { ended_at: null }]) {
      const res = await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toEqual({ error: 'No fields to update' });
    }
  });

  it('ignores ended_at: null next to a valid status (an end time cannot be cleared)', async () => {
    const id = await createTrace(local, key, { ended_at: ISO(T0 + 5) });
    const res = await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, body: { status: 'error', ended_at: null } });
    expect(res.status).toBe(200);
    expect(local.trace(id)).toMatchObject({ status: 'error', endedAt: ISO(T0 + 5) });
  });

  it('validates the values it is given', async () => {
    const id = await createTrace(local, key);
    const res = await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, body: { status: 'ok', ended_at: 'soon' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'Validation failed',
      fields: {
        status: 'Must be one of: running, success, error, timeout',
        ended_at: 'Must be ISO 8601 format if provided',
      },
    });
    const nullStatus = await call(local, 'PATCH', `/api/v1/traces/${id}`, { key, body: { status: null } });
    expect(nullStatus.status).toBe(400);
    expect(local.trace(id)?.status).toBe('running');
  });

  it('answers 404 for an unknown trace with a valid body', async () => {
    const res = await call(local, 'PATCH', '/api/v1/traces/nope', { key, body: { status: 'success' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Trace not found' });
  });
});

describe('POST /api/v1/traces/:id/spans', () => {
  it('answers 201 {span_id}, also on a trace that ended long ago', async () => {
    const id = await createTrace(local, key, { status: 'success', ended_at: ISO(T0 + 1) });
    const res = await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody({ started_at: ISO(T0 + 86_400_000) }) });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body as object)).toEqual(['span_id']);
    expect((res.body as { span_id: string }).span_id).toMatch(UUID);
    expect(local.trace(id)?.spans).toHaveLength(1);
  });

  it('stores parent_span_id verbatim without checking it', async () => {
    const id = await createTrace(local, key);
    await createSpan(local, key, id, { parent_span_id: 'does-not-exist' });
    await createSpan(local, key, id, { parent_span_id: '' , started_at: ISO(T0 + 1) });
    expect(local.trace(id)?.spans.map((s) => s.parentSpanId)).toEqual(['does-not-exist', '']);
  });

  it('stores error through String(value)', async () => {
    const id = await createTrace(local, key);
    const cases: [unknown, string | null][] = [
      ['boom', 'boom'],
      [{ message: 'boom' }, '[object Object]'],
      [42, '42'],
      [false, 'false'],
      [['a', 'b'], 'a,b'],
      [null, 'null'], // String(null): the real server stores and returns the text "null"
      [undefined, null],
    ];
    let n = 0;
    for (const [error, expected] of cases) {
      const spanId = await createSpan(local, key, id, { error, status: 'error', started_at: ISO(T0 + n++) });
      const got = local.trace(id)?.spans.find((s) => s.id === spanId)?.error;
      expect(got, JSON.stringify(error)).toBe(expected);
    }
    const res = await call(local, 'GET', `/api/v1/traces/${id}`, { key });
    expect((res.body as { spans: { error: unknown }[] }).spans[1]?.error).toBe('[object Object]');
  });

  it('orders spans by started_at as text, then by creation', async () => {
    const id = await createTrace(local, key);
    // 10:30+01:00 is 09:30Z, earlier than 10:00Z as an instant, yet sorts after it as text.
    const late = await createSpan(local, key, id, { name: 'offset', started_at: '2026-01-01T10:30:00+01:00' });
    const mid = await createSpan(local, key, id, { name: 'z', started_at: '2026-01-01T10:00:00Z' });
    const tieA = await createSpan(local, key, id, { name: 'tie-a', started_at: '2026-01-01T09:00:00.000Z' });
    const tieB = await createSpan(local, key, id, { name: 'tie-b', started_at: '2026-01-01T09:00:00.000Z' });
    // "…00Z" sorts after "…00.500Z" as text ('Z' > '.'), though it is the earlier instant.
    const noFraction = await createSpan(local, key, id, { name: 'nofrac', started_at: '2026-01-01T08:00:00Z' });
    const fraction = await createSpan(local, key, id, { name: 'frac', started_at: '2026-01-01T08:00:00.500Z' });
    const res = await call(local, 'GET', `/api/v1/traces/${id}`, { key });
    const order = (res.body as { spans: { id: string }[] }).spans.map((s) => s.id);
    expect(order).toEqual([fraction, noFraction, tieA, tieB, mid, late]);
    expect(local.trace(id)?.spans.map((s) => s.id)).toEqual(order);
  });

  it('stores 1 MB inputs and answers a plain-text 500 for rows over 2.2 MB', async () => {
    const id = await createTrace(local, key);
    const ok = await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody({ input: 'x'.repeat(1_000_000) }) });
    expect(ok.status).toBe(201);
    const big = await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody({ output: 'y'.repeat(2_200_000) }) });
    expect(big.status).toBe(500);
    expect(big.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(big.text).toBe('Internal Server Error');
    expect(local.trace(id)?.spans).toHaveLength(1);
  });
});

describe('unknown routes', () => {
  it('answers 404 with an HTML page, not JSON; without a key, 401 under /api/ and /v1/ (auth runs first there)', async () => {
    const cases: [string, string][] = [
      ['GET', '/unknown'],
      ['GET', '/api/v1/agents'],
      ['GET', '/api/v2/traces'],
      ['DELETE', '/api/v1/traces'],
      ['PUT', '/api/v1/traces/abc'],
      ['DELETE', '/api/v1/traces/abc'],
      ['GET', '/api/v1/traces/abc/spans'],
      ['POST', '/api/v1/traces/'],
      ['GET', '/v1/traces'],
      ['GET', '//api/v1/traces'],
    ];
    for (const [method, path] of cases) {
      for (const k of [key, null]) {
        const res = await call(local, method, path, { key: k });
        if (k === null && /^\/(api|v1)\//.test(path)) {
          expect(res.status, `${method} ${path} without a key`).toBe(401);
          expect(res.body).toEqual({ error: 'Invalid API key' });
          continue;
        }
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.text).toMatch(/^<!DOCTYPE html>/);
        expect(res.body).toBeUndefined();
      }
    }
  });
});
