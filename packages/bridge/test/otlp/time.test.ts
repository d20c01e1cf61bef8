import { describe, expect, it } from 'vitest';
import { bigIntToValue, int64ToBigInt } from '../../src/otlp/int64.js';
import { durationOf, hrTimeFromNanos, hrTimeOf } from '../../src/otlp/time.js';
import { exactInt64 } from '../../src/otlp/generated.js';

describe('64-bit integers and HrTime', () => {
  const nanos = 1_760_000_001_999_999_999n;

  it('protobufjs decodes 64-bit fields as Long here (so exactly)', () => {
    expect(exactInt64).toBe(true);
  });

  it('from a Long (high/low words), a string and a bigint alike, to the nanosecond', () => {
    // protobufjs's Long keeps two signed 32-bit words: 1760000001999999999 = 409781933 * 2^32 + 1273336831.
    const unsigned = { low: 1_273_336_831, high: 409_781_933, unsigned: true };
    expect(hrTimeOf(unsigned)).toEqual([1_760_000_001, 999_999_999]);
    expect(hrTimeOf(nanos.toString())).toEqual([1_760_000_001, 999_999_999]);
    expect(hrTimeFromNanos(nanos)).toEqual([1_760_000_001, 999_999_999]);
    // As a double the same value would be off by hundreds of nanoseconds.
    expect(hrTimeOf(Number(nanos))).not.toEqual([1_760_000_001, 999_999_999]);
  });

  it('signed and unsigned Longs with the top bit set', () => {
    expect(int64ToBigInt({ low: -2, high: -1, unsigned: false })).toBe(-2n);
    expect(int64ToBigInt({ low: -2, high: -1, unsigned: true })).toBe(18_446_744_073_709_551_614n);
    expect(int64ToBigInt({ low: -1, high: -1, unsigned: false })).toBe(-1n);
  });

  it('unset, zero and non-integers are no time', () => {
    expect(hrTimeOf(null)).toBeUndefined();
    expect(hrTimeOf(undefined)).toBeUndefined();
    expect(hrTimeOf({ low: 0, high: 0, unsigned: true })).toBeUndefined();
    expect(hrTimeOf('0')).toBeUndefined();
    expect(hrTimeOf('12e3')).toBeUndefined();
    expect(hrTimeOf(1.5)).toBeUndefined();
  });

  it('numbers up to 2^53 stay numbers, beyond become strings', () => {
    expect(bigIntToValue(9_007_199_254_740_991n)).toBe(9_007_199_254_740_991);
    expect(bigIntToValue(9_007_199_254_740_992n)).toBe('9007199254740992');
    expect(bigIntToValue(-9_007_199_254_740_992n)).toBe('-9007199254740992');
  });

  it('a duration is never negative', () => {
    expect(durationOf([10, 5], [11, 4])).toEqual([0, 999_999_999]);
    expect(durationOf([10, 5], [9, 0])).toEqual([0, 0]);
  });
});
