import { Agent, request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startNexusLocal, type NexusLocal } from '../src/index.js';
import { call, createTrace, generateKey, spanBody, traceBody } from './helpers.js';

let local: NexusLocal;
const key = generateKey();

beforeAll(async () => {
  local = await startNexusLocal();
});
afterAll(() => local.close());
afterEach(() => {
  local.faults.clear();
  local.clear();
});

interface RawAnswer {
  status: number;
  body: string;
}

/** node:http, so a test can pick the Agent and see the raw socket error. */
function raw(server: NexusLocal, method: string, path: string, body?: unknown, agent?: Agent): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${server.url}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('failNext', () => {
  it('answers the status with a JSON body, without touching the store', async () => {
    local.faults.failNext(1, 503, { body: { error: 'Service Unavailable' } });
    const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'Service Unavailable' });
    expect(local.traces()).toHaveLength(0);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
    expect(local.traces()).toHaveLength(1);
  });

  it('carries the response headers given (a Retry-After), on the faulted answers only', async () => {
    local.faults.failNext(1, 503, { body: { error: 'Service Unavailable' }, headers: { 'retry-after': '2' } });
    const faulted = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('2');
    expect(faulted.headers.get('content-type')).toMatch(/^application\/json/);
    const next = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(next.status).toBe(201);
    expect(next.headers.get('retry-after')).toBeNull();
  });

  it('answers plain text when no body is given, n times, before auth', async () => {
    local.faults.failNext(2, 500);
    for (let i = 0; i < 2; i++) {
      const res = await call(local, 'GET', '/api/v1/traces', { key: null });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toBe('Internal Server Error');
    }
    expect((await call(local, 'GET', '/api/v1/traces', { key: null })).status).toBe(401);
  });

  it('hits only matching requests (method, exact path, RegExp path)', async () => {
    const id = await createTrace(local, key);
    local.faults.failNext(1, 429, { body: { error: 'slow down' }, match: { method: 'post', path: /\/spans$/ } });
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
    expect((await call(local, 'GET', `/api/v1/traces/${id}`, { key })).status).toBe(200);
    const hit = await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody() });
    expect(hit.status).toBe(429);
    expect((await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody() })).status).toBe(201);

    local.faults.failNext(1, 502, { match: { path: '/api/v1/traces' } });
    expect((await call(local, 'GET', `/api/v1/traces/${id}`, { key })).status).toBe(200); // exact string: no prefix match
    expect((await call(local, 'GET', '/api/v1/traces?limit=5', { key })).status).toBe(502); // query is not part of the path
    expect(local.trace(id)?.spans).toHaveLength(1);
  });

  it('consumes faults of all kinds in the order they were armed, one per request', async () => {
    local.faults.failNext(1, 500);
    local.faults.failNext(1, 502);
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(500);
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(502);
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200);
  });

  it('validates its arguments', () => {
    expect(() => local.faults.failNext(-1, 500)).toThrow(RangeError);
    expect(() => local.faults.failNext(1, 99)).toThrow(RangeError);
    expect(() => local.faults.latency(-5)).toThrow(RangeError);
  });
});

describe('resetNext', () => {
  it('destroys the socket before handling: nothing is written', async () => {
    local.faults.resetNext(1);
    await expect(raw(local, 'POST', '/api/v1/traces', traceBody())).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect(local.traces()).toHaveLength(0);
    const last = local.requests[local.requests.length - 1];
    expect(last).toMatchObject({ method: 'POST', path: '/api/v1/traces', status: null, fault: 'reset' });
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
  });

  it('fails fetch too, and respects match', async () => {
    const id = await createTrace(local, key);
    local.faults.resetNext(1, { match: { method: 'PATCH' } });
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
    await expect(call(local, 'PATCH', `/api/v1/traces/${id}`, { key, body: { status: 'success' } })).rejects.toThrow();
    expect(local.trace(id)?.status).toBe('running');
  });
});

