import type { NodeSdkLike } from './sdk.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Flushes and shuts the SDK down when the app ends, without keeping it alive: on `beforeExit`
 * (the event loop ran dry; the flush's requests keep it going until done), and on SIGTERM/SIGINT.
 * On a signal the app does not handle itself, the signal is raised again once the flush is done, so
 * the process ends as it would have (same signal, same exit status); a second Ctrl-C ends it at once.
 * An app that handles the signal keeps control of when it exits. `process.exit()` cannot be waited
 * for: spans still held then are lost.
 */
export function flushOnExit(sdk: NodeSdkLike, say: (line: string) => void): () => Promise<void> {
  let done: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (done ??= sdk.shutdown().catch((error: unknown) => {
      say(`shutdown failed: ${String(error).slice(0, 200)}`);
    }));

  process.once('beforeExit', () => void shutdown());
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      process.removeListener(signal, onSignal);
      void shutdown().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
  return shutdown;
}
