// What a 400 says about each field. Strict mode uses the real server's words (src/routes/api.ts of
// the open-source Nexus); lenient mode keeps this server's older wording. Clients should rely on
// the field names, but a test that compares bodies sees the real text in strict mode.

export interface Wording {
  /** Absent or null. */
  required: string;
  /** A required text field given '' or something that is not a string. */
  nonEmptyString: string;
  /** A required enum given '' or something that is not a string. */
  enumNotString: (values: readonly string[]) => string;
  oneOf: (values: readonly string[]) => string;
  /** A required timestamp given '' or something that is not a string. */
  timestampNotString: string;
  timestamp: string;
  /** ended_at: null or a timestamp. */
  optionalTimestamp: string;
  /** parent_span_id: null or a string. */
  optionalString: string;
  limit: string;
}

// The real server answers the same line for "missing" and "not a string".
const REAL_REQUIRED = 'Required, must be a string';
const REAL_TIMESTAMP = 'Must be ISO 8601 format (e.g. 2026-04-05T12:00:00Z)';

export const REAL_WORDING: Wording = {
  required: REAL_REQUIRED,
  nonEmptyString: REAL_REQUIRED,
  enumNotString: () => REAL_REQUIRED,
  oneOf: (values) => `Must be one of: ${values.join(', ')}`,
  timestampNotString: REAL_REQUIRED,
  timestamp: REAL_TIMESTAMP,
  optionalTimestamp: 'Must be ISO 8601 format if provided',
  optionalString: 'Must be a string if provided',
  limit: 'Must be an integer between 1 and 200',
};

const LENIENT_TIMESTAMP = 'must be an ISO 8601 timestamp with a time zone, e.g. 2026-01-01T00:00:00.000Z';
const lenientOneOf = (values: readonly string[]): string => `must be one of: ${values.join(', ')}`;

export const LENIENT_WORDING: Wording = {
  required: 'is required',
  nonEmptyString: 'must be a non-empty string',
  enumNotString: lenientOneOf,
  oneOf: lenientOneOf,
  timestampNotString: LENIENT_TIMESTAMP,
  timestamp: LENIENT_TIMESTAMP,
  optionalTimestamp: 'must be null or an ISO 8601 timestamp with a time zone, e.g. 2026-01-01T00:00:00.000Z',
  optionalString: 'must be a string or null',
  limit: 'must be an integer between 1 and 200',
};

export function wordingFor(strict: boolean): Wording {
  return strict ? REAL_WORDING : LENIENT_WORDING;
}
