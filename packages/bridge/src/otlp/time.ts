import { int64ToBigInt } from './int64.js';
import type { HrTime } from './types.js';
import type { WireInt64 } from './wire.js';

const NANOS_PER_SECOND = 1_000_000_000n;

export function hrTimeFromNanos(nanos: bigint): HrTime {
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}

export function nanosFromHrTime(time: HrTime): bigint {
  return BigInt(time[0]) * NANOS_PER_SECOND + BigInt(time[1]);
}

/** A `fixed64` Unix-nanosecond field as HrTime; undefined when absent, zero or negative (unset in OTLP). */
export function hrTimeOf(value: WireInt64): HrTime | undefined {
  const nanos = int64ToBigInt(value);
  return nanos !== undefined && nanos > 0n ? hrTimeFromNanos(nanos) : undefined;
}

/** `end - start`, never negative (as the SDK clamps it). */
export function durationOf(start: HrTime, end: HrTime): HrTime {
  const nanos = nanosFromHrTime(end) - nanosFromHrTime(start);
  return hrTimeFromNanos(nanos > 0n ? nanos : 0n);
}

/** Now, as HrTime (for a log record that carries no time at all). */
export function hrTimeNow(): HrTime {
  const millis = Date.now();
  return [Math.floor(millis / 1000), (millis % 1000) * 1_000_000];
}
