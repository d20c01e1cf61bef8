import { afterEach, describe, expect, it } from 'vitest';
import { startNexusLocal, type NexusLocal } from '../src/index.js';
import { ISO, T0, call, createTrace, generateKey, spanBody, traceBody } from './helpers.js';

const UPGRADE = 'https://nexus.keylightdigital.dev/pricing';
const servers: NexusLocal[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(...args: Parameters<typeof startNexusLocal>): Promise<NexusLocal> {
  const local = await startNexusLocal(...args);
  servers.push(local);
  return local;
}

describe('keys', () => {
  it('generateKey gives nxs_ + 64 lowercase hex, different each time', () => {
    const a = generateKey();
    expect(a).toMatch(/^nxs_[0-9a-f]{64}$/);
    expect(generateKey()).not.toBe(a);
  });

  it('open mode accepts any well-formed key as pro, nothing else', async () => {
    const local = await start();
    const k = generateKey();
    expect((await call(local, 'POST', '/api/v1/traces', { key: k, body: traceBody({ agent_id: 'a' }) })).status).toBe(201);
    expect((await call(local, 'POST', '/api/v1/traces', { key: k, body: traceBody({ agent_id: 'b' }) })).status).toBe(201);
    for (const bad of [`nxs_${'A'.repeat(64)}`, `nxs_${'a'.repeat(63)}`, `nxs_${'a'.repeat(65)}`, `nx_${'a'.repeat(64)}`, 'test']) {
      expect((await call(local, 'GET', '/api/v1/traces', { key: bad })).status, bad).toBe(401);
    }
  });

  it('accepts configured keys verbatim, pro by default', async () => {
    const local = await start({ keys: { 'test-key': {} } });
    expect((await call(local, 'POST', '/api/v1/traces', { key: 'test-key', body: traceBody({ agent_id: 'a' }) })).status).toBe(201);
    expect((await call(local, 'POST', '/api/v1/traces', { key: 'test-key', body: traceBody({ agent_id: 'b' }) })).status).toBe(201);
    expect((await call(local, 'GET', '/api/v1/traces', { key: generateKey() })).status).toBe(401);
  });
});

describe('free plan', () => {
  it('refuses a second agent name with 403 and keeps the first usable', async () => {
    const key = generateKey();
    const local = await start({ keys: { [key]: { plan: 'free' } } });
    await createTrace(local, key, { agent_id: 'first' });
    const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'second' }) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'Free plan limited to 1 agent', upgrade_url: UPGRADE });
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'first' }) })).status).toBe(201);
    expect(local.traces().map((t) => t.agentName)).toEqual(['first', 'first']);
  });

  it('refuses the trace past the monthly limit with 429, only on POST /traces', async () => {
    const key = generateKey();
    const local = await start({ keys: { [key]: { plan: 'free' } }, freeTraceLimit: 3 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await createTrace(local, key));
    const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: 'Monthly trace limit reached', limit: 3, current: 3, upgrade_url: UPGRADE });
    // Spans, patches and reads still work at the limit.
    expect((await call(local, 'POST', `/api/v1/traces/${ids[0]}/spans`, { key, body: spanBody() })).status).toBe(201);
    expect((await call(local, 'PATCH', `/api/v1/traces/${ids[0]}`, { key, body: { status: 'success' } })).status).toBe(200);
    expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200);
    expect(local.traces()).toHaveLength(3);
  });

  it('uses 1000 as the default limit in the 429 body', async () => {
    const key = generateKey();
    const local = await start({ keys: { [key]: { plan: 'free' } } });
    await Promise.all(Array.from({ length: 1000 }, () => call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })));
    const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(res.body).toEqual({ error: 'Monthly trace limit reached', limit: 1000, current: 1000, upgrade_url: UPGRADE });
  });

  it('checks the monthly limit before the agent limit, as the real server does', async () => {
    const key = generateKey();
    const local = await start({ keys: { [key]: { plan: 'free' } }, freeTraceLimit: 1 });
    await createTrace(local, key, { agent_id: 'a' });
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'b' }) })).status).toBe(429);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'a' }) })).status).toBe(429);
  });

  it("setPlan('pro') lifts both limits, setPlan('free') brings them back", async () => {
    const key = generateKey();
    const local = await start({ keys: { [key]: { plan: 'free' } }, freeTraceLimit: 3 });
    // Under the monthly limit, the agent limit shows.
    await createTrace(local, key);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'other' }) })).status).toBe(403);
    for (let i = 0; i < 2; i++) await createTrace(local, key);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(429);
    local.setPlan(key, 'pro');
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'other' }) })).status).toBe(201);
    local.setPlan(key, 'free');
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).body).toMatchObject({ current: 5 });
  });

  it("setPlan('free') brings the agent limit back for a key under its monthly limit", async () => {
    const key = generateKey();
    const local = await start({ keys: { [key]: { plan: 'pro' } } });
    await createTrace(local, key, { agent_id: 'a' });
    await createTrace(local, key, { agent_id: 'b' });
    local.setPlan(key, 'free');
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'c' }) })).status).toBe(403);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'b' }) })).status).toBe(201);
  });

  it('counts per key', async () => {
    const a = generateKey();
    const b = generateKey();
    const local = await start({ keys: { [a]: { plan: 'free' }, [b]: { plan: 'free' } }, freeTraceLimit: 1 });
    await createTrace(local, a);
    expect((await call(local, 'POST', '/api/v1/traces', { key: b, body: traceBody() })).status).toBe(201);
    expect((await call(local, 'POST', '/api/v1/traces', { key: a, body: traceBody() })).status).toBe(429);
  });

  it('resets the count at the start of the next UTC calendar month of now()', async () => {
    const key = generateKey();
    let clock = new Date('2026-01-31T23:59:59.000Z');
    const local = await start({ keys: { [key]: { plan: 'free' } }, freeTraceLimit: 3, now: () => clock });
    // started_at is irrelevant: the count follows creation time per now().
    for (let i = 0; i < 3; i++) await createTrace(local, key, { started_at: ISO(T0) });
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(429);
    clock = new Date('2026-02-01T00:00:00.000Z');
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
    const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
    expect(res.status).toBe(201);
    expect(local.traces().map((t) => t.createdAt)).toEqual([
      ...Array<number>(3).fill(Date.parse('2026-01-31T23:59:59.000Z')),
      Date.parse('2026-02-01T00:00:00.000Z'),
      Date.parse('2026-02-01T00:00:00.000Z'),
    ]);
    // A UTC month, not a local one: 2026-02-28T23:30-05:00 is already March in UTC.
    clock = new Date('2026-02-28T23:30:00-05:00');
    for (let i = 0; i < 3; i++) expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(201);
    expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() })).status).toBe(429);
  });
});
