import type { RequestLogEntry } from '@nexus-otel/local';

/**
 * Round trips, measured from the server's request log: the longest chain of requests in which
 * each one started only after the previous one had been answered.
 */
export function roundTrips(requests: readonly RequestLogEntry[]): number {
  const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  const chain: number[] = [];
  let longest = 0;
  sorted.forEach((request, i) => {
    let best = 0;
    for (let j = 0; j < i; j += 1) {
      if (sorted[j]!.endedAt <= request.startedAt) best = Math.max(best, chain[j]!);
    }
    chain[i] = best + 1;
    longest = Math.max(longest, chain[i]!);
  });
  return longest;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
