// Body parsing and field validation for the REST routes, with the exact error bodies Nexus sends.
import { isUtf8 } from 'node:buffer';
import { badRequest, type Reply } from './reply.js';
import type { Wording } from './wording.js';

/** The hosted server's timestamp check: any digits pass (even month 13), a zone is mandatory. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const TRACE_STATUSES = ['running', 'success', 'error', 'timeout'] as const;
export const SPAN_STATUSES = ['ok', 'error'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number];
export type SpanStatus = (typeof SPAN_STATUSES)[number];

export type JsonObject = Record<string, unknown>;
export type FieldErrors = Record<string, string>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: Reply };

/**
 * Lenient mode only (the real server stores such text: see strict mode). Text the hosted database
 * refuses (assumption, stricter than a JSON parser): Nexus keeps names, errors and metadata in text
 * columns and input/output as JSON, in a database that refuses a NUL character (`\u0000`) in either
 * and a lone surrogate escape (`"\ud800"` without its pair) in JSON. The hosted server would fail on
 * the insert (likely a 500); here the body is refused up front with a 400 that names the field, so
 * a client that lets such text through is caught in tests.
 */
export const MESSAGE_UNSTORABLE = 'must not contain NUL (\\u0000) or an unpaired surrogate';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when a string holds text the database refuses. */
export function isUnstorable(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * The path (`input.messages[0].content`) of the first string or object key in a parsed body that
 * the database would refuse, or undefined. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findUnstorable(value: unknown): string | undefined {
  // Paths are built only for the value that fails: each entry points at its parent.
  interface Entry {
    value: unknown;
    parent: Entry | undefined;
    key: string | number | undefined;
  }
  const pathOf = (entry: Entry | undefined, last?: string): string => {
    const keys: Array<string | number> = last === undefined ? [] : [last];
    for (let at = entry; at?.key !== undefined; at = at.parent) keys.push(at.key);
    return keys.reverse().reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key), '');
  };
  const stack: Entry[] = [{ value, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    const item = entry.value;
    if (typeof item === 'string') {
      if (isUnstorable(item)) return pathOf(entry) || '(body)';
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i -= 1) stack.push({ value: item[i], parent: entry, key: i });
    } else if (typeof item === 'object' && item !== null) {
      const keys = Object.keys(item);
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i] as string;
        if (isUnstorable(key)) return pathOf(entry, key);
        stack.push({ value: (item as Record<string, unknown>)[key], parent: entry, key });
      }
    }
  }
  return undefined;
}

/**
 * Strict mode: the body as the real server reads it (`await c.req.json()` decodes UTF-8 the Fetch
 * way): bytes that are not UTF-8 become U+FFFD and are stored, a leading BOM is dropped.
 */
export function decodeBodyLikeFetch(bytes: Buffer): string {
  return new TextDecoder().decode(bytes);
}

/**
 * Lenient mode (and the admin routes): the request body as text. Bytes that are not well-formed
 * UTF-8 (RFC 8259: JSON exchanged between systems is UTF-8) give a text no JSON parser accepts (a
 * lone U+DFFF first), so the route answers `Invalid JSON body` in its usual order of checks (after
 * auth). The real server stores U+FFFD instead (strict mode); here a client that sends broken
 * bytes is caught in tests.
 */
export function decodeBody(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return isUtf8(bytes) ? text : `\udfff${text}`;
}

/**
 * Lenient mode (and the admin routes). Content-Type is deliberately not checked, as on the hosted
 * server. A string, a key or a value the database would refuse (see MESSAGE_UNSTORABLE) is
 * `Validation failed`, with its path.
 */
export function parseJsonObject(text: string): Parsed<JsonObject> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reply: badRequest({ error: 'Invalid JSON body' }) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reply: badRequest({ error: 'Body must be a JSON object' }) };
  }
  const unstorable = findUnstorable(value);
  if (unstorable !== undefined) return { ok: false, reply: validationFailed({ [unstorable]: MESSAGE_UNSTORABLE }) };
  return { ok: true, value: value as JsonObject };
}

/**
 * Strict mode: the real server only checks `!body || typeof body !== 'object'`, so an array passes
 * (and then fails the field checks, or is "No fields to update"), and any text is stored.
 */
export function parseJsonLikeNexus(text: string): Parsed<JsonObject> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reply: badRequest({ error: 'Invalid JSON body' }) };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, reply: badRequest({ error: 'Body must be a JSON object' }) };
  return { ok: true, value: value as JsonObject };
}

/** The body of an API route, in strict or lenient mode. */
export function parseRequestBody(text: string, strict: boolean): Parsed<JsonObject> {
  return strict ? parseJsonLikeNexus(text) : parseJsonObject(text);
}

export function validationFailed(fields: FieldErrors): Reply {
  return badRequest({ error: 'Validation failed', fields });
}

export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIMESTAMP.test(value);
}

/** Collects every bad field of one body, so a single 400 lists them all. */
export class FieldChecker {
  readonly errors: FieldErrors = {};

  constructor(
    private readonly body: JsonObject,
    private readonly say: Wording,
  ) {}

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  requiredString(field: string): string {
    const value = this.body[field];
    if (value === undefined || value === null) this.errors[field] = this.say.required;
    else if (typeof value !== 'string' || value.length === 0) this.errors[field] = this.say.nonEmptyString;
    return typeof value === 'string' ? value : '';
  }

  requiredEnum<T extends string>(field: string, allowed: readonly T[]): T {
    const value = this.body[field];
    if (value === undefined || value === null) this.errors[field] = this.say.required;
    else if (typeof value !== 'string' || value.length === 0) this.errors[field] = this.say.enumNotString(allowed);
    else if (!allowed.includes(value as T)) this.errors[field] = this.say.oneOf(allowed);
    return value as T;
  }

  /** For PATCH: absent is fine, but a present value (null included) must be valid. */
  optionalEnum<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const value = this.body[field];
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) this.errors[field] = this.say.oneOf(allowed);
    return value as T;
  }

  requiredTimestamp(field: string): string {
    const value = this.body[field];
    if (value === undefined || value === null) this.errors[field] = this.say.required;
    else if (typeof value !== 'string' || value.length === 0) this.errors[field] = this.say.timestampNotString;
    else if (!isTimestamp(value)) this.errors[field] = this.say.timestamp;
    return typeof value === 'string' ? value : '';
  }

  /** undefined when absent, null when explicitly null. */
  optionalTimestamp(field: string): string | null | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return value;
    if (!isTimestamp(value)) this.errors[field] = this.say.optionalTimestamp;
    return typeof value === 'string' ? value : undefined;
  }

  optionalString(field: string): string | null {
    const value = this.body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.errors[field] = this.say.optionalString;
      return null;
    }
    return value;
  }
}
