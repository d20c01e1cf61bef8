// Body parsing and field validation for the REST routes, with the exact error bodies Nexus sends.
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

/** Content-Type is deliberately not checked, as on the hosted server. */
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
