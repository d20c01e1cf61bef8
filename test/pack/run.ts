import { spawn, type ChildProcess } from 'node:child_process';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user's shell: none of the `npm_*` variables `npm test` sets (an inherited
 * `npm_config_local_prefix` would make `npm install` in a fresh directory install into this
 * repository), and no OpenTelemetry or Nexus settings of the test run. Where npm finds the
 * registry and its cache is kept.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = /^npm_config_(registry|cache|userconfig|globalconfig|cafile|proxy|https_proxy|noproxy|strict_ssl)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) && !keep.test(name)) continue;
    if (/^(OTEL_|NEXUS_|VITEST|INIT_CWD$|NODE_OPTIONS$|NODE_ENV$)/.test(name)) continue;
    env[name] = value;
  }
  // No audit or funding requests, no update check: quieter and faster, same install.
  Object.assign(env, { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });
  return { ...env, ...extra };
}

/** Runs `command` with sh (so globs expand as in a terminal); never rejects. */
export function sh(command: string, options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    // Its own process group, so that a timeout ends npm and everything it started.
    const child = spawn('sh', ['-c', command], { cwd: options.cwd, env: userEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[test] timed out after ${options.timeoutMs} ms`;
      killGroup(child);
    }, options.timeoutMs ?? 90_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `sh()` that throws with the output when the command fails. */
export async function shOk(command: string, options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  const run = await sh(command, options);
  if (run.code !== 0) throw new Error(`\`${command}\` in ${options.cwd} exited ${run.code}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
  return run;
}

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

export interface Started {
  child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
}

/** Starts a long-running command and waits until its output matches `ready`. */
export function start(command: string, options: { cwd: string; ready: RegExp; timeoutMs?: number }): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd: options.cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const started: Started = { child, output: () => output };
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`\`${command}\` printed nothing matching ${options.ready} in ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (options.ready.test(output)) {
        clearTimeout(timer);
        resolve(started);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`\`${command}\` exited ${code} before it was ready:\n${output}`));
    });
  });
}
