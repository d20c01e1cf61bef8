import { open as openFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Spool, type AppendResult, type SpoolEntry, type SpoolOptions } from '../../src/spool/index.js';
import { entryFor, segmentFiles, tempSpoolDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const opened: Spool[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempSpoolDir());
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((spool) => spool.close()));
  await cleanup();
});

async function openSpool(options: Partial<SpoolOptions> = {}) {
  const result = await Spool.open({ dir, maxBytes: 64 * 1024 * 1024, ...options });
  opened.push(result.spool);
  return result;
}

function idOf(result: AppendResult): number {
  if (!result.ok) throw new Error(`append failed: ${result.reason}: ${result.message}`);
  return result.id;
}

/** The prototype of `FileHandle` (not exported by node:fs/promises), to spy on its methods. */
async function fileHandlePrototype(): Promise<{ datasync(): Promise<void> }> {
  const handle = await openFile(join(dir, '..', 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as { datasync(): Promise<void> };
}

describe('Spool', () => {
  it('replays only the unconfirmed records, in write order, byte for byte', async () => {
    const { spool, replay } = await openSpool();
    expect(replay).toEqual([]);
    const entries: SpoolEntry[] = [
      entryFor(1, 10),
      entryFor(2, 5000, { signal: 'logs', encoding: 'json', apiKey: 'key-é' }),
      entryFor(3, 1, { apiKey: '' }),
      entryFor(4, 70_000, { signal: 'logs' }),
      entryFor(5, 20_000, { encoding: 'json', apiKey: 'other' }),
    ];
    const ids = (await Promise.all(entries.map((entry) => spool.append(entry)))).map(idOf);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    spool.confirm(2);
    spool.confirm(4);
    spool.confirm(4);
    spool.confirm(99);
    expect(spool.stats()).toMatchObject({ pending: 3, confirmed: 2, full: 0, tornTails: 0 });
    await spool.close();

    const again = await openSpool();
    expect(again.replay.map((entry) => entry.id)).toEqual([1, 3, 5]);
    expect(again.replay).toEqual([
      { id: 1, ...entries[0] },
      { id: 3, ...entries[2] },
      { id: 5, ...entries[4] },
    ]);
    expect('apiKey' in again.replay[0]!).toBe(false);
    expect(again.replay[1]!.apiKey).toBe('');
    expect(again.spool.stats()).toMatchObject({ pending: 3, confirmed: 0, tornTails: 0 });
  });

  it('creates the directory 0o700 and its files 0o600', async () => {
    const { spool } = await openSpool();
    idOf(await spool.append(entryFor(1, 100, { apiKey: 'secret' })));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'lock'))).mode & 0o777).toBe(0o600);
    for (const file of await segmentFiles(dir)) expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('resolves concurrent appends after one shared fsync', async () => {
    const prototype = await fileHandlePrototype();
    const { spool } = await openSpool({ fsyncDelayMillis: 20 });
    const datasync = vi.spyOn(prototype, 'datasync');
    const results = await Promise.all(Array.from({ length: 50 }, (_, n) => spool.append(entryFor(n, 200))));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(datasync).toHaveBeenCalledTimes(1);
  });

  it('fails every append that shares a failed fsync with io, and goes on in a new segment', async () => {
    const prototype = await fileHandlePrototype();
    const { spool } = await openSpool({ fsyncDelayMillis: 10 });
    const first = idOf(await spool.append(entryFor(1)));
    vi.spyOn(prototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    const failed = await Promise.all([spool.append(entryFor(2)), spool.append(entryFor(3)), spool.append(entryFor(4))]);
    for (const result of failed) expect(result).toMatchObject({ ok: false, reason: 'io', message: expect.stringContaining('EIO') });
    const after = idOf(await spool.append(entryFor(5)));
    expect(spool.stats()).toMatchObject({ pending: 2, segments: 2 });
    await spool.close();

    const again = await openSpool();
    expect(again.replay.map((entry) => entry.id)).toEqual([first, after]);
    expect(again.spool.stats().tornTails).toBe(0);
  });

  describe('a damaged tail of the last segment', () => {
    async function writeThree(): Promise<{ file: string; sizeAfterTwo: number; size: number }> {
      const { spool } = await openSpool();
      idOf(await spool.append(entryFor(1)));
      idOf(await spool.append(entryFor(2)));
      const [file] = await segmentFiles(dir);
      const sizeAfterTwo = (await stat(file!)).size;
      idOf(await spool.append(entryFor(3)));
      await spool.close();
      expect(await segmentFiles(dir)).toEqual([file]);
      return { file: file!, sizeAfterTwo, size: (await stat(file!)).size };
    }

    async function expectCut(file: string, sizeAfterTwo: number): Promise<void> {
      const { spool, replay } = await openSpool();
      expect(replay).toEqual([
        { id: 1, ...entryFor(1) },
        { id: 2, ...entryFor(2) },
      ]);
      expect(spool.stats().tornTails).toBe(1);
      expect((await stat(file)).size).toBe(sizeAfterTwo);
      // Ids resume after the highest one on disk: the cut record's id is handed out again.
      expect(idOf(await spool.append(entryFor(4)))).toBe(3);
      await spool.close();
      opened.pop();

      const again = await openSpool();
      expect(again.replay).toEqual([
        { id: 1, ...entryFor(1) },
        { id: 2, ...entryFor(2) },
        { id: 3, ...entryFor(4) },
      ]);
      expect(again.spool.stats().tornTails).toBe(0);
    }

    it('is cut when the file ends mid-frame', async () => {
      const { file, sizeAfterTwo, size } = await writeThree();
      await truncate(file, size - 300);
      await expectCut(file, sizeAfterTwo);
    });

    it('is cut when a byte of the last record body is flipped', async () => {
      const { file, sizeAfterTwo, size } = await writeThree();
      const bytes = await readFile(file);
      bytes[size - 10]! ^= 0x40;
      await writeFile(file, bytes);
      await expectCut(file, sizeAfterTwo);
    });

    it('is cut when the file ends in zeros', async () => {
      const { file, sizeAfterTwo } = await writeThree();
      await truncate(file, sizeAfterTwo);
      await writeFile(file, new Uint8Array(4096), { flag: 'a' });
      await expectCut(file, sizeAfterTwo);
    });
  });

  it('deletes segments whose records are all confirmed, never the current one', async () => {
    const { spool } = await openSpool({ segmentBytes: 4096 });
    const ids = (await Promise.all(Array.from({ length: 20 }, (_, n) => spool.append(entryFor(n, 1000))))).map(idOf);
    const segments = spool.stats().segments;
    expect(segments).toBeGreaterThanOrEqual(6);
    expect(await segmentFiles(dir)).toHaveLength(segments);
    for (const id of ids.slice(0, 10)) spool.confirm(id);
    await vi.waitFor(() => expect(spool.stats().segments).toBeLessThan(segments));
    const middle = spool.stats();
    expect(middle.pending).toBe(10);
    expect(await segmentFiles(dir)).toHaveLength(middle.segments);
    for (const id of ids.slice(10)) spool.confirm(id);
    await vi.waitFor(() => expect(spool.stats().segments).toBe(1));
    expect(await segmentFiles(dir)).toHaveLength(1);
    expect(spool.stats()).toMatchObject({ pending: 0, confirmed: 20 });
    await spool.close();

    const again = await openSpool({ segmentBytes: 4096 });
    expect(again.replay).toEqual([]);
    expect(idOf(await again.spool.append(entryFor(99)))).toBe(21);
    // The last segment held only confirmed records: it is gone now, the new one stays.
    expect(await segmentFiles(dir)).toHaveLength(1);
  });

  it('keeps a confirmation of a record in an older segment across restarts, also when the segment holding it is deleted', async () => {
    const { spool } = await openSpool({ segmentBytes: 4096 });
    // Records 1-3 fill the first segment; 1 stays unconfirmed and pins it.
    const first = (await Promise.all([1, 2, 3].map((n) => spool.append(entryFor(n, 1000))))).map(idOf);
    const more = (await Promise.all([4, 5, 6, 7, 8, 9].map((n) => spool.append(entryFor(n, 1000))))).map(idOf);
    spool.confirm(first[1]!);
    spool.confirm(first[2]!);
    for (const id of more) spool.confirm(id);
    // The confirmations of 2 and 3 are in the current segment; fill it and move on so it can go.
    const later = [];
    for (let n = 10; n < 20; n++) later.push(idOf(await spool.append(entryFor(n, 1000))));
    for (const id of later) spool.confirm(id);
    await vi.waitFor(() => expect(spool.stats().segments).toBe(2));
    await spool.close();

    const again = await openSpool({ segmentBytes: 4096 });
    expect(again.replay.map((entry) => entry.id)).toEqual([first[0]]);
    expect(again.spool.stats().pending).toBe(1);
    await again.spool.close();
    opened.pop();
    // And once more, after that open moved things around again.
    const third = await openSpool({ segmentBytes: 4096 });
    expect(third.replay.map((entry) => entry.id)).toEqual([first[0]]);
  });

  it('answers full past maxBytes, and appends again once confirmed segments are deleted', async () => {
    const { spool } = await openSpool({ maxBytes: 10_000, segmentBytes: 3000 });
    const ids: number[] = [];
    let result: AppendResult;
    for (;;) {
      result = await spool.append(entryFor(ids.length, 1000));
      if (!result.ok) break;
      ids.push(result.id);
    }
    expect(result).toMatchObject({ ok: false, reason: 'full', message: expect.stringContaining('full') });
    expect(ids.length).toBeGreaterThanOrEqual(7);
    expect(spool.stats().bytes).toBeLessThanOrEqual(10_000);
    expect(await spool.append(entryFor(0, 1000))).toMatchObject({ reason: 'full' });
    expect(spool.stats().full).toBe(2);
    for (const id of ids.slice(0, 4)) spool.confirm(id);
    await vi.waitFor(async () => expect(idOf(await spool.append(entryFor(100, 1000)))).toBeGreaterThan(ids.at(-1)!));
    expect(spool.stats().bytes).toBeLessThanOrEqual(10_000);
  });

  it('frees space when the only confirmed records are in the current segment', async () => {
    const { spool } = await openSpool({ maxBytes: 5000, segmentBytes: 1024 * 1024 });
    const ids: number[] = [];
    for (;;) {
      const result = await spool.append(entryFor(ids.length, 1000));
      if (!result.ok) break;
      ids.push(result.id);
    }
    expect(spool.stats().segments).toBe(1);
    for (const id of ids) spool.confirm(id);
    await vi.waitFor(async () => idOf(await spool.append(entryFor(100, 1000))), { timeout: 5000, interval: 20 });
    expect(spool.stats().segments).toBe(1);
  });

  it('answers full for an entry bigger than maxBytes', async () => {
    const { spool } = await openSpool({ maxBytes: 4096 });
    expect(await spool.append(entryFor(1, 5000))).toMatchObject({ ok: false, reason: 'full' });
    expect(idOf(await spool.append(entryFor(2, 100)))).toBe(1);
  });

  it('continues ids after a reopen, also when every record was confirmed and deleted', async () => {
    const { spool } = await openSpool();
    const ids = (await Promise.all([1, 2, 3].map((n) => spool.append(entryFor(n))))).map(idOf);
    expect(ids).toEqual([1, 2, 3]);
    for (const id of ids) spool.confirm(id);
    await spool.close();
    const second = await openSpool();
    expect(second.replay).toEqual([]);
    const four = idOf(await second.spool.append(entryFor(4)));
    expect(four).toBe(4);
    second.spool.confirm(four);
    await second.spool.close();
    const third = await openSpool();
    expect(await segmentFiles(dir)).toHaveLength(1);
    expect(idOf(await third.spool.append(entryFor(5)))).toBe(5);
  });

  it('commits appends queued before close, answers closed after it, and flushes confirmations', async () => {
    const { spool } = await openSpool({ fsyncDelayMillis: 50 });
    const one = idOf(await spool.append(entryFor(1)));
    const queued = spool.append(entryFor(2));
    spool.confirm(one);
    const closing = spool.close();
    expect(await spool.append(entryFor(3))).toMatchObject({ ok: false, reason: 'closed' });
    await closing;
    await spool.close();
    expect(await queued).toEqual({ ok: true, id: 2 });
    expect(await spool.append(entryFor(4))).toMatchObject({ ok: false, reason: 'closed' });

    const again = await openSpool();
    expect(again.replay.map((entry) => entry.id)).toEqual([2]);
  });

  it('appends 1,000 records of 20 KB from concurrent callers well under 2 s', async () => {
    const { spool } = await openSpool({ maxBytes: 256 * 1024 * 1024, fsyncDelayMillis: 5 });
    const entries = Array.from({ length: 1000 }, (_, n) => entryFor(n, 20 * 1024));
    const started = performance.now();
    const results = await Promise.all(entries.map((entry) => spool.append(entry)));
    const allAtOnce = performance.now() - started;
    expect(results.every((result) => result.ok)).toBe(true);

    // 50 callers, each waiting for its previous append (like concurrent HTTP requests).
    const next = entries.values();
    const workersStarted = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let entry = next.next(); !entry.done; entry = next.next()) idOf(await spool.append(entry.value));
      }),
    );
    const fiftyCallers = performance.now() - workersStarted;
    expect(allAtOnce).toBeLessThan(2000);
    expect(fiftyCallers).toBeLessThan(2000);
  });

  it('rejects invalid options', async () => {
    await expect(Spool.open({ dir, maxBytes: 0 })).rejects.toThrow(/maxBytes/);
    await expect(Spool.open({ dir, maxBytes: 100, segmentBytes: -1 })).rejects.toThrow(/segmentBytes/);
  });
});
