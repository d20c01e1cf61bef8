import type { JsonValue } from './types.js';

export const TRUNCATION_MARKER = '…[truncated by nexus-otel:';

/**
 * Keeps one Nexus field under `maxBytes` of JSON: a larger value becomes the start of its JSON text
 * and a visible marker saying how much was cut. Nexus answers 500 to fields of about 2 MB.
 */
export function limitField(value: JsonValue, maxBytes: number): JsonValue {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
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

function truncateUtf8(text: string, maxBytes: number): string {
  let end = Math.min(text.length, maxBytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end), 'utf8') > maxBytes) end = Math.floor(end * 0.9);
  // Do not split a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
