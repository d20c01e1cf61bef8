import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/spool/index.js';
import { entryFor, tempSpoolDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const opened: Spool[] = [];
const children: Array<ReturnType<typeof spawn>> = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempSpoolDir());
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(opened.splice(0).map((spool) => spool.close()));
  await cleanup();
});

async function openSpool(): Promise<Spool> {
  const { spool } = await Spool.open({ dir, maxBytes: 1024 * 1024 });
  opened.push(spool);
  return spool;
}

/** Starts a Node child running `code`; resolves once it runs. */
async function startChild(code: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await once(child, 'spawn');
  return child;
}

async function writeLock(content: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'lock'), content, { mode: 0o600 });
}

describe('the spool directory lock', () => {
  it('holds our pid, refuses a second open in the same process, and is released by close', async () => {
    const spool = await openSpool();
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    await expect(Spool.open({ dir, maxBytes: 1024 })).rejects.toThrow(/already open in this process/);
    await expect(Spool.open({ dir: join(dir, '.', '..', 'spool'), maxBytes: 1024 })).rejects.toThrow(/already open/);
    expect((await spool.append(entryFor(1))).ok).toBe(true);
    await spool.close();
    expect(await readdir(dir)).not.toContain('lock');
    const again = await openSpool();
    expect((await again.append(entryFor(2))).ok).toBe(true);
  });

  it('refuses a directory locked by a live process', async () => {
    const child = await startChild('setTimeout(() => {}, 60_000)');
    await writeLock(`${child.pid}\n`);
    await expect(Spool.open({ dir, maxBytes: 1024 })).rejects.toThrow(new RegExp(`in use by process ${child.pid}\\b`));
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(`${child.pid}\n`);
  });

  it('takes over the lock of a process that exited', async () => {
    const child = await startChild('');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await writeLock(`${child.pid}\n`);
    const spool = await openSpool();
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    expect((await stat(join(dir, 'lock'))).mode & 0o777).toBe(0o600);
    expect((await spool.append(entryFor(1))).ok).toBe(true);
    expect((await readdir(dir)).filter((name) => name.startsWith('lock'))).toEqual(['lock']);
  });

  it('takes over a lock with our own pid that this process does not hold (a restarted container)', async () => {
    await writeLock(`${process.pid}\n`);
    await openSpool();
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('takes over an empty lock (its writer died between creating and writing it)', async () => {
    await writeLock('');
    await openSpool();
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('rejects with the reason when the directory cannot be created', async () => {
    await writeFile(join(dir, '..', 'file'), 'x');
    await expect(Spool.open({ dir: join(dir, '..', 'file', 'spool'), maxBytes: 1024 })).rejects.toThrow(/cannot create the directory/);
  });
});
