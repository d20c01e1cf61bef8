import type { HrTime } from '../otel/types.js';

/**
 * UTC ISO-8601 with a fixed six-digit fraction. Nexus orders spans by `started_at` as text, so every
 * timestamp must have the same shape; microseconds keep sub-millisecond order between siblings.
 */
export function isoFromHrTime(time: HrTime | undefined, fallbackMillis = 0): string {
  const [seconds, nanos] = Array.isArray(time) ? time : [Number.NaN, 0];
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return isoFromMillis(fallbackMillis);
  const totalMicros = Math.round(seconds * 1e6 + nanos / 1e3);
  return isoFromMicros(totalMicros);
}

export function isoFromMillis(millis: number): string {
  return isoFromMicros(Math.round((Number.isFinite(millis) ? millis : 0) * 1e3));
}

const MIN_MICROS = 0;
const MAX_MICROS = Date.UTC(9999, 11, 31, 23, 59, 59, 999) * 1e3;

// Formatting a date is the costly part, and the spans of a trace share their seconds: the
// `YYYY-MM-DDTHH:MM:SS` of recent seconds is kept.
const SECOND_PREFIXES = new Map<number, string>();
const MAX_CACHED_SECONDS = 256;

function isoFromMicros(micros: number): string {
  const clamped = Math.min(Math.max(micros, MIN_MICROS), MAX_MICROS);
  // Milliseconds first, then the rest: the same arithmetic as `new Date(millis).toISOString()` plus
  // the microseconds, exact up to the year 9999 (where micros no longer fit a double exactly).
  const millis = Math.floor(clamped / 1000);
  const seconds = Math.floor(millis / 1000);
  let prefix = SECOND_PREFIXES.get(seconds);
  if (prefix === undefined) {
    if (SECOND_PREFIXES.size >= MAX_CACHED_SECONDS) SECOND_PREFIXES.clear();
    // toISOString gives "YYYY-MM-DDTHH:MM:SS.mmmZ" for every year the clamp allows.
    prefix = new Date(seconds * 1000).toISOString().slice(0, 19);
    SECOND_PREFIXES.set(seconds, prefix);
  }
  return `${prefix}.${pad3(millis - seconds * 1000)}${pad3(clamped - millis * 1000)}Z`;
}

function pad3(value: number): string {
  return value >= 100 ? String(value) : value >= 10 ? `0${value}` : `00${value}`;
}

/** Milliseconds since the epoch of an HrTime; NaN when it is not one. */
export function millisFromHrTime(time: HrTime | undefined): number {
  if (!Array.isArray(time)) return Number.NaN;
  const [seconds, nanos] = time;
  return seconds * 1e3 + nanos / 1e6;
}