describe('dropResponseNext', () => {
  it('commits the write, then hangs up without any response', async () => {
    local.faults.dropResponseNext(1);
    await expect(raw(local, 'POST', '/api/v1/traces', traceBody({ name: 'committed' }))).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(local.traces().map((t) => t.name)).toEqual(['committed']);
    expect(local.requests.at(-1)).toMatchObject({ status: null, fault: 'drop' });
  });

  it('lets a retried POST create a duplicate (no idempotency)', async () => {
    const id = await createTrace(local, key);
    local.faults.dropResponseNext(1, { match: { path: /\/spans$/ } });
    await expect(call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody() })).rejects.toThrow();
    expect((await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody() })).status).toBe(201);
    expect(local.trace(id)?.spans).toHaveLength(2);
  });
});

describe('latency', () => {
  it('adds options.latencyMs to every request', async () => {
    const slow = await startNexusLocal({ latencyMs: 120 });
    try {
      const started = Date.now();
      expect((await call(slow, 'GET', '/api/v1/traces', { key })).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
      const entry = slow.requests[0];
      expect((entry?.endedAt ?? 0) - (entry?.startedAt ?? 0)).toBeGreaterThanOrEqual(110);
    } finally {
      await slow.close();
    }
  });

  it('faults.latency() applies from now on until cleared', async () => {
    local.faults.latency(150);
    let started = Date.now();
    await call(local, 'GET', '/api/v1/traces', { key });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    local.faults.latency(0);
    started = Date.now();
    await call(local, 'GET', '/api/v1/traces', { key });
    expect(Date.now() - started).toBeLessThan(140);
  });

  it('takes faults in arrival order even when responses are delayed', async () => {
    local.faults.latency(100);
    local.faults.failNext(1, 500);
    const [first, second] = await Promise.all([
      call(local, 'GET', '/api/v1/traces', { key }),
      new Promise((r) => setTimeout(r, 20)).then(() => call(local, 'GET', '/api/v1/traces', { key })),
    ]);
    expect(first.status).toBe(500);
    expect(second.status).toBe(200);
  });
});

describe('request log, connections, keep-alive', () => {
  it('reuses one connection for sequential requests through a keep-alive Agent', async () => {
    const server = await startNexusLocal();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const id = JSON.parse((await raw(server, 'POST', '/api/v1/traces', traceBody(), agent)).body) as { trace_id: string };
      for (let i = 0; i < 4; i++) expect((await raw(server, 'POST', `/api/v1/traces/${id.trace_id}/spans`, spanBody(), agent)).status).toBe(201);
      expect((await raw(server, 'GET', `/api/v1/traces/${id.trace_id}`, undefined, agent)).status).toBe(200);
      expect(server.connections).toBe(1);
      expect(server.requests).toHaveLength(6);
      expect(new Set(server.requests.map((r) => r.connectionId)).size).toBe(1);
      // A plain Agent without keep-alive opens one connection per request.
      const noKeepAlive = new Agent({ keepAlive: false });
      await raw(server, 'GET', '/api/v1/traces', undefined, noKeepAlive);
      await raw(server, 'GET', '/api/v1/traces', undefined, noKeepAlive);
      expect(server.connections).toBe(3);
      noKeepAlive.destroy();
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('logs every request in arrival order with method, pathname, status and fault', async () => {
    const server = await startNexusLocal();
    try {
      server.faults.failNext(1, 500, { match: { method: 'GET' } });
      await call(server, 'POST', '/api/v1/traces', { key, body: traceBody() });
      await call(server, 'GET', '/api/v1/traces?limit=2', { key });
      await call(server, 'GET', '/nowhere', { key });
      expect(server.requests.map(({ method, path, status, fault }) => ({ method, path, status, fault }))).toEqual([
        { method: 'POST', path: '/api/v1/traces', status: 201, fault: null },
        { method: 'GET', path: '/api/v1/traces', status: 500, fault: 'fail' },
        { method: 'GET', path: '/nowhere', status: 404, fault: null },
      ]);
      for (const entry of server.requests) {
        expect(entry.endedAt).toBeGreaterThanOrEqual(entry.startedAt);
        expect(entry.connectionId).toBeGreaterThan(0);
      }
      expect(server.connections).toBeGreaterThan(0);
      server.resetStats();
      expect(server.requests).toHaveLength(0);
      expect(server.connections).toBe(0);
      expect(server.traces()).toHaveLength(1); // resetStats keeps the data
      await call(server, 'GET', '/api/v1/traces', { key });
      server.clear();
      expect(server.requests).toHaveLength(0);
      expect(server.traces()).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('close() ends open keep-alive sockets', async () => {
    const server = await startNexusLocal();
    const agent = new Agent({ keepAlive: true });
    await raw(server, 'GET', '/api/v1/traces', undefined, agent);
    await server.close();
    await expect(raw(server, 'GET', '/api/v1/traces', undefined, agent)).rejects.toThrow();
    agent.destroy();
  });
});

describe('admin routes', () => {
  it('arms faults from another process and reports stats, bypassing faults and the log', async () => {
    const server = await startNexusLocal();
    const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
      fetch(`${server.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    try {
      let res = await admin('POST', '/_local/faults', {
        latencyMs: 0,
        failNext: { n: 1, status: 503, body: { error: 'down' }, method: 'POST', path: '/api/v1/traces' },
        resetNext: { n: 1, method: 'GET' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      expect((await admin('GET', '/_local/stats')).status).toBe(200); // not consumed by the GET reset
      expect((await call(server, 'POST', '/api/v1/traces', { key, body: traceBody() })).body).toEqual({ error: 'down' });
      await expect(call(server, 'GET', '/api/v1/traces', { key })).rejects.toThrow();
      await createTrace(server, key);
      res = await admin('POST', '/_local/faults', { dropResponseNext: { n: 1, pathRegex: '/spans$' } });
      expect(res.status).toBe(200);
      res = await admin('GET', '/_local/stats');
      expect(await res.json()).toEqual({ requests: 3, connections: expect.any(Number), traces: 1, spans: 0 });
      await admin('POST', '/_local/faults', { clear: true });
      const id = server.traces()[0]?.id ?? '';
      expect((await call(server, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody() })).status).toBe(201);
      for (const bad of [{ failNext: { n: 1 } }, { resetNext: { n: -1 } }, { latencyMs: 'x' }, { dropResponseNext: { n: 1, pathRegex: '(' } }]) {
        res = await admin('POST', '/_local/faults', bad);
        expect(res.status, JSON.stringify(bad)).toBe(400);
        expect(await res.json()).toEqual({ error: expect.any(String) });
      }
      expect((await admin('GET', '/_local/nope')).status).toBe(404);
      expect(server.requests.every((r) => !r.path.startsWith('/_local'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});

/** POST /_local/faults with a JSON body (or `raw` text, for values JSON.stringify cannot write). */
async function armFaults(server: NexusLocal, body: unknown, raw?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}/_local/faults`, { method: 'POST', body: raw ?? JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('admin routes: random faults', () => {
  it('arms random faults (503 by default), turns them off with null, and clear turns them off too', async () => {
    expect(await armFaults(local, { random: { failRate: 1 } })).toEqual({ status: 200, body: { ok: true } });
    const failed = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(failed.status).toBe(503);
    expect(failed.text).toBe('Service Unavailable');
    expect(local.traces()).toHaveLength(0);
    expect(local.requests.at(-1)).toMatchObject({ status: 503, fault: 'fail' });
    expect((await armFaults(local, { random: null })).status).toBe(200);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);

    expect((await armFaults(local, { random: { dropResponseRate: 1 } })).status).toBe(200);
    await expect(call(local, 'GET', '/api/v1/traces', { key })).rejects.toThrow();
    expect(local.requests.at(-1)).toMatchObject({ status: null, fault: 'drop' });
    expect((await armFaults(local, { clear: true })).status).toBe(200);
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200);
  });

  it('passes failStatus, failBody, resetRate and the match through', async () => {
    const armed = await armFaults(local, {
      random: { failRate: 1, failStatus: 502, failBody: { error: 'bad gateway' }, method: 'POST', pathRegex: '/spans$' },
    });
    expect(armed.status).toBe(200);
    const id = await createTrace(local, key); // POST, but not a /spans path: no draw
    expect((await call(local, 'GET', `/api/v1/traces/${id}`, { key })).status).toBe(200);
    expect(await call(local, 'POST', `/api/v1/traces/${id}/spans`, { key, body: spanBody() })).toMatchObject({
      status: 502,
      body: { error: 'bad gateway' },
    });
    expect(local.trace(id)?.spans).toHaveLength(0);

    expect((await armFaults(local, { random: { resetRate: 1, path: '/api/v1/traces' } })).status).toBe(200);
    expect((await call(local, 'GET', `/api/v1/traces/${id}`, { key })).status).toBe(200);
    await expect(raw(local, 'POST', '/api/v1/traces', traceBody())).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    expect(local.requests.at(-1)).toMatchObject({ status: null, fault: 'reset' });
    expect(local.traces()).toHaveLength(1);
  });

  it('uses the seed: the same seed gives the same run, another seed another', async () => {
    const run = async (seed: number): Promise<number[]> => {
      expect((await armFaults(local, { random: { failRate: 0.5, seed } })).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) statuses.push((await call(local, 'GET', '/api/v1/traces', { key })).status);
      return statuses;
    };
    const first = await run(7);
    expect(new Set(first)).toEqual(new Set([200, 503])); // a real mix, not all or nothing
    expect(await run(7)).toEqual(first); // arming again restarts the generator
    expect(await run(8)).not.toEqual(first);
  });

  it('refuses bad values with a 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ random: 0.5 }, /^random must be an object or null$/],
      [{ random: { failRate: 1.5 } }, /^random\.failRate must be a number between 0 and 1$/],
      [{ random: { resetRate: -0.1 } }, /^random\.resetRate /],
      [{ random: { dropResponseRate: '0.5' } }, /^random\.dropResponseRate /],
      [{ random: { failRate: null } }, /^random\.failRate /],
      [{ random: { failRate: 0.6, resetRate: 0.3, dropResponseRate: 0.2 } }, /^random\.failRate \+ random\.resetRate \+ random\.dropResponseRate must be at most 1/],
      [{ random: { failRate: 0.1, failStatus: 99 } }, /^random\.failStatus /],
      [{ random: { failRate: 0.1, failStatus: '503' } }, /^random\.failStatus /],
      [{ random: { failRate: 0.1, seed: 1.5 } }, /^random\.seed must be an integer$/],
      [{ random: { failRate: 0.1, seed: '1' } }, /^random\.seed /],
      [{ random: { failrate: 1 } }, /^random\.failrate is not a known field$/],
      [{ random: { failRate: 1, method: 5 } }, /^random\.method /],
      [{ random: { failRate: 1, path: '/a', pathRegex: '/b' } }, /^random\.give path or pathRegex/],
      [{ random: { failRate: 1, pathRegex: '(' } }, /^random\.pathRegex /],
    ];
    for (const [body, message] of cases) {
      const res = await armFaults(local, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    // JSON.parse reads 1e999 as Infinity: not a probability.
    const infinite = await armFaults(local, undefined, '{"random":{"failRate":1e999}}');
    expect(infinite).toEqual({ status: 400, body: { error: 'random.failRate must be a number between 0 and 1' } });
    // Sums that are 1 up to rounding pass, as in faults.random().
    expect((await armFaults(local, { random: { failRate: 0.1, resetRate: 0.2, dropResponseRate: 0.7 } })).status).toBe(200);
  });

  it('a bad request changes nothing: earlier keys are not applied, armed faults stay', async () => {
    expect((await armFaults(local, { random: { failRate: 1, method: 'POST' } })).status).toBe(200);
    const refused = await armFaults(local, { clear: true, latencyMs: 500, failNext: { n: 1, status: 500 }, random: { failRate: 2 } });
    expect(refused.status).toBe(400);
    const again = await armFaults(local, { clear: true, random: null, down: { forMs: -1 } });
    expect(again).toEqual({ status: 400, body: { error: 'down.forMs must be a number of milliseconds between 0 and 2147483647' } });
    const started = Date.now();
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200); // no failNext, no latency
    expect(Date.now() - started).toBeLessThan(400);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(503); // still armed
    expect(local.faults.outage).toBeNull();
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200); // still up
  });
});

describe('admin routes: an outage for a while', () => {
  it("down {forMs}: answers 200, then refuses connections, and is back on the same URL after forMs with the data", async () => {
    const server = await startNexusLocal();
    const fresh = new Agent({ keepAlive: false }); // a new connection each time: a pooled one would see the crash as a closed socket
    try {
      await createTrace(server, key);
      expect((await armFaults(server, { random: { failRate: 1, method: 'PATCH' } })).status).toBe(200);
      const answered = await fetch(`${server.url}/_local/faults`, { method: 'POST', body: JSON.stringify({ down: { forMs: 400 } }) });
      const sentAt = Date.now();
      expect(answered.status).toBe(200);
      expect(answered.headers.get('connection')).toBe('close');
      expect(await answered.json()).toEqual({ ok: true });
      await vi.waitFor(() => expect(server.faults.outage).toBe('refuse'), { timeout: 300, interval: 5 });
      expect(await failureCode(raw(server, 'GET', '/api/v1/traces', undefined, fresh))).toBe('ECONNREFUSED');
      expect(await failureCode(raw(server, 'GET', '/_local/stats', undefined, fresh))).toBe('ECONNREFUSED'); // the admin routes too
      await vi.waitFor(() => expect(server.faults.outage).toBeNull(), { timeout: 2000, interval: 10 });
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(390);
      const list = await call(server, 'GET', '/api/v1/traces', { key });
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(1);
      const id = server.traces()[0]?.id ?? '';
      expect((await call(server, 'PATCH', `/api/v1/traces/${id}`, { key, body: { status: 'success' } })).status).toBe(503); // random faults kept
    } finally {
      fresh.destroy();
      await server.close();
    }
  });

  it("mode 'reset' resets new connections until forMs has passed; keys in the same request are applied first", async () => {
    const server = await startNexusLocal();
    try {
      const res = await armFaults(server, { failNext: { n: 1, status: 429 }, down: { mode: 'reset', forMs: 300 } });
      expect(res).toEqual({ status: 200, body: { ok: true } });
      await vi.waitFor(() => expect(server.faults.outage).toBe('reset'), { timeout: 300, interval: 5 });
      const connections = server.connections;
      expect(await failureCode(raw(server, 'POST', '/api/v1/traces', traceBody(), new Agent({ keepAlive: false })))).toMatch(/ECONNRESET|EPIPE/);
      expect(server.connections).toBe(connections + 1); // accepted, then reset
      expect(server.requests).toHaveLength(0);
      await vi.waitFor(() => expect(server.faults.outage).toBeNull(), { timeout: 2000, interval: 10 });
      expect((await call(server, 'GET', '/api/v1/traces', { key })).status).toBe(429);
      expect((await call(server, 'GET', '/api/v1/traces', { key })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses a bad down with a 400 and stays up', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ down: true }, /^down must be an object$/],
      [{ down: {} }, /^down\.forMs must be a number of milliseconds/],
      [{ down: { forMs: '100' } }, /^down\.forMs /],
      [{ down: { forMs: 2_147_483_648 } }, /^down\.forMs /],
      [{ down: { forMs: 100, mode: 'sideways' } }, /^down\.mode must be 'refuse' or 'reset'$/],
      [{ down: { forMs: 100, for: 5 } }, /^down\.for is not a known field$/],
    ];
    for (const [body, message] of cases) {
      const res = await armFaults(local, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    expect(local.faults.outage).toBeNull();
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200);
  });

  it('close() during the outage cancels the way back up: no timer is left to keep the process alive', async () => {
    const timeouts = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timeouts();
    const server = await startNexusLocal();
    expect((await armFaults(server, { down: { forMs: 60_000 } })).status).toBe(200);
    await vi.waitFor(() => expect(server.faults.outage).toBe('refuse'), { timeout: 300, interval: 5 });
    await vi.waitFor(() => expect(timeouts()).toBeGreaterThan(before), { timeout: 300, interval: 5 }); // the pending up()
    await server.close();
    expect(timeouts()).toBe(before);
    expect(server.faults.outage).toBe('refuse');
    expect(await failureCode(raw(server, 'GET', '/api/v1/traces', undefined, new Agent({ keepAlive: false })))).toBe('ECONNREFUSED');
  });
});

describe('serviceTimeMs: one request at a time, like the hosted Nexus', () => {
  it('concurrent requests are answered one after another', async () => {
    const serial = await startNexusLocal({ serviceTimeMs: 30 });
    try {
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 5 }, () => call(serial, 'POST', '/api/v1/traces', { key, body: traceBody() })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 30 - 5);
      // Served in parallel, all five would end ~30 ms in. A gap between two logged ends is not a
      // service boundary (an end is logged when the response's 'close' event runs, which a busy
      // event loop delays: CI once saw 6 ms between two), so the spread of the ends is checked,
      // with a service time of slack.
      const ends = serial.requests.map((r) => r.endedAt).sort((a, b) => a - b);
      expect(ends[ends.length - 1]! - ends[0]!).toBeGreaterThanOrEqual(3 * 30);
    } finally {
      await serial.close();
    }
  });
});

/** The cause's code of a failed fetch (ECONNREFUSED, ECONNRESET, …), or the error's own. */
async function failureCode(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as { code?: string }).code ?? String(error);
  }
  return 'no failure';
}

describe('random faults', () => {
  /** Sequential requests through a fresh server; the fault each one got, in order. */
  async function draws(options: Parameters<NexusLocal['faults']['random']>[0], count: number): Promise<Array<string | null>> {
    const server = await startNexusLocal();
    try {
      server.faults.random(options);
      for (let i = 0; i < count; i += 1) await call(server, 'GET', '/api/v1/traces', { key }).catch(() => undefined);
      return server.requests.map((r) => (r.fault === 'fail' ? `fail ${r.status}` : r.fault));
    } finally {
      await server.close();
    }
  }

  it('hits requests with the given rates, from a seeded generator: the same seed gives the same run', async () => {
    const options = { failRate: 0.2, resetRate: 0.1, dropResponseRate: 0.1, seed: 42 };
    const first = await draws(options, 300);
    expect(await draws(options, 300)).toEqual(first);
    expect(await draws({ ...options, seed: 43 }, 300)).not.toEqual(first);
    const count = (kind: string | null): number => first.filter((f) => f === kind).length;
    // 300 draws: each rate within a few points of what was asked.
    expect(count('fail 503') / 300).toBeGreaterThan(0.14);
    expect(count('fail 503') / 300).toBeLessThan(0.26);
    expect(count('reset') / 300).toBeGreaterThan(0.05);
    expect(count('reset') / 300).toBeLessThan(0.15);
    expect(count('drop') / 300).toBeGreaterThan(0.05);
    expect(count('drop') / 300).toBeLessThan(0.15);
    expect(count(null) / 300).toBeGreaterThan(0.5);
  });

  it('each fault behaves like its one-shot twin: a 503 and a reset write nothing, a dropped answer is written', async () => {
    local.faults.random({ failRate: 1, failStatus: 502, failBody: { error: 'bad gateway' } });
    const failed = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(failed).toMatchObject({ status: 502, body: { error: 'bad gateway' } });
    local.faults.random({ resetRate: 1 });
    await expect(raw(local, 'POST', '/api/v1/traces', traceBody())).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    expect(local.traces()).toHaveLength(0);
    local.faults.random({ dropResponseRate: 1 });
    await expect(raw(local, 'POST', '/api/v1/traces', traceBody({ name: 'committed' }))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(local.traces().map((t) => t.name)).toEqual(['committed']);
    local.faults.random(null);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
  });

  it('queued faults go first; only matching requests draw; clear() turns random faults off', async () => {
    local.faults.random({ failRate: 1, match: { method: 'POST' } });
    local.faults.failNext(1, 500);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(500);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(503);
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200);
    local.faults.clear();
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
  });

  it('validates its arguments', () => {
    expect(() => local.faults.random({ failRate: 1.5 })).toThrow(RangeError);
    expect(() => local.faults.random({ resetRate: -0.1 })).toThrow(RangeError);
    expect(() => local.faults.random({ failRate: 0.6, dropResponseRate: 0.6 })).toThrow(/≤ 1/);
    expect(() => local.faults.random({ failRate: 0.1, failStatus: 99 })).toThrow(RangeError);
    expect(() => local.faults.random({ failRate: 0.1, seed: 1.5 })).toThrow(RangeError);
    expect(() => local.faults.random({ failRate: Number.NaN })).toThrow(RangeError);
  });
});

describe('down() and up(): an outage', () => {
  it("'refuse' closes the listener (ECONNREFUSED); up() serves again on the same URL, with the data", async () => {
    const server = await startNexusLocal();
    try {
      await createTrace(server, key);
      await server.faults.down();
      expect(server.faults.outage).toBe('refuse');
      expect(await failureCode(call(server, 'GET', '/api/v1/traces', { key }))).toBe('ECONNREFUSED');
      await server.faults.up();
      expect(server.faults.outage).toBeNull();
      const list = await call(server, 'GET', '/api/v1/traces', { key });
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(1);
      expect(server.requests.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("'reset' accepts each connection and resets it before reading a byte", async () => {
    const server = await startNexusLocal();
    try {
      await server.faults.down({ mode: 'reset' });
      const before = server.connections;
      expect(await failureCode(raw(server, 'POST', '/api/v1/traces', traceBody()))).toMatch(/ECONNRESET|EPIPE/);
      expect(server.connections).toBe(before + 1);
      expect(server.requests).toHaveLength(0);
      expect(server.traces()).toHaveLength(0);
      await server.faults.up();
      expect((await call(server, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('is a crash: open keep-alive sockets are destroyed and a request in progress is abandoned, not written', async () => {
    const server = await startNexusLocal({ latencyMs: 300 });
    const agent = new Agent({ keepAlive: true });
    try {
      const inFlight = raw(server, 'POST', '/api/v1/traces', traceBody({ name: 'in flight' }), agent);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await server.faults.down({ mode: 'reset' });
      expect(await failureCode(inFlight)).toMatch(/ECONNRESET|socket hang up/);
      await new Promise((resolve) => setTimeout(resolve, 400)); // past the latency: it would have been written by now
      await server.faults.up();
      expect(server.traces()).toHaveLength(0);
      expect((await raw(server, 'POST', '/api/v1/traces', traceBody(), agent)).status).toBe(201);
      expect(server.traces()).toHaveLength(1);
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('switches between modes in call order; close() works while down; down() after close() rejects', async () => {
    const server = await startNexusLocal();
    const url = server.url;
    const sequence = [server.faults.down(), server.faults.down({ mode: 'reset' }), server.faults.up(), server.faults.down({ mode: 'refuse' })];
    await Promise.all(sequence);
    expect(server.faults.outage).toBe('refuse');
    expect(await failureCode(fetch(`${url}/api/v1/traces`))).toBe('ECONNREFUSED');
    await server.faults.up();
    expect(server.url).toBe(url);
    expect((await call(server, 'GET', '/api/v1/traces', { key })).status).toBe(200);
    await server.faults.down();
    await server.close();
    await expect(server.faults.down()).rejects.toThrow(/closed/);
    await expect(server.faults.down({ mode: 'sideways' as 'reset' })).rejects.toThrow(RangeError);
  });

  it('clear() keeps an outage', async () => {
    const server = await startNexusLocal();
    try {
      await server.faults.down({ mode: 'reset' });
      server.faults.clear();
      expect(server.faults.outage).toBe('reset');
      expect(await failureCode(call(server, 'GET', '/api/v1/traces', { key }))).toMatch(/ECONNRESET|EPIPE|UND_ERR_SOCKET/);
    } finally {
      await server.close();
    }
  });
});
