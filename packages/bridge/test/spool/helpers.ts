import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpoolEntry } from '../../src/spool/index.js';

/** A fresh temporary directory; `cleanup` removes it. The spool directory is a child that does not exist yet. */
export async function tempSpoolDir(): Promise<{ root: string; dir: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'nexus-spool-'));
  return { root, dir: join(root, 'spool'), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A deterministic body of `size` bytes (at least 4) that says which `n` it is for. */
export function bodyFor(n: number, size: number): Uint8Array {
  const body = new Uint8Array(Math.max(4, size));
  new DataView(body.buffer).setUint32(0, n, true);
  for (let i = 4; i < body.length; i++) body[i] = (n * 31 + i * 7) & 0xff;
  return body;
}

/** The `n` a body made by `bodyFor` is for. */
export function nOfBody(body: Uint8Array): number {
  return new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0, true);
}

export function entryFor(n: number, size = 1000, extra: Partial<SpoolEntry> = {}): SpoolEntry {
  return { signal: 'traces', encoding: 'protobuf', body: bodyFor(n, size), ...extra };
}

/** The segment files of a spool directory, oldest first (absolute paths). */
export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((name) => name.endsWith('.seg'))
    .sort()
    .map((name) => join(dir, name));
}
