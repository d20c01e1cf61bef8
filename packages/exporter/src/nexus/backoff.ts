const MAX_BACKOFF_MILLIS = 8_000;

/** Exponential backoff with full jitter: a random wait in [0, base·2^(attempt-1)], capped. */
export function backoffMillis(attempt: number, baseMillis: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MILLIS, baseMillis * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** A wait that never keeps the process alive. */
export function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, millis)).unref());
}
