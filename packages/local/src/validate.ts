// Body parsing and field validation for the REST routes, with the exact error bodies Nexus sends.
import { isUtf8 } from 'node:buffer';
import { badRequest, type Reply } from './reply.js';

/** The hosted server's timestamp check: any digits pass (even month 13), a zone is mandatory. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const TRACE_STATUSES = ['running', 'success', 'error', 'timeout'] as const;
export const SPAN_STATUSES = ['ok', 'error'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number];
export type SpanStatus = (typeof SPAN_STATUSES)[number];

// Field messages: the doc names the shape {"error":"Validation failed","fields":{field: message}} but
// not the wording, so these are our own (assumption; clients should only rely on the field names).
export const MESSAGES = {
  required: 'is required',
  nonEmptyString: 'must be a non-empty string',
  timestamp: 'must be an ISO 8601 timestamp with a time zone, e.g. 2026-01-01T00:00:00.000Z',
  optionalTimestamp: 'must be null or an ISO 8601 timestamp with a time zone, e.g. 2026-01-01T00:00:00.000Z',
  optionalString: 'must be a string or null',
  limit: 'must be an integer between 1 and 200',
  oneOf: (values: readonly string[]): string => `must be one of: ${values.join(', ')}`,
} as const;

export type JsonObject = Record<string, unknown>;
export type FieldErrors = Record<string, string>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: Reply };

/**
 * Text the hosted database refuses (assumption, stricter than a JSON parser): Nexus keeps names,
 * errors and metadata in text columns and input/output as JSON, in a database that refuses a NUL
 * character (`\u0000`) in either and a lone surrogate escape (`"\ud800"` without its pair) in JSON.
 * The hosted server would fail on the insert (likely a 500); here the body is refused up front with
 * a 400 that names the field, so a client that lets such text through is caught in tests.
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
 * The request body as text for the routes. Bytes that are not well-formed UTF-8 (RFC 8259: JSON
 * exchanged between systems is UTF-8) give a text no JSON parser accepts (a lone U+DFFF first), so
 * the route answers `Invalid JSON body` in its usual order of checks (after auth). Assumption: a
 * lenient decoder on the hosted server might turn such bytes into U+FFFD and store them; we refuse
 * them, so a client that sends broken bytes is caught in tests.
 */
export function decodeBody(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return isUtf8(bytes) ? text : `\udfff${text}`;
}

/**
 * Content-Type is deliberately not checked, as on the hosted server. A string, a key or a value
 * the database would refuse (see MESSAGE_UNSTORABLE) is `Validation failed`, with its path.
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

export function validationFailed(fields: FieldErrors): Reply {
  return badRequest({ error: 'Validation failed', fields });
}

export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIMESTAMP.test(value);
}

/** Collects every bad field of one body, so a single 400 lists them all. */
export class FieldChecker {
  readonly errors: FieldErrors = {};

  constructor(private readonly body: JsonObject) {}

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  requiredString(field: string): string {
    const value = this.body[field];
    if (value === undefined || value === null) this.errors[field] = MESSAGES.required;
    else if (typeof value !== 'string' || value.length === 0) this.errors[field] = MESSAGES.nonEmptyString;
    return typeof value === 'string' ? value : '';
  }

  requiredEnum<T extends string>(field: string, allowed: readonly T[]): T {
    const value = this.body[field];
    if (value === undefined || value === null) this.errors[field] = MESSAGES.required;
    else if (!allowed.includes(value as T)) this.errors[field] = MESSAGES.oneOf(allowed);
    return value as T;
  }

  /** For PATCH: absent is fine, but a present value (null included) must be valid. */
  optionalEnum<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const value = this.body[field];
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) this.errors[field] = MESSAGES.oneOf(allowed);
    return value as T;
  }

  requiredTimestamp(field: string): string {
    const value = this.body[field];
    if (value === undefined || value === null) this.errors[field] = MESSAGES.required;
    else if (!isTimestamp(value)) this.errors[field] = MESSAGES.timestamp;
    return typeof value === 'string' ? value : '';
  }

  /** undefined when absent, null when explicitly null. */
  optionalTimestamp(field: string): string | null | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return value;
    if (!isTimestamp(value)) this.errors[field] = MESSAGES.optionalTimestamp;
    return typeof value === 'string' ? value : undefined;
  }

  optionalString(field: string): string | null {
    const value = this.body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.errors[field] = MESSAGES.optionalString;
      return null;
    }
    return value;
  }
}
