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

  it('orders newest first by started_at compared as text, then by id descending', async () => {
    const old = await createTrace(local, key, { started_at: '2026-01-01T00:00:00Z' });
    const newest = await createTrace(local, key, { started_at: '2026-01-03T00:00:00.000Z' });
    // The same instant, but '05:00+05:00' sorts after '00:00…Z' as text.
    const utc = await createTrace(local, key, { started_at: '2026-01-02T00:00:00.000Z' });
    const offset = await createTrace(local, key, { started_at: '2026-01-02T05:00:00+05:00' });
    // A later instant, yet '.0000001Z' sorts before '.000Z' as text ('0' < 'Z').
    const frac = await createTrace(local, key, { started_at: '2026-01-02T00:00:00.0000001Z' });
    // Equal text: the larger id comes first, whatever the creation order.
    const twinA = await createTrace(local, key, { started_at: '2026-01-01T12:00:00.000Z' });
    const twinB = await createTrace(local, key, { started_at: '2026-01-01T12:00:00.000Z' });
    const twins = [twinA, twinB].sort().reverse();
    const { items } = await list();
    expect(ids(items)).toEqual([newest, offset, utc, frac, ...twins, old]);
  });

  it('filters by agent name', async () => {
    const a = await createTrace(local, key, { agent_id: 'alpha' });
    await createTrace(local, key, { agent_id: 'beta' });
    const res = await list('?agent_id=alpha');
    expect(ids(res.items)).toEqual([a]);
    expect(res.total).toBe('1');
    expect((await list('?agent_id=nobody')).items).toEqual([]);
  });

  it('maps status=ok to success and status=error to error+timeout; any other value, empty included, is a 400', async () => {
    const t = (status: string, n: number): Promise<string> => createTrace(local, key, { status, started_at: ISO(T0 + n) });
    await t('running', 1);
    const success = await t('success', 2);
    const error = await t('error', 3);
    const timeout = await t('timeout', 4);
    expect(ids((await list('?status=ok')).items)).toEqual([success]);
    expect(ids((await list('?status=error')).items)).toEqual([timeout, error]);
    for (const status of ['running', 'success', 'timeout', 'failed', 'OK', '']) {
      const bad = await list(`?status=${status}`);
      expect(bad.status, status).toBe(400);
      expect(bad.body).toEqual({ error: 'Invalid query parameters', fields: { status: 'Must be one of: ok, error' } });
    }
  });

  it('filters since/until inclusively, comparing the text of started_at', async () => {
    const a = await createTrace(local, key, { started_at: '2026-02-01T00:00:00.000Z' });
    const b = await createTrace(local, key, { started_at: '2026-02-02T00:00:00.000Z' });
    const c = await createTrace(local, key, { started_at: '2026-02-03T00:00:00.000Z' });
    const month13 = await createTrace(local, key, { started_at: '2026-13-45T99:99:99Z' }); // sorts after every 2026-02 text
    const q = (s: string): string => encodeURIComponent(s);
    // '…00.000Z' < '…00Z' as text: b is not "since" its own instant written without a fraction.
    expect(ids((await list(`?since=${q('2026-02-02T00:00:00Z')}`)).items)).toEqual([month13, c]);
    expect(ids((await list(`?until=${q('2026-02-02T00:00:00.000Z')}`)).items)).toEqual([b, a]);
    const both = await list(`?since=${q('2026-02-01T00:00:00.001Z')}&until=${q('2026-02-03T00:00:00Z')}`);
    expect(ids(both.items)).toEqual([c, b]);
    expect(both.total).toBe('2');
    // 2026-02-02T01:00+01:00 is b's instant, but not its text: nothing matches.
    expect((await list(`?since=${q('2026-02-02T01:00:00+01:00')}&until=${q('2026-02-02T01:00:00+01:00')}`)).items).toEqual([]);
    const bad = await list('?since=yesterday&until=2026-02-02');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: 'Invalid query parameters',
      fields: { since: 'Must be ISO 8601 format (e.g. 2026-04-05T12:00:00Z)', until: 'Must be ISO 8601 format (e.g. 2026-04-05T12:00:00Z)' },
    });
    expect((await list('?since=')).status).toBe(400); // given empty is still given
  });

  it('limits to 50 by default, reads limit with parseInt, accepts 1..200', async () => {
    for (let i = 0; i < 55; i++) await createTrace(local, key, { started_at: ISO(T0 + i * 1000) });
    const all = await list();
    expect(all.items).toHaveLength(50);
    expect(all.total).toBe('55');
    expect(all.items[0]?.started_at).toBe(ISO(T0 + 54_000));
    expect((await list('?limit=1')).items).toHaveLength(1);
    expect((await list('?limit=200')).items).toHaveLength(55);
    expect((await list('?limit=1.5')).items).toHaveLength(1);
    expect((await list('?limit=10x')).items).toHaveLength(10);
    for (const limit of ['0', '201', '-1', 'abc', 'x10', '']) {
      const res = await list(`?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body).toEqual({ error: 'Invalid query parameters', fields: { limit: 'Must be an integer between 1 and 200' } });
    }
  });

  it('pages with after=<trace id>; X-Total-Count counts what follows the cursor, whatever the limit', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await createTrace(local, key, { started_at: ISO(T0 + i * 1000) }));
    const newestFirst = [...created].reverse();
    const seen: string[] = [];
    const totals: (string | null)[] = [];
    let cursor = '';
    for (;;) {
      const page = await list(`?limit=3${cursor ? `&after=${cursor}` : ''}`);
      totals.push(page.total);
      if (page.items.length === 0) break;
      seen.push(...ids(page.items));
      cursor = page.items[page.items.length - 1]?.id ?? '';
    }
    expect(seen).toEqual(newestFirst);
    expect(totals).toEqual(['7', '4', '1', '0']);
  });

  it('uses the cursor position even when the cursor trace does not match the filters', async () => {
    const t1 = await createTrace(local, key, { status: 'success', started_at: ISO(T0 + 1) });
    const t2 = await createTrace(local, key, { status: 'error', started_at: ISO(T0 + 2) });
    const t3 = await createTrace(local, key, { status: 'success', started_at: ISO(T0 + 3) });
    expect(ids((await list(`?status=ok&after=${t2}`)).items)).toEqual([t1]);
    expect(ids((await list(`?status=ok&after=${t3}`)).items)).toEqual([t1]);
  });
});
