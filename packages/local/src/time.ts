// Timestamp arithmetic: instants for filters and list ordering, duration_ms, the UTC month window.
import { ISO_TIMESTAMP } from './validate.js';

/** An instant exact to any number of fraction digits (Date keeps only milliseconds). */
interface Instant {
  wholeSecondsMs: number;
  fraction: string; // fraction-of-second digits, trailing zeros stripped
}

/**
 * null when the text passes the regex but names no real time (e.g. month 13): such traces never
 * match since/until and sort as oldest (assumption: the doc only says the regex accepts them).
 */
export function parseInstant(value: string): Instant | null {
  const match = ISO_TIMESTAMP.exec(value);
  if (!match) return null;
  const fraction = match[1] ?? '';
  const zone = match[2] ?? 'Z';
  const withoutFraction = value.slice(0, 19) + zone;
  const ms = Date.parse(withoutFraction);
  if (!Number.isFinite(ms)) return null;
  return { wholeSecondsMs: ms, fraction: fraction.slice(1).replace(/0+$/, '') };
}

export function compareInstants(a: Instant, b: Instant): number {
  if (a.wholeSecondsMs !== b.wholeSecondsMs) return a.wholeSecondsMs < b.wholeSecondsMs ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

/** Plain code-unit comparison, as a database sorts a TEXT column (how spans are ordered). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * duration_ms as the API reports it: Math.trunc of the millisecond difference, null when not ended
 * or not parseable. Date.parse drops sub-millisecond digits, so durations computed from nanosecond
 * timestamps can be 1 ms off the client's own figure.
 */
export function durationMs(startedAt: string, endedAt: string | null): number | null {
  if (endedAt === null) return null;
  const diff = Date.parse(endedAt) - Date.parse(startedAt);
  return Number.isFinite(diff) ? Math.trunc(diff) : null;
}

/** [start, end) of the UTC calendar month containing `date`, in epoch ms. */
export function utcMonthWindow(date: Date): [number, number] {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
}
