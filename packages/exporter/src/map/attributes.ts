import type { Attributes } from '../otel/types.js';
import type { JsonValue } from './types.js';

/**
 * OTel attributes as a JSON object with their types kept (numbers stay numbers, arrays stay arrays).
 * Values JSON cannot hold (NaN, ±Infinity, BigInt, stray objects from bad instrumentation) become strings.
 */
export function attributesToJson(attributes: Attributes | undefined): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  if (!attributes || typeof attributes !== 'object') return out;
  for (const key of Object.keys(attributes)) {
    out[key] = toJsonValue(attributes[key], 0);
  }
  return out;
}

const MAX_DEPTH = 8;

export function toJsonValue(value: unknown, depth: number): JsonValue {
  switch (typeof value) {
    case 'string':
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
        for (const [key, item] of Object.entries(value)) out[key] = toJsonValue(item, depth + 1);
        return out;
      }
    default:
      return String(value);
  }
}

/** A string attribute, or undefined when absent or of another type. */
export function stringAttribute(attributes: Attributes | undefined, key: string): string | undefined {
  const value = attributes?.[key];
  return typeof value === 'string' ? value : undefined;
}
