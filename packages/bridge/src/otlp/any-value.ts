import { bigIntToValue, int64ToBigInt } from './int64.js';
import type { AttributeValue, DecodedAttributes, LogBodyValue } from './types.js';
import type { WireAnyValue, WireKeyValue } from './wire.js';

type Primitive = string | number | boolean | null;
type JsonValue = Primitive | JsonValue[] | { [key: string]: JsonValue };

/** The one field of the `AnyValue` oneof that is set, read into a tagged form; undefined when empty. */
type Read =
  | { kind: 'primitive'; value: string | number | boolean }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'array'; values: ReadonlyArray<WireAnyValue | null | undefined> }
  | { kind: 'kvlist'; values: ReadonlyArray<WireKeyValue> };

function read(value: WireAnyValue | null | undefined): Read | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value.stringValue === 'string') return { kind: 'primitive', value: value.stringValue };
  if (typeof value.boolValue === 'boolean') return { kind: 'primitive', value: value.boolValue };
  if (value.intValue !== null && value.intValue !== undefined) {
    const int = int64ToBigInt(value.intValue);
    // An integer beyond 2^53 is kept exactly, as its decimal string.
    if (int !== undefined) return { kind: 'primitive', value: bigIntToValue(int) };
    if (typeof value.intValue === 'number') return { kind: 'primitive', value: value.intValue };
    return undefined;
  }
  if (typeof value.doubleValue === 'number') return { kind: 'primitive', value: value.doubleValue };
  if (value.arrayValue) return { kind: 'array', values: value.arrayValue.values ?? [] };
  if (value.kvlistValue) return { kind: 'kvlist', values: value.kvlistValue.values ?? [] };
  if (value.bytesValue instanceof Uint8Array) return { kind: 'bytes', value: value.bytesValue };
  return undefined;
}

/** Sets an own property, even for keys such as `__proto__` that come from the wire. */
function define<T>(target: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Any value as plain JSON: kvlist → object, bytes → base64, empty → null. */
function jsonOf(value: WireAnyValue | null | undefined): JsonValue {
  const r = read(value);
  if (!r) return null;
  switch (r.kind) {
    case 'primitive':
      return r.value;
    case 'bytes':
      return base64(r.value);
    case 'array':
      return r.values.map(jsonOf);
    case 'kvlist': {
      const out: { [key: string]: JsonValue } = {};
      for (const kv of r.values) define(out, kv.key ?? '', jsonOf(kv.value));
      return out;
    }
  }
}

/**
 * An attribute value as the SDK would hold it: primitives as they are, an array of primitives of one
 * type as an array (empty entries as null), bytes as base64, and anything the SDK cannot hold
 * (kvlist, nested or mixed arrays) as a JSON string. Undefined for an empty value.
 */
export function attributeValueOf(value: WireAnyValue | null | undefined): AttributeValue | undefined {
  const r = read(value);
  if (!r) return undefined;
  switch (r.kind) {
    case 'primitive':
      return r.value;
    case 'bytes':
      return base64(r.value);
    case 'kvlist':
      return JSON.stringify(jsonOf(value));
    case 'array': {
      const items: Primitive[] = [];
      const types = new Set<string>();
      for (const entry of r.values) {
        const item = read(entry);
        if (!item) {
          items.push(null);
          continue;
        }
        if (item.kind === 'array' || item.kind === 'kvlist') return JSON.stringify(jsonOf(value));
        const primitive = item.kind === 'bytes' ? base64(item.value) : item.value;
        types.add(typeof primitive);
        items.push(primitive);
      }
      return types.size > 1 ? JSON.stringify(items) : items;
    }
  }
}

/** A `repeated KeyValue` as an attribute map; empty values are left out, a repeated key keeps its last value. */
export function attributesOf(list: ReadonlyArray<WireKeyValue> | null | undefined): DecodedAttributes {
  const out: DecodedAttributes = {};
  for (const kv of list ?? []) {
    const value = attributeValueOf(kv.value);
    if (value !== undefined) define(out, kv.key ?? '', value);
  }
  return out;
}

/**
 * A log body as the Logs API holds it: kvlist → plain object, array → array, bytes → Uint8Array (a
 * copy), integers beyond 2^53 → decimal string, empty → null (undefined at the top level).
 */
export function bodyValueOf(value: WireAnyValue | null | undefined): LogBodyValue | undefined {
  const r = read(value);
  if (!r) return undefined;
  switch (r.kind) {
    case 'primitive':
      return r.value;
    case 'bytes':
      return Uint8Array.from(r.value);
    case 'array':
      return r.values.map((entry) => bodyValueOf(entry) ?? null);
    case 'kvlist': {
      const out: { [key: string]: LogBodyValue } = {};
      for (const kv of r.values) define(out, kv.key ?? '', bodyValueOf(kv.value) ?? null);
      return out;
    }
  }
}
