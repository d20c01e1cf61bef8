import { limitField } from '../map/field-limit.js';
import type { CreateSpanBody } from '../nexus/api-types.js';
import type { JsonValue, MappedSpan } from '../map/types.js';

/** Room left in a span body for its name, status, times and parent id. */
const ENVELOPE_BYTES = 2 * 1024;

/**
 * The body of `POST /traces/:id/spans` for a mapped span, kept under `maxBytes` of JSON as a whole.
 *
 * Absent fields are left out rather than sent as null (the real server stores null as the text
 * "null"). The real server answers 500 when a span row is too big for its database (input and output
 * of 1.2 MB each already fail, though each alone would pass), so the cap is on the whole body: when
 * input, output and error together are over it, each gets a fair share, the smaller fields keeping
 * all they have.
 */
export function spanBody(span: MappedSpan, nexusParentId: string | null, maxBytes: number): CreateSpanBody {
  const body: CreateSpanBody = { name: span.name, status: span.status, started_at: span.startedAt };
  if (span.endedAt) body.ended_at = span.endedAt;
  if (nexusParentId !== null) body.parent_span_id = nexusParentId;
  const fields = fitFields(span, maxBytes);
  if (fields.input !== null) body.input = fields.input;
  if (fields.output !== null) body.output = fields.output;
  if (fields.error !== null) body.error = fields.error;
  return body;
}

interface Fields {
  input: JsonValue;
  output: JsonValue;
  error: string | null;
}

function fitFields(span: MappedSpan, maxBytes: number): Fields {
  const budget = Math.max(256, maxBytes - ENVELOPE_BYTES - Buffer.byteLength(span.name, 'utf8'));
  const fields: Fields = { input: span.input, output: span.output, error: span.error };
  // Most spans are far under the cap: each field's bound is checked without serialising it.
  const sizes = { input: sizeOf(span.input, budget), output: sizeOf(span.output, budget), error: sizeOf(span.error, budget) };
  if (sizes.input + sizes.output + sizes.error <= budget) return fields;

  const order = (['input', 'output', 'error'] as const).slice().sort((a, b) => sizes[a] - sizes[b]);
  let left = budget;
  order.forEach((key, index) => {
    const share = Math.floor(left / (order.length - index));
    if (sizes[key] > share) {
      const cut = limitField(fields[key], share);
      if (key === 'error') fields.error = typeof cut === 'string' ? cut : null;
      else fields[key] = cut;
      left -= share;
    } else {
      left -= sizes[key];
    }
  });
  return fields;
}

/** Bytes of the field's JSON, exact once it may be over `budget`; 0 for an absent field. */
function sizeOf(value: JsonValue, budget: number): number {
  if (value === null) return 0;
  if (typeof value === 'number' || typeof value === 'boolean') return 24;
  // limitField returns its input unchanged when it fits: then the field is known to be ≤ budget.
  if (limitField(value, Math.floor(budget / 3)) === value) return Math.floor(budget / 3);
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
