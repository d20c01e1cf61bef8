import { MAX_NUMBER_JSON_BYTES, TRUNCATION_MARKER, jsonBytesAtMost, limitField, safeStringify } from '../../map/field-limit.js';
import { setOwn, wellFormed } from '../../map/attributes.js';
import type { JsonValue, MappedSpan, MappedTrace, TraceHeader } from '../../map/types.js';
import { isScrubMarker, redactionMarker, scrubSecrets, secretKeyKind, type SecretKind } from './scrub-secrets.js';
import { memoByKey } from '../memo-by-key.js';

/** Which Nexus field a string is bound for; `key` is the nearest enclosing object key, when there is one. */
export interface RedactField {
  kind: 'trace_name' | 'span_name' | 'input' | 'output' | 'error' | 'metadata';
  key?: string;
}

/** The user's hook: gets each outgoing string (already scrubbed) and returns what to send instead. */
export type RedactFn = (value: string, field: RedactField) => string;

export interface PrivacyOptions {
  redact?: RedactFn;
  /** Built-in secret scrubbing; on unless `false`. */
  scrub?: boolean;
  /** Cap for each span's `input` and `output`, in bytes of JSON. */
  maxFieldBytes: number;
}

// Deeper than this, a subtree is sent as one scrubbed JSON string rather than walked (no stack overflow, no cycles).
const MAX_DEPTH = 64;
/** Trace and span names longer than this are cut (Nexus stores them whole; a name is a label, not content). */
export const MAX_NAME_CHARS = 1024;
/** A span's `error` is cut past this many bytes (it is one line for a human, not an input/output field). */
export const MAX_ERROR_BYTES = 64 * 1024;
/** Each metadata string is cut past this many characters. */
export const MAX_METADATA_STRING_CHARS = 4096;
/** The whole metadata object is kept under this many bytes of JSON: later keys give way first. */
export const MAX_METADATA_BYTES = 64 * 1024;
/** Metadata keys the exporter needs to find its traces again, or that alerts quote: never dropped. */
const ESSENTIAL_METADATA = new Set(['otel_trace_id', 'otel_root_span_id', 'service_name', 'error', 'run_status']);
const NAME_FALLBACK = { trace_name: 'trace', span_name: 'unnamed span' } as const;

type Clean = (value: string, kind: RedactField['kind'], key: string | undefined, secret: SecretKind | undefined) => string;

export { wellFormed };

