import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNexusLocal, type NexusLocal } from '../src/index.js';
import { ISO, T0, call, createSpan, createTrace, generateKey } from './helpers.js';

let local: NexusLocal;
const key = generateKey();

beforeAll(async () => {
  local = await startNexusLocal();
});
afterAll(() => local.close());
afterEach(() => local.clear());

interface Item {
  id: string;
  agent_name: string;
  status: string;
  started_at: string;
}

async function list(query = '', k = key): Promise<{ status: number; total: string | null; items: Item[]; body: unknown }> {
  const res = await call(local, 'GET', `/api/v1/traces${query}`, { key: k });
  return { status: res.status, total: res.headers.get('x-total-count'), items: res.body as Item[], body: res.body };
}

const ids = (items: Item[]): string[] => items.map((t) => t.id);

describe('GET /api/v1/traces', () => {
  it('returns the documented item shape, never the name', async () => {
    const id = await createTrace(local, key, { name: 'hidden', status: 'success', ended_at: ISO(T0 + 99), metadata: { m: 1 } });
    await createSpan(local, key, id);
    const res = await call(local, 'GET', '/api/v1/traces', { key });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('1');
    expect(res.body).toEqual([
      {
        id,
        agent_name: 'agent-a',
        status: 'success',
        started_at: ISO(T0),
        ended_at: ISO(T0 + 99),
        duration_ms: 99,
        span_count: 1,
        metadata: { m: 1 },
      },
    ]);
    expect(res.text).not.toContain('hidden');
  });

  it('is empty for a key with no traces and never shows another key\'s traces', async () => {
    await createTrace(local, key);
    const other = await list('', generateKey());
    expect(other.items).toEqual([]);
    expect(other.total).toBe('0');
  });

  it('orders newest first by started_at as an instant, later creation first on ties', async () => {
    const old = await createTrace(local, key, { started_at: '2026-01-01T00:00:00Z' });
    const newest = await createTrace(local, key, { started_at: '2026-01-03T00:00:00.000Z' });
    // 2026-01-02T05:00+05:00 is 2026-01-02T00:00Z: same instant as `tieA`.
    const tieA = await createTrace(local, key, { started_at: '2026-01-02T00:00:00.000Z' });
    const tieB = await createTrace(local, key, { started_at: '2026-01-02T05:00:00+05:00' });
    const frac = await createTrace(local, key, { started_at: '2026-01-02T00:00:00.0000001Z' });
    const { items } = await list();
    expect(ids(items)).toEqual([newest, frac, tieB, tieA, old]);
  });

  it('filters by agent name', async () => {
    const a = await createTrace(local, key, { agent_id: 'alpha' });
    await createTrace(local, key, { agent_id: 'beta' });
    const res = await list('?agent_id=alpha');
    expect(ids(res.items)).toEqual([a]);
    expect(res.total).toBe('1');
    expect((await list('?agent_id=nobody')).items).toEqual([]);
  });

  it('maps status=ok to success and status=error to error+timeout, and accepts stored values', async () => {
    const t = (status: string, n: number): Promise<string> => createTrace(local, key, { status, started_at: ISO(T0 + n) });
    const running = await t('running', 1);
    const success = await t('success', 2);
    const error = await t('error', 3);
    const timeout = await t('timeout', 4);
    expect(ids((await list('?status=ok')).items)).toEqual([success]);
    expect(ids((await list('?status=error')).items)).toEqual([timeout, error]);
    expect(ids((await list('?status=success')).items)).toEqual([success]);
    expect(ids((await list('?status=timeout')).items)).toEqual([timeout]);
    expect(ids((await list('?status=running')).items)).toEqual([running]);
    expect((await list('?status=')).items).toHaveLength(4); // empty means no filter
    const bad = await list('?status=failed');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: 'Validation failed',
      fields: { status: 'must be one of: ok, error, running, success, timeout' },
    });
  });

  it('filters since/until inclusively, comparing instants', async () => {
    const a = await createTrace(local, key, { started_at: '2026-02-01T00:00:00.000Z' });
    const b = await createTrace(local, key, { started_at: '2026-02-02T00:00:00.000Z' });
    const c = await createTrace(local, key, { started_at: '2026-02-03T00:00:00.000Z' });
    await createTrace(local, key, { started_at: '2026-13-45T99:99:99Z' }); // never matches a range
    const q = (s: string): string => encodeURIComponent(s);
    expect(ids((await list(`?since=${q('2026-02-02T00:00:00Z')}`)).items)).toEqual([c, b]);
    expect(ids((await list(`?until=${q('2026-02-02T00:00:00.000Z')}`)).items)).toEqual([b, a]);
    const both = await list(`?since=${q('2026-02-01T00:00:00.001Z')}&until=${q('2026-02-03T00:00:00Z')}`);
    expect(ids(both.items)).toEqual([c, b]);
    expect(both.total).toBe('2');
    // +01:00 offset: 2026-02-02T01:00+01:00 is exactly b's instant.
    expect(ids((await list(`?since=${q('2026-02-02T01:00:00+01:00')}&until=${q('2026-02-02T01:00:00+01:00')}`)).items)).toEqual([b]);
    const bad = await list('?since=yesterday&until=2026-02-02');
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.body as { fields: object }).fields)).toEqual(['since', 'until']);
  });

  it('limits to 50 by default, accepts 1..200, rejects anything else', async () => {
    for (let i = 0; i < 55; i++) await createTrace(local, key, { started_at: ISO(T0 + i * 1000) });
    const all = await list();
    expect(all.items).toHaveLength(50);
    expect(all.total).toBe('55');
    expect(all.items[0]?.started_at).toBe(ISO(T0 + 54_000));
    expect((await list('?limit=1')).items).toHaveLength(1);
    expect((await list('?limit=200')).items).toHaveLength(55);
    for (const limit of ['0', '201', '-1', 'abc', '1.5', '10x']) {
      const res = await list(`?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body).toEqual({ error: 'Validation failed', fields: { limit: 'must be an integer between 1 and 200' } });
    }
  });

  it('pages with after=<trace id>; X-Total-Count ignores after and limit', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await createTrace(local, key, { started_at: ISO(T0 + i * 1000) }));
    const newestFirst = [...created].reverse();
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const page = await list(`?limit=3${cursor ? `&after=${cursor}` : ''}`);
      expect(page.total).toBe('7');
      if (page.items.length === 0) break;
      seen.push(...ids(page.items));
      cursor = page.items[page.items.length - 1]?.id ?? '';
    }
    expect(seen).toEqual(newestFirst);
    expect((await list('?after=00000000-0000-0000-0000-000000000000')).items).toEqual([]);
  });

  it('uses the cursor position even when the cursor trace does not match the filters', async () => {
    const t1 = await createTrace(local, key, { status: 'success', started_at: ISO(T0 + 1) });
    const t2 = await createTrace(local, key, { status: 'error', started_at: ISO(T0 + 2) });
    const t3 = await createTrace(local, key, { status: 'success', started_at: ISO(T0 + 3) });
    expect(ids((await list(`?status=ok&after=${t2}`)).items)).toEqual([t1]);
    expect(ids((await list(`?status=ok&after=${t3}`)).items)).toEqual([t1]);
  });
});
