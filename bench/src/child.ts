import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AppOptions, AppReport, AppSample } from './app.js';

const APP = fileURLToPath(new URL('./app.js', import.meta.url));

export interface RunningApp {
  child: ChildProcess;
  samples: AppSample[];
  /** Resolves with the app's report (after its window, or after `stop()`). */
  report: Promise<AppReport>;
  stop(): void;
  /** The app stops emitting spans and goes on exporting. */
  pause(): void;
  kill(): void;
}

/** Starts the stand-in app in its own process. */
export function startApp(options: AppOptions, execArgv: string[] = []): RunningApp {
  const child = fork(APP, [JSON.stringify(options)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const samples: AppSample[] = [];
  const report = new Promise<AppReport>((resolve, reject) => {
    child.on('message', (message: AppSample | AppReport) => {
      if (message.type === 'sample') samples.push(message);
      else resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before reporting`)));
    child.once('error', reject);
  });
  // Never outlive the benchmark, whatever happens to it.
  const timer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
  return {
    child,
    samples,
    report,
    stop: () => {
      if (child.connected) child.send({ type: 'stop' });
    },
    pause: () => {
      if (child.connected) child.send({ type: 'pause' });
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Waits for the app's report, then gives it a moment to exit on its own before killing it. */
export async function finish(app: RunningApp, graceMillis = 5_000): Promise<AppReport> {
  try {
    return await app.report;
  } finally {
    await new Promise<void>((resolve) => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        app.kill();
        resolve();
      }, graceMillis);
      app.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
