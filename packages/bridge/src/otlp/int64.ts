import type { LongBits, WireInt64 } from './wire.js';

const TWO_POW_32 = 4_294_967_296n;
const DIGITS = /^-?\d+$/;

function isLongBits(value: unknown): value is LongBits {
  return typeof value === 'object' && value !== null && typeof (value as LongBits).low === 'number' && typeof (value as LongBits).high === 'number';
}

/**
 * A 64-bit integer field as an exact bigint: from a protobufjs `Long` (its high and low words), a
 * decimal string (OTLP/JSON's usual form), or a number (exact only up to 2^53). Undefined when
 * absent or not an integer.
 */
export function int64ToBigInt(value: WireInt64 | bigint): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') return DIGITS.test(value) ? BigInt(value) : undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return undefined;
    // Beyond 2^53 a number is a double: take the decimal it prints as (what a JS sender wrote, as
    // JSON.stringify does), not its binary value, so Node 20 reads a JSON body as Node >= 21 does.
    const text = String(value);
    return DIGITS.test(text) ? BigInt(text) : BigInt(value);
  }
  if (isLongBits(value)) {
    const high = value.unsigned ? BigInt(value.high >>> 0) : BigInt(value.high | 0);
    return high * TWO_POW_32 + BigInt(value.low >>> 0);
  }
  return undefined;
}

/** An integer as a JS number when exact, else as its decimal string. */
export function bigIntToValue(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
