import type { Attributes } from '../otel/types.js';
import type { JsonValue } from './types.js';

// A lone surrogate or a NUL: JSON.stringify writes them as `\udXXX` / `\u0000` escapes, and Nexus's
// database refuses both in text and JSON columns (the whole row fails).
const ILL_FORMED = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** ES2024's String.prototype.isWellFormed (Node ≥ 20), not in the ES2022 lib this package compiles against. */
type MaybeWellFormed = string & { isWellFormed(): boolean };

/** True when the text holds no lone surrogate and no NUL (native checks: every outgoing string passes here). */
export function isStorable(text: string): boolean {
  return (text as MaybeWellFormed).isWellFormed() && !text.includes('\u0000');
}

/** The text with every lone surrogate and NUL replaced by U+FFFD; the same string when there is none. */
export function wellFormed(text: string): string {
  return isStorable(text) ? text : text.replace(ILL_FORMED, '\ufffd');
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

/** How deep a value that must be copied is followed (a stray object may be cyclic). */
const MAX_DEPTH = 8;
/** How deep plain JSON is kept (parsed JSON has no cycles): privacy's own bound, past which a subtree is sent as text. */
export const MAX_JSON_DEPTH = 64;

/**
 * Containers already proven to be plain JSON (see `isPlainJson`). Content is handed from reader to
 * normaliser to part, and each asks again: the answer is remembered instead of walked (or copied) again.
 */
const PLAIN = new WeakSet<object>();

/**
 * The value as JSON. Plain JSON that is already storable (what JSON.parse returns, mostly) is
 * returned as it is, not copied; anything else is copied with the fixes below.
 */
export function toJsonValue(value: unknown, depth: number): JsonValue {
  if (typeof value === 'object' && value !== null && isPlainJson(value, depth)) return value as JsonValue;
  return copyJson(value, depth, MAX_DEPTH);
}

/** What JSON.parse returned, made storable (a copy only when some string or key needs a fix). */
export function fromParsedJson(value: unknown): JsonValue {
  if (typeof value === 'object' && value !== null && isPlainJson(value, 0)) return value as JsonValue;
  return copyJson(value, 0, MAX_JSON_DEPTH);
}

/**
 * True when the value needs no fix: only storable strings and keys, finite numbers, booleans,
 * null, arrays and plain objects, nested less than `MAX_JSON_DEPTH` deep. Walks without allocating.
 */
function isPlainJson(value: object, depth: number): boolean {
  if (PLAIN.has(value)) return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) if (!isPlainItem(value[i], depth + 1)) return false;
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key in value) {
      if (!Object.hasOwn(value, key) || !isStorable(key) || !isPlainItem((value as Record<string, unknown>)[key], depth + 1)) return false;
    }
  }
  PLAIN.add(value);
  return true;
}

function isPlainItem(item: unknown, depth: number): boolean {
  switch (typeof item) {
    case 'string':
      return isStorable(item);
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(item);
    case 'object':
      return item === null || isPlainJson(item, depth);
    default:
      return false;
  }
}

function copyJson(value: unknown, depth: number, maxDepth: number): JsonValue {
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
      if (depth >= maxDepth) return '[nested too deep]';
      if (Array.isArray(value)) return value.map((item) => copyJson(item, depth + 1, maxDepth));
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
      if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
      {
        const out: { [key: string]: JsonValue } = {};
        for (const [key, item] of Object.entries(value)) setOwn(out, wellFormed(key), copyJson(item, depth + 1, maxDepth));
        return out;
      }
    default:
      return String(value);
  }
}

/** A `__proto__` key (JSON.parse makes one an own property) stays an own property, never a prototype. */
export function setOwn(record: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** A string attribute, or undefined when absent or of another type. */
export function stringAttribute(attributes: Attributes | undefined, key: string): string | undefined {
  const value = attributes?.[key];
  return typeof value === 'string' ? value : undefined;
}
