// Builds the OpenTelemetry Collector in this folder (go.mod, main.go, components.go) from the Go module
// proxy and caches the binary under ~/.cache/nexus-otel/otelcol-<hash>/otelcol, <hash> being the first
// 12 hex digits of the sha256 of go.mod, go.sum and the *.go files, so that a second call is instant and
// a change to any of them builds anew. Concurrent callers (vitest workers) take a lock file so only one
// of them builds; the binary is written to a temporary name and renamed into place, so no caller ever
// sees a partial file.
//
//   npx tsx packages/bridge/test/collector/build.ts   # builds (or finds) it and prints the result
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type BuildResult = { ok: true; binary: string; seconds: number } | { ok: false; reason: string };

export interface BuildOptions {
  /** Give up on `go build` after this long (default 20 minutes: a cold build takes about 4 on 2 cores). */
  timeoutMs?: number;
  /** Receives progress lines ("building…", go's own output); default: none. */
  log?: (line: string) => void;
}

/** The folder holding go.mod, go.sum, main.go and components.go. */
export const collectorSourceDir: string = path.dirname(fileURLToPath(import.meta.url));

const SOURCE_FILES = /^(go\.mod|go\.sum|.*\.go)$/;
const LOCK_STALE_MS = 30 * 60_000;

export async function buildCollector(options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  const log = options.log ?? ((): void => {});
  const env = goEnv();

  const hash = await sourceHash();
  const dir = path.join(cacheRoot(), `otelcol-${hash}`);
  const binary = path.join(dir, 'otelcol');
  if (await isExecutable(binary)) return { ok: true, binary, seconds: seconds() };

  const goVersion = await run('go', ['version'], { cwd: collectorSourceDir, env, timeoutMs: 60_000 });
  if (goVersion.spawnError) {
    return { ok: false, reason: goVersion.spawnError.code === 'ENOENT'
      ? 'go is not installed (no `go` on PATH); the OpenTelemetry Collector tests need Go >= 1.26 to build the Collector'
      : `cannot run go: ${goVersion.spawnError.message}` };
  }
  if (goVersion.code !== 0) return { ok: false, reason: `\`go version\` failed: ${tail(goVersion.output)}` };

  await fs.mkdir(dir, { recursive: true });
  const lock = path.join(dir, 'build.lock');
  const deadline = started + (options.timeoutMs ?? 20 * 60_000);
  // Take the lock, or wait for whoever holds it to finish (their binary appears) or to die.
  for (;;) {
    if (await takeLock(lock)) break;
    if (await isExecutable(binary)) return { ok: true, binary, seconds: seconds() };
    if (Date.now() > deadline) return { ok: false, reason: `timed out waiting for another process building ${binary} (lock ${lock})` };
    await sleep(500);
  }
  try {
    if (await isExecutable(binary)) return { ok: true, binary, seconds: seconds() };
    log(`building the OpenTelemetry Collector (${goVersion.output.trim()}) into ${binary}; a first build downloads ~135 MB of Go modules and takes minutes`);
    const tmp = path.join(dir, `otelcol.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const built = await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', tmp, '.'], {
      cwd: collectorSourceDir, env, timeoutMs: Math.max(deadline - Date.now(), 1_000), onLine: log,
    });
    if (built.spawnError || built.code !== 0) {
      await fs.rm(tmp, { force: true });
      const why = built.timedOut ? `timed out after ${seconds()} s` : built.spawnError ? built.spawnError.message : `exit code ${built.code}`;
      return { ok: false, reason: `go build of the OpenTelemetry Collector failed (${why}): ${tail(built.output)}` };
    }
    await fs.rename(tmp, binary);
    return { ok: true, binary, seconds: seconds() };
  } finally {
    await fs.rm(lock, { force: true });
  }
}

/** The environment for `go`: the caller's, plus -mod=mod and defaults for what would otherwise be unset. */
function goEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const flags = (env.GOFLAGS ?? '').split(/\s+/).filter((f) => f !== '' && !f.startsWith('-mod='));
  env.GOFLAGS = [...flags, '-mod=mod'].join(' ');
  const home = env.HOME || os.homedir();
  // Go's own defaults, spelled out so a stripped environment (no HOME) still builds; never the user's override.
  if (!env.GOPATH && !env.GOMODCACHE) env.GOPATH = path.join(home, 'go');
  if (!env.GOCACHE && !env.XDG_CACHE_HOME) env.GOCACHE = path.join(home, '.cache', 'go-build');
  return env;
}

function cacheRoot(): string {
  return path.join(process.env.HOME || os.homedir(), '.cache', 'nexus-otel');
}

/** First 12 hex digits of sha256 over go.mod, go.sum and *.go (each as name, NUL, length, NUL, content). */
export async function sourceHash(): Promise<string> {
  const names = (await fs.readdir(collectorSourceDir)).filter((n) => SOURCE_FILES.test(n)).sort();
  const hash = createHash('sha256');
  for (const name of names) {
    const content = await fs.readFile(path.join(collectorSourceDir, name));
    hash.update(`${name}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex').slice(0, 12);
}

async function takeLock(lock: string): Promise<boolean> {
  try {
    await fs.writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Held: break it if its owner is gone (killed mid-build) or it is older than any real build.
  try {
    const [text, stat] = await Promise.all([fs.readFile(lock, 'utf8'), fs.stat(lock)]);
    const pid = Number.parseInt(text, 10);
    if (!isAlive(pid) || Date.now() - stat.mtimeMs > LOCK_STALE_MS) await fs.rm(lock, { force: true });
  } catch {
    // It went away meanwhile, or is being written: try again next round.
  }
  return false;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface RunResult { code: number | null; output: string; spawnError?: NodeJS.ErrnoException; timedOut: boolean }

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; onLine?: (line: string) => void }): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    // Its own process group, so a timeout ends go's compiler and linker children too.
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-64_000);
      if (opts.onLine) for (const line of text.split('\n')) if (line.trim() !== '') opts.onLine(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid === undefined) return;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, opts.timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => { clearTimeout(timer); resolve({ code: null, output, spawnError: err, timedOut }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output, timedOut }); });
  });
}

function tail(text: string, lines = 30): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildCollector({ log: (line) => console.error(line) });
  console.log(JSON.stringify(result));
  process.exitCode = result.ok ? 0 : 1;
}
