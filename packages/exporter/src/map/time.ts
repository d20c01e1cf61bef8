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

function isoFromMicros(micros: number): string {
  const clamped = Math.min(Math.max(micros, MIN_MICROS), MAX_MICROS);
  const millis = Math.floor(clamped / 1000);
  const fraction = String(clamped - millis * 1000).padStart(3, '0');
  // toISOString gives ".mmmZ"; append the microseconds before the Z.
  return new Date(millis).toISOString().replace('Z', `${fraction}Z`);
}

/** Milliseconds since the epoch of an HrTime; NaN when it is not one. */
export function millisFromHrTime(time: HrTime | undefined): number {
  if (!Array.isArray(time)) return Number.NaN;
  const [seconds, nanos] = time;
  return seconds * 1e3 + nanos / 1e6;
}
