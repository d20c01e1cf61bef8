import { toJsonValue } from '../../map/attributes.js';
import type { JsonValue } from '../../map/types.js';

/**
 * A value that may be a JSON string (spans) or already structured (log records, a future SDK).
 * A string that does not parse (cut short by an attribute length limit, or plain text) stays a
 * string: nothing here throws.
 */
export function parseMaybeJson(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return toJsonValue(value, 0);
  const text = value.trim();
  if (!text || !'[{"'.includes(text[0] as string)) return value;
  try {
    return toJsonValue(JSON.parse(text), 0);
  } catch {
    return value;
  }
}

/** Parses twice-encoded JSON (`"\"rainy\""`, arguments as a JSON string inside JSON) down to a value. */
export function parseDeep(value: unknown, rounds = 2): JsonValue | undefined {
  let current = parseMaybeJson(value);
  for (let i = 1; i < rounds && typeof current === 'string'; i += 1) {
    const next = parseMaybeJson(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

export function isRecord(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
