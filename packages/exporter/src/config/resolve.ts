import { DEFAULT_BASE_URL, type NexusExporterOptions } from './options.js';
import type { TraceMapper } from '../map/types.js';
import type { TraceMetadataFn } from '../map/trace-metadata.js';
import type { PriceTable } from '../genai/prices.js';
import type { RedactFn } from '../genai/privacy/redact.js';
import type { SpanFilter } from '../genai/filter.js';

export interface ResolvedConfig {
  apiKey: string;
  baseUrl: URL;
  agent: string | undefined;
  timeoutMillis: number;
  maxTraceWaitMillis: number;
  flushTimeoutMillis: number;
  concurrency: number;
  maxAttempts: number;
  retryBaseMillis: number;
  deliveryTimeoutMillis: number;
  maxHeldSpans: number;
  maxHeldBytes: number;
  maxIndexedTraces: number;
  maxFieldBytes: number;
  maxSpanBytes: number;
  limitRetryMillis: number;
  authRetryMillis: number;
  mapper: TraceMapper | undefined;
  traceMetadata: TraceMetadataFn | undefined;
  logWaitMillis: number;
  feedbackWaitMillis: number;
  spanFilter: SpanFilter;
  captureContent: boolean;
  scrubSecrets: boolean;
  redact: RedactFn | undefined;
  prices: PriceTable | undefined;
}

/** Why the exporter cannot run: one line for the diag logger, never containing the key. */
export type ConfigResult = { ok: true; config: ResolvedConfig } | { ok: false; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

export function resolveConfig(options: NexusExporterOptions = {}, env: Env = process.env): ConfigResult {
  const apiKey = (options.apiKey ?? env['NEXUS_API_KEY'] ?? '').trim();
  if (!apiKey) {
    return { ok: false, reason: 'no API key: set NEXUS_API_KEY or the apiKey option. Nothing will be sent to Nexus.' };
  }

  const rawUrl = (options.baseUrl ?? env['NEXUS_BASE_URL'] ?? DEFAULT_BASE_URL).trim();
  let baseUrl: URL;
  try {
    baseUrl = new URL(rawUrl);
  } catch {
    return { ok: false, reason: `NEXUS_BASE_URL is not a URL (${JSON.stringify(rawUrl.slice(0, 200))}). Nothing will be sent to Nexus.` };
  }
  if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
    return { ok: false, reason: `NEXUS_BASE_URL must be https:// (got ${baseUrl.protocol}). Nothing will be sent to Nexus.` };
  }
  const allowInsecure = options.allowInsecureHttp ?? flag(env['NEXUS_ALLOW_INSECURE_HTTP']);
  if (baseUrl.protocol === 'http:' && !LOOPBACK.test(baseUrl.hostname) && !allowInsecure) {
    return {
      ok: false,
      reason: `refusing plain http to ${baseUrl.host}: the API key would travel unencrypted. Use https, or set allowInsecureHttp / NEXUS_ALLOW_INSECURE_HTTP=true. Nothing will be sent to Nexus.`,
    };
  }
  baseUrl.username = '';
  baseUrl.password = '';

  const num = (value: number | undefined, name: string, fallback: number, min = 1): number => {
    const candidate = value ?? numberOf(env[name]);
    return candidate !== undefined && Number.isFinite(candidate) && candidate >= min ? candidate : fallback;
  };

  const agent = (options.agent ?? env['NEXUS_AGENT'])?.trim();
  const resolved: ConfigResult = {
    ok: true,
    config: Object.assign(new KeyedConfig(apiKey), {
      baseUrl,
      agent: agent ? agent : undefined,
      timeoutMillis: num(options.timeoutMillis, 'NEXUS_TIMEOUT_MILLIS', 10_000),
      maxTraceWaitMillis: num(options.maxTraceWaitMillis, 'NEXUS_MAX_TRACE_WAIT_MILLIS', 30_000),
      flushTimeoutMillis: num(options.flushTimeoutMillis, 'NEXUS_FLUSH_TIMEOUT_MILLIS', 30_000),
      concurrency: Math.floor(num(options.concurrency, 'NEXUS_CONCURRENCY', 16)),
      maxAttempts: Math.floor(num(options.maxAttempts, 'NEXUS_MAX_ATTEMPTS', 5)),
      retryBaseMillis: num(options.retryBaseMillis, 'NEXUS_RETRY_BASE_MILLIS', 250, 0),
      deliveryTimeoutMillis: num(options.deliveryTimeoutMillis, 'NEXUS_DELIVERY_TIMEOUT_MILLIS', 300_000),
      maxHeldSpans: Math.floor(num(options.maxHeldSpans, 'NEXUS_MAX_HELD_SPANS', 20_000)),
      maxHeldBytes: num(options.maxHeldBytes, 'NEXUS_MAX_HELD_BYTES', 64 * 1024 * 1024),
      maxIndexedTraces: Math.floor(num(options.maxIndexedTraces, 'NEXUS_MAX_INDEXED_TRACES', 10_000)),
      maxFieldBytes: num(options.maxFieldBytes, 'NEXUS_MAX_FIELD_BYTES', 32 * 1024, 256),
      maxSpanBytes: num(options.maxSpanBytes, 'NEXUS_MAX_SPAN_BYTES', 1024 * 1024, 4 * 1024),
      limitRetryMillis: num(options.limitRetryMillis, 'NEXUS_LIMIT_RETRY_MILLIS', 15 * 60_000),
      authRetryMillis: num(options.authRetryMillis, 'NEXUS_AUTH_RETRY_MILLIS', 60_000),
      mapper: options.mapper,
      traceMetadata: options.traceMetadata,
      logWaitMillis: num(options.logWaitMillis, 'NEXUS_LOG_WAIT_MILLIS', 1_000, 0),
      feedbackWaitMillis: num(options.feedbackWaitMillis, 'NEXUS_FEEDBACK_WAIT_MILLIS', 30_000, 0),
      spanFilter: options.spanFilter ?? (env['NEXUS_SPAN_FILTER']?.trim().toLowerCase() === 'all' ? 'all' : 'genai'),
      captureContent: options.captureContent ?? !falsy(env['NEXUS_CAPTURE_CONTENT']),
      scrubSecrets: options.scrubSecrets ?? !falsy(env['NEXUS_SCRUB_SECRETS']),
      redact: options.redact,
      prices: options.prices,
    }),
  };
  return resolved;
}

/**
 * Holds the key in a true private field behind a getter on the prototype: `util.inspect` (even with
 * `showHidden`), `JSON.stringify` and object spread of a config do not show it. (Only `showHidden`
 * and `getters` together make inspect call the getter; the exporters' own inspect stops before.)
 */
class KeyedConfig {
  readonly #apiKey: string;

  constructor(apiKey: string) {
    this.#apiKey = apiKey;
  }

  get apiKey(): string {
    return this.#apiKey;
  }
}

function numberOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function falsy(raw: string | undefined): boolean {
  return raw !== undefined && /^(0|false|no|off)$/i.test(raw.trim());
}

function flag(raw: string | undefined): boolean {
  return raw !== undefined && /^(1|true|yes)$/i.test(raw.trim());
}
