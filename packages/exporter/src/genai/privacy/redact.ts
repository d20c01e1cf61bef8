import { limitField, safeStringify } from '../../map/field-limit.js';
import type { JsonValue, MappedSpan, MappedTrace, TraceHeader } from '../../map/types.js';
import { isScrubMarker, redactionMarker, scrubSecrets, secretKeyKind, type SecretKind } from './scrub-secrets.js';

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

type Clean = (value: string, kind: RedactField['kind'], key: string | undefined, secret: SecretKind | undefined) => string;

/**
 * The last step before upload: every string that leaves (trace name, metadata values, span names,
 * input/output values at any depth, errors) is scrubbed, then passed to the user's hook; then each
 * span's input and output is cut to `maxFieldBytes`. Returns a new trace; the given one is untouched.
 * Object keys are not rewritten (they are the structure, not the data).
 */
export function applyPrivacy(trace: MappedTrace, options: PrivacyOptions): MappedTrace {
  const scrub = options.scrub !== false;
  const clean = cleaner(scrub, options.redact);
  const header: TraceHeader = {
    ...trace.header,
    name: clean(trace.header.name, 'trace_name', undefined, undefined),
    metadata: walk(trace.header.metadata, 'metadata', clean, scrub, undefined, undefined, -1) as Record<string, JsonValue>,
  };
  const spans = trace.spans.map(
    (span): MappedSpan => ({
      ...span,
      name: clean(span.name, 'span_name', undefined, undefined),
      input: limitField(walk(span.input, 'input', clean, scrub, undefined, undefined, 0), options.maxFieldBytes),
      output: limitField(walk(span.output, 'output', clean, scrub, undefined, undefined, 0), options.maxFieldBytes),
      error: typeof span.error === 'string' ? clean(span.error, 'error', undefined, undefined) : span.error,
    }),
  );
  return { header, spans, ...(trace.warnings ? { warnings: trace.warnings } : {}) };
}

function cleaner(scrub: boolean, redact: RedactFn | undefined): Clean {
  return (value, kind, key, secret) => {
    let out = value;
    if (scrub) {
      // Under a key that names a credential (`Authorization`, `api-key`, `password`…) the whole value goes.
      out = secret !== undefined && value !== '' && !isScrubMarker(value) ? redactionMarker(secret) : scrubSecrets(value);
    }
    if (redact) {
      try {
        const result = redact(out, key === undefined ? { kind } : { kind, key });
        if (typeof result === 'string') out = result;
      } catch {
        // A failing hook keeps the scrubbed value: privacy must never break an upload.
      }
    }
    return out;
  };
}

function walk(
  value: JsonValue,
  kind: RedactField['kind'],
  clean: Clean,
  scrub: boolean,
  key: string | undefined,
  secret: SecretKind | undefined,
  depth: number,
): JsonValue {
  if (typeof value === 'string') return clean(value, kind, key, secret);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return clean(stringifyDeep(value), kind, key, secret);
  if (Array.isArray(value)) return value.map((item) => walk(item, kind, clean, scrub, key, secret, depth + 1));
  return walkRecord(value, kind, clean, scrub, secret, depth);
}

function walkRecord(
  record: Record<string, JsonValue>,
  kind: RedactField['kind'],
  clean: Clean,
  scrub: boolean,
  secret: SecretKind | undefined,
  depth: number,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(record)) {
    const inner = secret ?? (scrub ? secretKeyKind(key) : undefined);
    const cleaned = walk(item, kind, clean, scrub, key, inner, depth + 1);
    // A JSON `__proto__` key is an own property: keep it one, never a prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: cleaned, enumerable: true, writable: true, configurable: true });
    else out[key] = cleaned;
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
