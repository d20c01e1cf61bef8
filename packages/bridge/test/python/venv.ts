import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PythonPeers = { ok: true; python: string } | { ok: false; reason: string };

/** The pinned requirements of the Python peers; the venv is keyed by their hash. */
export const REQUIREMENTS_FILE = fileURLToPath(new URL('./requirements.txt', import.meta.url));
/** Written last into a finished venv (before it is renamed into place). */
const READY_MARKER = '.nexus-otel-ready';
/** A temp build older than this is taken as left behind by a killed process. */
const STALE_BUILD_MS = 60 * 60_000;
/** pip's own limit; a lock held longer than this (plus a minute) is taken as abandoned. */
const BUILD_TIMEOUT_MS = 15 * 60_000;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  error?: NodeJS.ErrnoException;
}

function run(command: string, args: string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs / 1000}s]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, error });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const tail = (text: string, lines = 15): string => text.trim().split('\n').slice(-lines).join('\n');

/** The interpreter that builds the venv: $NEXUS_OTEL_PYTHON, else python3 on the PATH. */
async function findBasePython(): Promise<{ ok: true; python: string } | { ok: false; reason: string }> {
  const python = process.env['NEXUS_OTEL_PYTHON'] || 'python3';
  const probe = await run(python, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], 30_000);
  if (probe.error) return { ok: false, reason: `needs python3 (${python}: ${probe.error.code ?? probe.error.message})` };
  if (probe.code !== 0) return { ok: false, reason: `${python} cannot make a venv (needs the venv and ensurepip modules): ${tail(probe.stderr, 3)}` };
  const [major = 0, minor = 0] = probe.stdout.trim().split('.').map(Number);
  if (major !== 3 || minor < 9) return { ok: false, reason: `needs Python >= 3.9 (${python} is ${probe.stdout.trim()})` };
  return { ok: true, python };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function venvPython(dir: string): string {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

/** A finished venv whose interpreter still starts (its base Python may have gone since). */
async function usable(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, READY_MARKER))) return false;
  const probe = await run(venvPython(dir), ['-c', 'import azure.ai.agents, openai, opentelemetry.sdk'], 60_000);
  return probe.code === 0;
}

/** Removes temp builds that a killed process left behind (never a live one: they are young). */
async function sweepStaleBuilds(cacheRoot: string): Promise<void> {
  const entries = await readdir(cacheRoot).catch(() => [] as string[]);
  for (const name of entries) {
    if (!name.startsWith('.build-python-peers-') && !name.startsWith('.old-python-peers-')) continue;
    const path = join(cacheRoot, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_BUILD_MS) await rm(path, { recursive: true, force: true });
  }
}

/**
 * A venv with the Python peers' pinned packages (requirements.txt), in
 * `$HOME/.cache/nexus-otel/python-peers-<first 12 hex of sha256(requirements.txt)>`, made on first
 * use (`python3 -m venv`, `pip install -r`: about 30 to 50 s, 130 MB) and reused after. The venv is
 * built in a temp directory beside it and renamed into place only when complete, so a killed build
 * leaves nothing half-made behind. Concurrent callers (vitest workers, two checkouts) are safe: a
 * lock directory lets one build while the others wait for it; should a lock be taken as stale, the
 * first rename wins and the others drop theirs. (A venv's console scripts keep the temp path in
 * their shebang; only `<venv>/bin/python` is used, which does not care.)
 * Resolves `{ ok: false, reason }` when there is no usable python3 or pip cannot install (no PyPI).
 */
export async function ensurePythonPeers(): Promise<PythonPeers> {
  const requirements = await readFile(REQUIREMENTS_FILE);
  const hash = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const cacheRoot = join(process.env['HOME'] || homedir(), '.cache', 'nexus-otel');
  const target = join(cacheRoot, `python-peers-${hash}`);
  if (await usable(target)) return { ok: true, python: venvPython(target) };

  const base = await findBasePython();
  if (!base.ok) return base;
  try {
    return await buildOnce(base.python, requirements, hash, cacheRoot, target);
  } catch (error) {
    return { ok: false, reason: `could not make the Python peers' venv in ${cacheRoot}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Builds the venv unless another caller is at it (then waits for theirs). */
async function buildOnce(python: string, requirements: Buffer, hash: string, cacheRoot: string, target: string): Promise<PythonPeers> {
  await mkdir(cacheRoot, { recursive: true });
  const lock = join(cacheRoot, `.lock-python-peers-${hash}`);
  const deadline = Date.now() + BUILD_TIMEOUT_MS + 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Another caller is building: wait for its venv, or take over a lock it left behind (its
    // process is gone, or it has held the lock for longer than a build may take).
    if (await usable(target)) return { ok: true, python: venvPython(target) };
    const info = await stat(lock).catch(() => undefined);
    const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
    const abandoned = (holder > 0 && !isAlive(holder)) || (info !== undefined && Date.now() - info.mtimeMs > BUILD_TIMEOUT_MS + 60_000);
    if (abandoned) await rm(lock, { recursive: true, force: true });
    if (Date.now() > deadline) return { ok: false, reason: `timed out waiting for another process to build ${target} (lock ${lock})` };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  try {
    if (await usable(target)) return { ok: true, python: venvPython(target) };
    return await build(python, requirements, hash, cacheRoot, target);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}


async function build(python: string, requirements: Buffer, hash: string, cacheRoot: string, target: string): Promise<PythonPeers> {
  await sweepStaleBuilds(cacheRoot);
  const dir = join(cacheRoot, `.build-python-peers-${hash}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const venv = await run(python, ['-m', 'venv', dir], 120_000);
    if (venv.code !== 0) return { ok: false, reason: `python3 -m venv failed: ${tail(venv.stderr || venv.stdout)}` };
    const pip = await run(
      venvPython(dir),
      ['-m', 'pip', 'install', '--quiet', '--no-input', '--retries', '2', '--timeout', '60', '-r', REQUIREMENTS_FILE],
      BUILD_TIMEOUT_MS,
    );
    if (pip.code !== 0) {
      const offline = /NewConnectionError|Failed to establish|Temporary failure in name resolution|No matching distribution|Could not find a version/i.test(pip.stderr);
      return { ok: false, reason: `${offline ? 'needs PyPI: ' : ''}pip install -r ${REQUIREMENTS_FILE} failed: ${tail(pip.stderr || pip.stdout)}` };
    }
    await writeFile(join(dir, READY_MARKER), `${requirements.length} bytes of requirements, sha256 ${hash}\n`);

    // A broken venv there (its base Python gone, say) is moved aside first.
    if (existsSync(target) && !(await usable(target))) {
      await rename(target, join(cacheRoot, `.old-python-peers-${hash}-${process.pid}-${randomBytes(4).toString('hex')}`)).catch(() => undefined);
    }
    try {
      await rename(dir, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Someone else's rename won (ENOTEMPTY/EEXIST): use theirs.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') && (await usable(target))) return { ok: true, python: venvPython(target) };
      throw error;
    }
    return { ok: true, python: venvPython(target) };
  } catch (error) {
    return { ok: false, reason: `could not make the Python peers' venv: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `npx tsx venv.ts`: make (or find) the venv and print its interpreter.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  void ensurePythonPeers().then((peers) => {
    if (peers.ok) console.log(`${peers.python} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    else {
      console.error(peers.reason);
      process.exitCode = 1;
    }
  });
}
