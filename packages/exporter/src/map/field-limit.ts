import type { JsonValue } from './types.js';

export const TRUNCATION_MARKER = '…[truncated by nexus-otel:';

/**
 * Keeps one Nexus field under `maxBytes` of JSON: a larger value becomes the start of its JSON text
 * and a visible marker saying how much was cut. Nexus answers 500 to fields of about 2 MB.
 *
 * Every span's input and output passes here, so the common value (well under the cap) is proven to
 * fit by a walk that only adds up string lengths, with no serialisation; only a value that may be
 * over the cap is serialised to be measured.
 */
export function limitField(value: JsonValue, maxBytes: number): JsonValue {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (maxBytes === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'string' && jsonBytesAtMost(value, maxBytes) <= maxBytes) return value;
  const text = typeof value === 'string' ? value : safeStringify(value);
  // Each UTF-16 unit is at most 3 UTF-8 bytes: below maxBytes/3 units no byte count is needed.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) return value;
  const total = Buffer.byteLength(text, 'utf8');
  const keep = truncateUtf8(text, Math.max(0, maxBytes - 64));
  return `${keep}${TRUNCATION_MARKER} ${total} bytes]`;
}

/** JSON.stringify that never throws (cycles, BigInt) and always returns a string. */
export function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    try {
      return String(value);
    } catch {
      // e.g. an array nested ten thousand deep: String() overflows the stack too.
      return '[unserialisable value]';
    }
  }
}

/** The longest JSON text of a finite number: `-0.0000012345678901234567` (the exponent forms are at most 24). */
export const MAX_NUMBER_JSON_BYTES = 25;
const BOUND_MAX_DEPTH = 32;
const BOUND_MAX_NODES = 10_000;
/** Code units that JSON text may take more than 3 UTF-8 bytes for: control characters (`\u00XX`) and surrogates (a lone one is `\udXXX`). */
const WIDE_UNITS = /[\u0000-\u0007\u000b\u000e-\u001f\ud800-\udfff]/;

/**
 * An upper bound on the UTF-8 bytes of `JSON.stringify(value)`, or `Infinity` once it exceeds
 * `budget` (or the value is deep, large, or holds something JSON.stringify treats specially: the
 * caller then measures it exactly). A code unit takes at most 3 bytes of JSON unless it is a control
 * character or a surrogate (at most 6), and a number at most 24 characters.
 */
export function jsonBytesAtMost(value: unknown, budget: number): number {
  let total = 0;
  let nodes = 0;
  const stringBytes = (text: string): number => {
    // 6 bytes a unit bounds every string; the tighter 3 needs one scan, worth it only when 6 does not fit.
    const loose = text.length * 6 + 2;
    if (total + loose <= budget || WIDE_UNITS.test(text) === true) return loose;
    return text.length * 3 + 2;
  };
  const visit = (item: unknown, depth: number): boolean => {
    if (++nodes > BOUND_MAX_NODES || depth > BOUND_MAX_DEPTH) return false;
    switch (typeof item) {
      case 'string':
        total += stringBytes(item);
        break;
      case 'number':
        total += MAX_NUMBER_JSON_BYTES;
        break;
      case 'boolean':
        total += 5;
        break;
      case 'object':
        if (item === null) {
          total += 4;
        } else if (Array.isArray(item)) {
          total += 2 + item.length;
          for (let i = 0; i < item.length; i += 1) if (!visit(item[i], depth + 1)) return false;
        } else {
          // A Date, a Map, an object with toJSON…: serialised in ways a walk does not predict.
          const proto: unknown = Object.getPrototypeOf(item);
          if (proto !== Object.prototype && proto !== null) return false;
          total += 2;
          // for…in may also see inherited enumerable keys, which JSON leaves out: counting them only over-counts.
          for (const key in item) {
            total += stringBytes(key) + 2;
            if (!visit((item as Record<string, unknown>)[key], depth + 1)) return false;
          }
        }
        break;
      default:
        // undefined, functions, symbols, BigInt: left to JSON.stringify's own rules.
        return false;
    }
    return total <= budget;
  };
  return visit(value, 0) ? total : Number.POSITIVE_INFINITY;
}

function truncateUtf8(text: string, maxBytes: number): string {
  let end = Math.min(text.length, maxBytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end), 'utf8') > maxBytes) end = Math.floor(end * 0.9);
  // Do not split a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
