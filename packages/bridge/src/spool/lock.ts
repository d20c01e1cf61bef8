/**
 * The spool directory's lock: a file `lock` holding the owner's pid, created exclusively ('wx').
 * A lock whose pid is not a running process (`process.kill(pid, 0)` fails with ESRCH) is stale and
 * taken over. Within one process, a registry shared by every copy of this module refuses a second
 * open of the same directory; that registry also tells a lock left by an earlier process with our
 * own pid (a restarted container, where the bridge is pid 1 again) from a live one.
 *
 * Limits: a pid reused by an unrelated process after a crash makes the lock look live (delete the
 * file by hand); the takeover moves the stale file aside with rename before creating a new one, so
 * two processes taking over the same stale lock at once cannot both win.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { codeOf, describe } from './errors.js';

export interface DirLock {
  /** The directory, resolved (realpath). */
  readonly dir: string;
  release(): Promise<void>;
}

const REGISTRY = Symbol.for('@nexus-otel/bridge/spool-locks');
const ATTEMPTS = 5;
/** How long an empty or unreadable lock may stay so before it counts as stale (its writer died between create and write). */
const UNREADABLE_GRACE_MILLIS = 200;

function heldInThisProcess(): Set<string> {
  const slot = globalThis as { [REGISTRY]?: Set<string> };
  return (slot[REGISTRY] ??= new Set<string>());
}

/** Creates `dir` (0o700) when missing and locks it. Rejects with a message saying why when it cannot. */
export async function lockDirectory(directory: string): Promise<DirLock> {
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`spool: cannot create the directory ${directory}: ${describe(error)}`);
  }
  let dir: string;
  try {
    dir = await realpath(directory);
  } catch (error) {
    throw new Error(`spool: cannot resolve the directory ${directory}: ${describe(error)}`);
  }
  const held = heldInThisProcess();
  if (held.has(dir)) throw new Error(`spool: the directory ${dir} is already open in this process`);
  held.add(dir);
  try {
    await acquire(join(dir, 'lock'));
  } catch (error) {
    held.delete(dir);
    throw error;
  }
  const path = join(dir, 'lock');
  let released = false;
  return {
    dir,
    async release() {
      if (released) return;
      released = true;
      try {
        if ((await readFile(path, 'utf8')) === content()) await unlink(path);
      } catch {
        // Gone already, or unreadable: nothing to release.
      }
      held.delete(dir);
    },
  };
}

function content(): string {
  return `${process.pid}\n`;
}

async function acquire(path: string): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await create(path)) return;
    let existing = await readOrUndefined(path);
    if (existing === undefined) continue; // removed meanwhile: try again
    let pid = parsePid(existing);
    if (pid === undefined) {
      await sleep(UNREADABLE_GRACE_MILLIS);
      const again = await readOrUndefined(path);
      if (again === undefined) continue;
      if (again !== existing) {
        existing = again;
        pid = parsePid(again);
        if (pid === undefined) continue;
      }
    }
    if (pid !== undefined && isAlive(pid)) {
      throw new Error(
        `spool: the directory ${join(path, '..')} is in use by process ${pid} (lock file ${path}); only one process may use a spool directory`,
      );
    }
    await moveAsideIfUnchanged(path, existing);
  }
  throw new Error(`spool: could not take the lock ${path}: other processes keep taking it over`);
}

/** True when this call created the lock; false when it exists. */
async function create(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw new Error(`spool: cannot create the lock file ${path}: ${describe(error)}`);
  }
  try {
    await handle.writeFile(content());
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw new Error(`spool: cannot write the lock file ${path}: ${describe(error)}`);
  }
  await handle.close();
  return true;
}

/** Removes the stale lock, unless another process replaced it since it was read. */
async function moveAsideIfUnchanged(path: string, stale: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    throw new Error(`spool: cannot take over the stale lock file ${path}: ${describe(error)}`);
  }
  const moved = await readOrUndefined(aside);
  if (moved === stale) {
    await unlink(aside).catch(() => undefined);
    return;
  }
  // Another process took the lock over between our read and our rename: put its lock back.
  try {
    await rename(aside, path);
  } catch (error) {
    throw new Error(`spool: cannot restore the lock file ${path} another process holds: ${describe(error)}`);
  }
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw new Error(`spool: cannot read the lock file ${path}: ${describe(error)}`);
  }
}

function parsePid(text: string): number | undefined {
  const match = /^(\d{1,10})\n?$/.exec(text);
  const pid = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  // Our own pid here is an earlier incarnation's (this process's own locks are in the registry).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) !== 'ESRCH';
  }
}
