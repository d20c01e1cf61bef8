import type { Attributes } from '../otel/types.js';
import type { JsonValue } from './types.js';

// A lone surrogate or a NUL: JSON.stringify writes them as `\udXXX` / `\u0000` escapes, and Nexus's
// database refuses both in text and JSON columns (the whole row fails).
const ILL_FORMED = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MAYBE_ILL_FORMED = /[\u0000\ud800-\udfff]/;

/** The text with every lone surrogate and NUL replaced by U+FFFD; the same string when there is none. */
export function wellFormed(text: string): string {
  return MAYBE_ILL_FORMED.test(text) ? text.replace(ILL_FORMED, '\ufffd') : text;
}

/**
 * OTel attributes as a JSON object with their types kept (numbers stay numbers, arrays stay arrays).
 * Values JSON cannot hold (NaN, ±Infinity, BigInt, stray objects from bad instrumentation) become strings.
 * Strings and keys are made well-formed (see `wellFormed`), so a mapper built on this (the generic
 * one, which does not go through the GenAI mapper's privacy step) never sends what Nexus refuses.
 */
export function attributesToJson(attributes: Attributes | undefined): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  if (!attributes || typeof attributes !== 'object') return out;
  for (const key of Object.keys(attributes)) {
    setOwn(out, wellFormed(key), toJsonValue(attributes[key], 0));
  }
  return out;
}

const MAX_DEPTH = 8;

export function toJsonValue(value: unknown, depth: number): JsonValue {
  switch (typeof value) {
    case 'string':
      return wellFormed(value);
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    case 'object':
      if (value === null) return null;
      if (depth >= MAX_DEPTH) return '[nested too deep]';
      if (Array.isArray(value)) return value.map((item) => toJsonValue(item, depth + 1));
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
      if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
      {
        const out: { [key: string]: JsonValue } = {};
        for (const [key, item] of Object.entries(value)) setOwn(out, wellFormed(key), toJsonValue(item, depth + 1));
        return out;
      }
    default:
      return String(value);
  }
}

/** A `__proto__` key (JSON.parse makes one an own property) stays an own property, never a prototype. */
function setOwn(record: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** A string attribute, or undefined when absent or of another type. */
export function stringAttribute(attributes: Attributes | undefined, key: string): string | undefined {
  const value = attributes?.[key];
  return typeof value === 'string' ? value : undefined;
}
