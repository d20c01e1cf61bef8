import { fromParsedJson, isStorable, toJsonValue } from '../../map/attributes.js';
import type { JsonValue } from '../../map/types.js';

/** An escaped NUL or surrogate: JSON text can be storable while what it decodes to is not. */
const ESCAPED_UNSTORABLE = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * A value that may be a JSON string (spans) or already structured (log records, a future SDK).
 * A string that does not parse (cut short by an attribute length limit, or plain text) stays a
 * string: nothing here throws.
 *
 * Content attributes are parsed here, once per span: what JSON.parse gives from text that holds
 * no unstorable character nor an escape of one is plain, storable JSON already, and is neither
 * walked nor copied.
 */
export function parseMaybeJson(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return toJsonValue(value, 0);
  const text = value.trim();
  if (!text || !'[{"'.includes(text[0] as string)) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return value;
  }
  // `includes` first: a native scan, and most content has no `\u` escape at all.
  if (isStorable(text) && (!text.includes('\\u') || !ESCAPED_UNSTORABLE.test(text))) return parsed as JsonValue;
  return fromParsedJson(parsed);
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
