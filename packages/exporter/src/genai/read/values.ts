import { asNumber, asString, isRecord, parseMaybeJson } from '../messages/json.js';
import { isRedactionMarker } from '../messages/normalize.js';
import type { JsonValue } from '../../map/types.js';
import type { UsageReading } from '../reading.js';
import { StatusCode, type Attributes, type ReadableSpanLike } from '../../otel/types.js';

/** Small value readers the source readers share. */

/** A non-blank string, as given. */
export function text(value: unknown): string | undefined {
  const s = asString(value);
  return s && s.trim() ? s : undefined;
}

/** A token count: a finite number ≥ 0 (numeric strings accepted). */
export function tokens(value: unknown): number | undefined {
  const n = asNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** JSON parsed when it parses (else the raw string); a redaction marker or an empty value is no content. */
export function content(value: unknown, parse: (value: unknown) => JsonValue | undefined = parseMaybeJson): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && isRedactionMarker(value.trim())) return undefined;
  const parsed = parse(value);
  if (parsed === undefined || parsed === null) return undefined;
  if (typeof parsed === 'string' && isRedactionMarker(parsed.trim())) return undefined;
  return parsed;
}

/** A string stays the string it is (text content is never JSON-parsed); other values as JSON. */
export function keepString(value: unknown): JsonValue | undefined {
  return typeof value === 'string' ? value : parseMaybeJson(value);
}

/** The keys a reader reads by name, each with its position in what `knownValues` gives. */
export interface KeyIndex<Name extends string> {
  readonly at: Readonly<Record<Name, number>>;
  readonly positions: ReadonlyMap<string, number>;
  /** One undefined per position: copied for each span (a copy is cheaper than a fill). */
  readonly empty: readonly unknown[];
}

export function keyIndex<Name extends string>(keys: Readonly<Record<Name, string>>): KeyIndex<Name> {
  const at = {} as Record<Name, number>;
  const positions = new Map<string, number>();
  for (const name of Object.keys(keys) as Name[]) {
    const key = keys[name];
    let position = positions.get(key);
    if (position === undefined) positions.set(key, (position = positions.size));
    at[name] = position;
  }
  return { at, positions, empty: new Array<unknown>(positions.size).fill(undefined) };
}

/**
 * The value of each indexed key in `attributes` by its position (undefined where absent): what a
 * lookup by name of each gives, from one pass over the keys the object has. A reader knows many
 * keys and a span has few of them; a lookup of an absent key is the slow kind.
 */
export function knownValues(attributes: Attributes, index: KeyIndex<string>): unknown[] {
  const values = index.empty.slice();
  if (!ownKeysOnly(attributes)) {
    // It may inherit some: each key looked up by name.
    for (const [key, position] of index.positions) values[position] = attributes[key];
    return values;
  }
  for (const key of Object.getOwnPropertyNames(attributes)) {
    const position = index.positions.get(key);
    if (position !== undefined) values[position] = attributes[key];
  }
  return values;
}

/**
 * True when a lookup by name in `record` finds only its own properties (enumerable or not, all of
 * which `Object.getOwnPropertyNames` lists): its prototype is null, or Object.prototype with no
 * enumerable property added.
 */
export function ownKeysOnly(record: object): boolean {
  const proto: unknown = Object.getPrototypeOf(record);
  if (proto === null) return true;
  if (proto !== Object.prototype) return false;
  for (const _key in Object.prototype) return false;
  return true;
}

export function isAttributes(value: unknown): value is Attributes {
  return isRecord(value);
}

/** Fields of flattened indexed keys (`prefix.0.role`, `prefix.0.content`, …), by index order, gaps tolerated. */
export type Fields = Map<string, unknown>;

export function groupIndexed(attributes: Attributes, prefix: string): Fields[] {
  const groups = new Map<number, Fields>();
  for (const key of Object.keys(attributes)) {
    if (!key.startsWith(prefix)) continue;
    const match = /^(\d+)(?:\.(.+))?$/.exec(key.slice(prefix.length));
    if (!match) continue;
    const index = Number(match[1]);
    if (!Number.isSafeInteger(index)) continue;
    let fields = groups.get(index);
    if (!fields) groups.set(index, (fields = new Map()));
    fields.set(match[2] ?? '', attributes[key]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, fields]) => fields);
}

/** For a failed span: the recorded exception (`type: message`), else the status message, else `error`. */
export function exceptionError(span: ReadableSpanLike): string | undefined {
  if (span?.status?.code !== StatusCode.ERROR) return undefined;
  const exception = (Array.isArray(span.events) ? span.events : []).find((event) => event?.name === 'exception');
  const type = text(exception?.attributes?.['exception.type']);
  const message = text(exception?.attributes?.['exception.message']);
  if (type || message) return [type, message].filter(Boolean).join(': ');
  const status = typeof span.status.message === 'string' ? span.status.message.trim() : '';
  return status || 'error';
}

/** A usage reading without the counts the source did not give; undefined when it gave none. */
export function usageReading(counts: { [K in keyof UsageReading]: number | undefined }): UsageReading | undefined {
  // Direct lookups in the one order every reader passes its counts: no entries array, no key list.
  const usage: UsageReading = {};
  if (counts.inputTokens !== undefined) usage.inputTokens = counts.inputTokens;
  if (counts.outputTokens !== undefined) usage.outputTokens = counts.outputTokens;
  if (counts.totalTokens !== undefined) usage.totalTokens = counts.totalTokens;
  if (counts.cacheReadTokens !== undefined) usage.cacheReadTokens = counts.cacheReadTokens;
  if (counts.cacheCreationTokens !== undefined) usage.cacheCreationTokens = counts.cacheCreationTokens;
  if (counts.reasoningTokens !== undefined) usage.reasoningTokens = counts.reasoningTokens;
  return hasCount(usage) ? usage : undefined;
}

/** Whether a usage reading holds any count. */
export function hasCount(usage: UsageReading): boolean {
  return (
    usage.inputTokens !== undefined ||
    usage.outputTokens !== undefined ||
    usage.totalTokens !== undefined ||
    usage.cacheReadTokens !== undefined ||
    usage.cacheCreationTokens !== undefined ||
    usage.reasoningTokens !== undefined
  );
}

/** The attributes of a span or an event, or none. */
export function attributesOf(holder: unknown): Attributes {
  if (typeof holder !== 'object' || holder === null) return {};
  const attributes = (holder as { attributes?: unknown }).attributes;
  return isAttributes(attributes) ? attributes : {};
}

/** A string that is not an instrumentation's redaction marker (`""`, `"__REDACTED__"`). */
export function presentText(value: unknown): string | undefined {
  return typeof value === 'string' && !isRedactionMarker(value.trim()) ? value : undefined;
}