/** At most `max` UTF-16 units, never ending inside a surrogate pair. */
function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${TRUNCATION_MARKER} ${Buffer.byteLength(text, 'utf8')} bytes]`;
}

/**
 * The last step before upload: every string that leaves (trace name, metadata values, span names,
 * input/output values at any depth, errors) is scrubbed, then passed to the user's hook; then each
 * span's input and output is cut to `maxFieldBytes`. Returns a new trace; the given one is untouched.
 * Object keys are not scrubbed (they are the structure, not the data).
 *
 * It is also where text is made storable, whatever the spans held: every string and object key
 * is well-formed (a lone surrogate or a NUL becomes U+FFFD), names are cut to `MAX_NAME_CHARS` and
 * never empty, `error` to `MAX_ERROR_BYTES`, metadata strings to `MAX_METADATA_STRING_CHARS` and the
 * metadata to `MAX_METADATA_BYTES`, and values JSON cannot hold (NaN, ±Infinity, BigInt) become
 * strings, so no request can be refused for what a span carried.
 */
export function applyPrivacy(trace: MappedTrace, options: PrivacyOptions): MappedTrace {
  const scrub = options.scrub !== false;
  const clean = cleaner(scrub, options.redact);
  const header: TraceHeader = {
    ...trace.header,
    name: cleanName(trace.header.name, 'trace_name', clean),
    metadata: cleanMetadata(trace.header.metadata, clean, scrub),
    serviceName: serviceNameOf(trace.header.serviceName),
  };
  const input = walkState('input', clean, scrub);
  const output = walkState('output', clean, scrub);
  const spans = trace.spans.map(
    (span): MappedSpan => ({
      ...span,
      name: cleanName(span.name, 'span_name', clean),
      input: cappedField(span.input, input, options.maxFieldBytes),
      output: cappedField(span.output, output, options.maxFieldBytes),
      error: span.error === null || span.error === undefined ? null : (limitField(clean(String(span.error), 'error', undefined, undefined), MAX_ERROR_BYTES) as string),
    }),
  );
  return { header, spans, ...(trace.warnings ? { warnings: trace.warnings } : {}) };
}

/**
 * Metadata added after the mapper (the `traceMetadata` hook): the same treatment as the mapper's
 * own metadata, so those values too are scrubbed, given to `redact`, well-formed and capped.
 */
export function cleanMetadataValues(extra: Record<string, JsonValue>, options: { scrub?: boolean; redact?: RedactFn } = {}): Record<string, JsonValue> {
  const scrub = options.scrub !== false;
  return limitMetadata(walk(extra, walkState('metadata', cleaner(scrub, options.redact), scrub), undefined, undefined, -1));
}

/** Nexus refuses an empty name: a hook that blanks one gets a neutral label instead. */
function cleanName(name: unknown, kind: 'trace_name' | 'span_name', clean: Clean): string {
  const cleaned = cutChars(clean(typeof name === 'string' ? name : String(name ?? ''), kind, undefined, undefined), MAX_NAME_CHARS);
  return cleaned.trim() === '' ? NAME_FALLBACK[kind] : cleaned;
}

/** The agent name of last resort: well-formed, at most a name's length, and never empty. */
function serviceNameOf(name: string | undefined): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  let end = Math.min(name.length, MAX_NAME_CHARS);
  const last = name.charCodeAt(end - 1);
  if (end < name.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return wellFormed(name.slice(0, end));
}

/**
 * `otel_trace_id` is how the exporter finds its trace again after a lost answer (and how a user
 * finds it from their logs): it is an id the SDK made, not content, so it is sent as it is (only
 * made well-formed), never scrubbed nor given to the hook, which could blank or hash it.
 */
function cleanMetadata(metadata: Record<string, JsonValue> | undefined, clean: Clean, scrub: boolean): Record<string, JsonValue> {
  const record: Record<string, JsonValue> = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
  const traceId = record['otel_trace_id'];
  const state = walkState('metadata', clean, scrub);
  if (typeof traceId !== 'string') return limitMetadata(walk(record, state, undefined, undefined, -1));
  // The other keys walked straight into the result (each value as `walk` cleans an object's, a
  // string cut): no copy without the trace id first, and no second copy to cut the strings.
  const out: Record<string, JsonValue> = {};
  const id = cutChars(wellFormed(traceId), MAX_METADATA_STRING_CHARS);
  out['otel_trace_id'] = id;
  state.bytes = 2 + stringBound('otel_trace_id') + 2 + stringBound(id);
  for (const key of Object.keys(record)) {
    if (key === 'otel_trace_id') continue;
    const item = record[key];
    // JSON.stringify leaves these keys out too.
    if (item === undefined || typeof item === 'function') continue;
    const known = keyInfo(key);
    const cleaned = walk(item, state, key, scrub ? known.secret : undefined, 0);
    state.bytes += known.bytes;
    setOwn(out, known.name, typeof cleaned === 'string' ? cutChars(cleaned, MAX_METADATA_STRING_CHARS) : cleaned);
  }
  // Cutting only shortens a string, so the walk's bound holds for what is kept.
  return state.bytes <= MAX_METADATA_BYTES ? out : fitMetadata(out);
}

/** `traceId`, when given, is `otel_trace_id`, the first key (`value` then has no such key). */
function limitMetadata(value: JsonValue, traceId?: string): Record<string, JsonValue> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, JsonValue> = {};
  if (traceId !== undefined) out['otel_trace_id'] = cutChars(traceId, MAX_METADATA_STRING_CHARS);
  for (const key of Object.keys(value)) {
    const item = value[key] as JsonValue;
    setOwn(out, key, typeof item === 'string' ? cutChars(item, MAX_METADATA_STRING_CHARS) : item);
  }
  return fitMetadata(out);
}

/** The metadata under MAX_METADATA_BYTES of JSON: as it is when it fits, else the essential keys and the others in order while they fit. */
function fitMetadata(out: Record<string, JsonValue>): Record<string, JsonValue> {
  // The common metadata is proven to fit by a bound on its JSON size, without serialising it.
  if (jsonBytesAtMost(out, MAX_METADATA_BYTES) <= MAX_METADATA_BYTES) return out;
  const text = safeStringify(out);
  if (text.length * 3 <= MAX_METADATA_BYTES || Buffer.byteLength(text, 'utf8') <= MAX_METADATA_BYTES) return out;
  const entries = Object.keys(out).map((key): [string, JsonValue] => [key, out[key] as JsonValue]);

  // Over the budget: the essential keys first, then the others in order while they fit.
  const kept: Record<string, JsonValue> = {};
  const sizeOf = (key: string, item: JsonValue): number => Buffer.byteLength(safeStringify(key), 'utf8') + Buffer.byteLength(safeStringify(item), 'utf8') + 2;
  let budget = MAX_METADATA_BYTES - 64;
  let dropped = 0;
  for (const [key, item] of entries) {
    if (!ESSENTIAL_METADATA.has(key)) continue;
    setOwn(kept, key, item);
    budget -= sizeOf(key, item);
  }
  for (const [key, item] of entries) {
    if (ESSENTIAL_METADATA.has(key)) continue;
    const size = sizeOf(key, item);
    if (size <= budget) {
      setOwn(kept, key, item);
      budget -= size;
    } else {
      dropped += 1;
    }
  }
  if (dropped > 0) kept['metadata_truncated_keys'] = dropped;
  return kept;
}

function cleaner(scrub: boolean, redact: RedactFn | undefined): Clean {
  return (value, kind, key, secret) => {
    let out = wellFormed(value);
    if (scrub) {
      // Under a key that names a credential (`Authorization`, `api-key`, `password`…) the whole value goes.
      out = secret !== undefined && out !== '' && !isScrubMarker(out) ? redactionMarker(secret) : scrubSecrets(out);
    }
    if (redact) {
      try {
        const result = redact(out, key === undefined ? { kind } : { kind, key });
        if (typeof result === 'string') out = wellFormed(result);
      } catch {
        // A failing hook keeps the scrubbed value: privacy must never break an upload.
      }
    }
    return out;
  };
}

/**
 * What one field's walk carries: how to clean, and `bytes`, an upper bound on the UTF-8 bytes of
 * the JSON of what the walk returned since it was reset. The bound is added up on the way, so a
 * field under its cap is known to fit without a second walk (see `cappedField`).
 */
interface WalkState {
  readonly kind: RedactField['kind'];
  readonly clean: Clean;
  readonly scrub: boolean;
  /** Object.prototype has an enumerable property (someone added one): for…in would list it everywhere. */
  readonly inheritedKeys: boolean;
  bytes: number;
}

function walkState(kind: RedactField['kind'], clean: Clean, scrub: boolean): WalkState {
  return { kind, clean, scrub, inheritedKeys: hasEnumerableKey(Object.prototype), bytes: 0 };
}

function hasEnumerableKey(object: object): boolean {
  for (const _key in object) return true;
  return false;
}

/**
 * A span's input or output cleaned, then cut to `maxBytes` of JSON. The walk's bound proves the
 * common field fits; only one that may not is measured by `limitField` (which returns a value that
 * fits as it is, so both ways give the same result).
 */
function cappedField(value: JsonValue, state: WalkState, maxBytes: number): JsonValue {
  state.bytes = 0;
  const cleaned = walk(value, state, undefined, undefined, 0);
  return state.bytes <= maxBytes ? cleaned : limitField(cleaned, maxBytes);
}

/**
 * The JSON bytes of a string the walk returns are at most 6 a UTF-16 unit (`\u00XX` for a control
 * character; every other unit, a surrogate pair's half included, takes at most 3) and its quotes.
 */
function stringBound(text: string): number {
  return text.length * 6 + 2;
}

/**
 * The value with every string cleaned. Copy on write: a container none of whose strings, keys or
 * numbers changed is returned as it is, so the common case allocates nothing. Adds to `state.bytes`
 * a bound on the JSON of what it returns.
 */
function walk(value: JsonValue, state: WalkState, key: string | undefined, secret: SecretKind | undefined, depth: number): JsonValue {
  if (typeof value === 'string') return cleanString(value, state, key, secret);
  if (typeof value === 'number') {
    if (Number.isFinite(value)) {
      state.bytes += MAX_NUMBER_JSON_BYTES;
      return value;
    }
    return countString(String(value), state);
  }
  if (typeof value === 'boolean') {
    state.bytes += 5;
    return value;
  }
  if (value === null) {
    state.bytes += 4;
    return value;
  }
  // Not JSON (undefined, a BigInt, a function from a hand-written mapper): what JSON.stringify would not keep.
  if (typeof value !== 'object') {
    if (typeof value === 'bigint') return cleanString(String(value), state, key, secret);
    state.bytes += 4;
    return null;
  }
  if (depth >= MAX_DEPTH) return cleanString(stringifyDeep(value), state, key, secret);
  if (Array.isArray(value)) {
    state.bytes += 2 + value.length;
    let out: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i += 1) {
      const item = value[i] as JsonValue;
      const cleaned = walk(item, state, key, secret, depth + 1);
      if (out === undefined && cleaned !== item) out = value.slice(0, i);
      out?.push(cleaned);
    }
    return out ?? value;
  }
  return walkRecord(value, state, secret, depth);
}

function cleanString(value: string, state: WalkState, key: string | undefined, secret: SecretKind | undefined): string {
  return countString(state.clean(value, state.kind, key, secret), state);
}

function countString(text: string, state: WalkState): string {
  state.bytes += stringBound(text);
  return text;
}

function walkRecord(record: Record<string, JsonValue>, state: WalkState, secret: SecretKind | undefined, depth: number): Record<string, JsonValue> {
  // Anything but a plain object (a Date or a Map from a hand-written mapper) is rebuilt from its own entries.
  const proto: unknown = Object.getPrototypeOf(record);
  const plain = proto === Object.prototype || proto === null;
  // for…in lists the own keys in the order of Object.keys without making an array of them; it also
  // lists inherited enumerable keys, so it is used only where there can be none.
  if (proto === null || (plain && !state.inheritedKeys)) return walkOwnKeys(record, state, secret, depth);
  let out: Record<string, JsonValue> | undefined = plain ? undefined : {};
  const keys = Object.keys(record);
  state.bytes += 2;
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const item = record[key];
    if (item === undefined || typeof item === 'function') {
      // JSON.stringify leaves these keys out too.
      out ??= copyKeys(record, keys, i);
      continue;
    }
    const known = keyInfo(key);
    const inner = secret ?? (state.scrub ? known.secret : undefined);
    const cleaned = walk(item, state, key, inner, depth + 1);
    // Keys are not scrubbed, but they must be storable text like any value.
    const name = known.name;
    state.bytes += known.bytes;
    if (out === undefined && (cleaned !== item || name !== key)) out = copyKeys(record, keys, i);
    if (out !== undefined) setOwn(out, name, cleaned);
  }
  return out ?? record;
}

/** `walkRecord` of a plain object with no inherited enumerable key, by for…in. */
function walkOwnKeys(record: Record<string, JsonValue>, state: WalkState, secret: SecretKind | undefined, depth: number): Record<string, JsonValue> {
  let out: Record<string, JsonValue> | undefined;
  let index = 0;
  state.bytes += 2;
  for (const key in record) {
    const item = record[key];
    if (item === undefined || typeof item === 'function') {
      out ??= copyKeys(record, Object.keys(record), index);
      index += 1;
      continue;
    }
    const known = keyInfo(key);
    const inner = secret ?? (state.scrub ? known.secret : undefined);
    const cleaned = walk(item, state, key, inner, depth + 1);
    const name = known.name;
    state.bytes += known.bytes;
    if (out === undefined && (cleaned !== item || name !== key)) out = copyKeys(record, Object.keys(record), index);
    if (out !== undefined) setOwn(out, name, cleaned);
    index += 1;
  }
  return out ?? record;
}

/** What the walk needs of an object key: its storable form, the secret it names, its JSON bound. */
interface KeyInfo {
  readonly name: string;
  readonly secret: SecretKind | undefined;
  /** The key, its colon and a comma. */
  readonly bytes: number;
}

// The same few keys (role, parts, type, content…) come back in every object. Longer keys are looked
// at each time, not kept (`secretKeyKind` reads no key this long).
const keyInfo = memoByKey(
  (key: string): KeyInfo => {
    const name = wellFormed(key);
    return { name, secret: secretKeyKind(key), bytes: stringBound(name) + 2 };
  },
  { maxKeyChars: 128 },
);

/** A new record with the first `count` entries of `record` (already found clean). */
function copyKeys(record: Record<string, JsonValue>, keys: readonly string[], count: number): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (let i = 0; i < count; i += 1) {
    const key = keys[i] as string;
    const item = record[key];
    if (item !== undefined && typeof item !== 'function') setOwn(out, key, item);
  }
  return out;
}

/** `safeStringify` falls back to `String(value)`, which itself overflows on very deep arrays: catch that too. */
function stringifyDeep(value: JsonValue): string {
  try {
    return safeStringify(value);
  } catch {
    return '[too deeply nested]';
  }
}
