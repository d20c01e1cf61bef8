import { spawn } from 'node:child_process';

/** What a run of the app showed its user. */
export interface AppRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The register entry's own lines on stderr (`[nexus-otel] …`). */
  lines: string[];
}

export interface RunOptions {
  cwd: string;
  /** The whole environment of the app besides PATH: nothing leaks in from the test's own. */
  env: Record<string, string>;
  /** Called with each stdout chunk and the process, e.g. to signal it once it printed something. */
  onStdout?: (text: string, signal: (name: NodeJS.Signals) => void) => void;
  timeoutMs?: number;
}

/** Runs `node <args>` as a user would from a shell, and waits for it to end. */
export function runApp(args: readonly string[], options: RunOptions): Promise<AppRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, (name) => child.kill(name));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stderr.split('\n').filter((line) => line.startsWith('[nexus-otel]'));
      resolve({ code, signal, stdout, stderr, lines });
    });
  });
}
