/**
 * Whether the demo keeps the local Nexus up for the browser: only for a person at a terminal. Piped
 * output, CI (`CI` set to anything but false/0) and tests get the run and the URL, and an exit.
 */
export function shouldKeepServing(env: NodeJS.ProcessEnv = process.env, stdoutIsTty = process.stdout.isTTY === true): boolean {
  const ci = (env['CI'] ?? '').toLowerCase();
  return stdoutIsTty && (ci === '' || ci === 'false' || ci === '0');
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
