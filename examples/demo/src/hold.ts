import type { DemoOptions } from './options.js';

/**
 * Why the demo stops right after printing the trace view URL, or undefined when it keeps serving it
 * until Ctrl+C / SIGTERM (piped or logged output included: the URL must still open). It stops on
 * `--exit` (tests) and under CI (`CI` set to anything but false/0), where no one can open it.
 */
export function exitReason(options: Pick<DemoOptions, 'exit'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (options.exit) return '--exit';
  const ci = env['CI'] ?? '';
  if (ci !== '' && ci.toLowerCase() !== 'false' && ci !== '0') return `CI=${ci}`;
  return undefined;
}

/** How to keep serving, for the line that says the demo is exiting. */
export function howToKeepServing(reason: string): string {
  return reason === '--exit' ? 'run it without --exit to keep it' : 'run it with CI unset (or CI=0) to keep it';
}

/** Resolves on Ctrl+C (SIGINT) or SIGTERM. */
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
