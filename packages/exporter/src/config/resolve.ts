import { readFileSync } from 'node:fs';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { X509Certificate } from 'node:crypto';
import { DEFAULT_BASE_URL, type ExportMode, type NexusExporterOptions } from './options.js';
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
  remoteParentWaitMillis: number;
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
  foldSpans: boolean;
  redact: RedactFn | undefined;
  prices: PriceTable | undefined;
  exportMode: ExportMode;
  /** Extra request headers (may hold secrets: a private getter, like the key). */
  headers: Readonly<Record<string, string>>;
  /** PEM certificates to trust besides Node's own. */
  ca: readonly string[] | undefined;
  /** The proxy the base URL is reached through (credentials included: a private getter). */
  proxy: URL | undefined;
}

/**
 * Why the exporter cannot run: one line for the diag logger, never containing the key. `warnings`:
 * settings ignored (a malformed header, an unusable proxy), one line each, never a header value.
 */
export type ConfigResult = { ok: true; config: ResolvedConfig; warnings: string[] } | { ok: false; reason: string };

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

  const warnings: string[] = [];
  const ca = resolveCa(options.ca, env);
  if (typeof ca === 'string') return { ok: false, reason: `${ca} Nothing will be sent to Nexus.` };
  const headers = resolveHeaders(options.headers, env['NEXUS_HEADERS'], warnings);
  const proxy = resolveProxy(options.proxy, baseUrl, env, warnings);
  const agent = (options.agent ?? env['NEXUS_AGENT'])?.trim();
  const resolved: ConfigResult = {
    ok: true,
    warnings,
    config: Object.assign(new KeyedConfig(apiKey, headers, proxy), {
      baseUrl,
      agent: agent ? agent : undefined,
      timeoutMillis: num(options.timeoutMillis, 'NEXUS_TIMEOUT_MILLIS', 10_000),
      maxTraceWaitMillis: num(options.maxTraceWaitMillis, 'NEXUS_MAX_TRACE_WAIT_MILLIS', 30_000),
      remoteParentWaitMillis: num(options.remoteParentWaitMillis, 'NEXUS_REMOTE_PARENT_WAIT_MILLIS', 0, 0),
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
      foldSpans: options.foldSpans ?? flag(env['NEXUS_FOLD_SPANS']),
      redact: options.redact,
      prices: options.prices,
      exportMode: resolveExportMode(options.exportMode, env['NEXUS_EXPORT_MODE'], warnings),
      ca,
    }),
  };
  return resolved;
}

export function resolveExportMode(option: ExportMode | undefined, raw: string | undefined, warnings: string[] = []): ExportMode {
  const value = option ?? raw?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'background') return 'background';
  if (value === 'immediate') return 'immediate';
  // A typo here would silently lose a serverless function's traces: say it.
  warnings.push(`exportMode ${JSON.stringify(String(value).slice(0, 40))} is not background or immediate: background is used.`);
  return 'background';
}

/** The extra CAs as PEM text, or why they cannot be used (the exporter is then off: TLS would fail anyway). */
function resolveCa(option: NexusExporterOptions['ca'], env: Env): string[] | undefined | string {
  let pems: string[];
  let source: string;
  if (option !== undefined) {
    const list: ReadonlyArray<string | Buffer> = isList(option) ? option : [option];
    pems = list.map((item) => (typeof item === 'string' ? item : Buffer.from(item).toString('utf8')));
    source = 'the ca option';
  } else {
    const file = env['NEXUS_CA_FILE']?.trim();
    if (!file) return undefined;
    source = `NEXUS_CA_FILE (${JSON.stringify(file.slice(0, 200))})`;
    try {
      pems = [readFileSync(file, 'utf8')];
    } catch (error) {
      return `${source} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error).slice(0, 100)}.`;
    }
  }
  if (pems.length === 0) return undefined;
  // Node accepts any text as `ca` and fails only at the handshake: check the certificates now.
  const blocks = pems.flatMap((pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []);
  if (blocks.length === 0) return `${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`;
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch (error) {
    return `${source} holds a certificate that cannot be read (${String(error instanceof Error ? error.message : error).slice(0, 120)}).`;
  }
  return pems;
}

function isList<T>(value: T | ReadonlyArray<T>): value is ReadonlyArray<T> {
  return Array.isArray(value);
}

/** Headers the exporter sets itself, or that would break the request: never taken from the user. */
const RESERVED_HEADERS = new Set([
  'authorization', 'proxy-authorization', 'user-agent', 'accept', 'host', 'content-type', 'content-length',
  'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect',
]);

/**
 * `NEXUS_HEADERS` (`k1=v1,k2=v2`, values URL-encoded, like `OTEL_EXPORTER_OTLP_HEADERS`) with the
 * `headers` option over it, name by name. Warnings name the header, never its value.
 */
function resolveHeaders(option: Readonly<Record<string, string>> | undefined, raw: string | undefined, warnings: string[]): Record<string, string> {
  const byName = new Map<string, [string, string]>();
  const add = (name: string, value: string, source: string): void => {
    const shown = JSON.stringify(name.slice(0, 60));
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      warnings.push(`header ${shown} in ${source} ignored: the exporter sets it.`);
      return;
    }
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      warnings.push(`header ${shown} in ${source} ignored: not a valid HTTP header name or value.`);
      return;
    }
    byName.set(name.toLowerCase(), [name, value]);
  };
  for (const entry of (raw ?? '').split(',')) {
    if (!entry.trim()) continue;
    const at = entry.indexOf('=');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    if (!name) {
      warnings.push('an entry of NEXUS_HEADERS without name=value ignored.');
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      warnings.push(`header ${JSON.stringify(name.slice(0, 60))} in NEXUS_HEADERS ignored: its value is not valid URL encoding.`);
      continue;
    }
    add(name, value, 'NEXUS_HEADERS');
  }
  for (const [name, value] of Object.entries(option ?? {})) {
    if (typeof value === 'string') add(name, value, 'the headers option');
  }
  return Object.fromEntries([...byName.values()]);
}

/**
 * The proxy for the base URL: the option, else the environment (`HTTPS_PROXY` first, `HTTP_PROXY`
 * as a fallback, as the Azure SDK reads them), unless `NO_PROXY` names the host. Only an https base
 * URL goes through one: the proxy then sees a CONNECT to host:port and TLS, never the key. A plain
 * http one (loopback, or allowInsecureHttp) would show it the key in clear, so it goes direct.
 */
function resolveProxy(option: string | false | undefined, baseUrl: URL, env: Env, warnings: string[]): URL | undefined {
  if (option === false) return undefined;
  const raw = (option ?? firstSet(env, ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) ?? '').trim();
  if (!raw) return undefined;
  if (baseUrl.protocol !== 'https:') {
    if (!LOOPBACK.test(baseUrl.hostname)) warnings.push(`${baseUrl.host} is plain http: it is reached directly, not through the proxy, which would see the API key in clear.`);
    return undefined;
  }
  if (bypassesProxy(baseUrl, env['no_proxy'] ?? env['NO_PROXY'])) return undefined;
  let proxy: URL;
  try {
    // `proxy:3128` without a scheme means http, as curl reads it.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    warnings.push(`the proxy setting is not a URL: Nexus is reached directly.`);
    return undefined;
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    warnings.push(`proxy ${proxy.protocol}//${proxy.host} is not http(s): Nexus is reached directly.`);
    return undefined;
  }
  return proxy;
}

function firstSet(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value;
  }
  return undefined;
}

/**
 * `NO_PROXY`, as curl reads it: comma- or space-separated host names, domains (`example.com` and
 * `.example.com` both match the domain and its subdomains), IP addresses, each with an optional
 * `:port`, or `*` for every host. No CIDR ranges.
 */
export function bypassesProxy(url: URL, list: string | undefined): boolean {
  if (!list) return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of list.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const withPort = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      if (withPort[2] !== undefined && withPort[2] !== port) continue;
      entry = withPort[1] ?? entry;
    }
    entry = entry.replace(/^\*?\./, '');
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/**
 * Holds the key in a true private field behind a getter on the prototype: `util.inspect` (even with
 * `showHidden`), `JSON.stringify` and object spread of a config do not show it. (Only `showHidden`
 * and `getters` together make inspect call the getter; the exporters' own inspect stops before.)
 */
class KeyedConfig {
  readonly #apiKey: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #proxy: URL | undefined;

  constructor(apiKey: string, headers: Readonly<Record<string, string>>, proxy: URL | undefined) {
    this.#apiKey = apiKey;
    this.#headers = headers;
    this.#proxy = proxy;
  }

  get apiKey(): string {
    return this.#apiKey;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  get proxy(): URL | undefined {
    return this.#proxy;
  }
}

/** Values of the headers (option and environment) and the proxy's password: hidden from everything said, like the key. */
export function secretsOf(options: NexusExporterOptions, env: Env = process.env): string[] {
  const secrets: string[] = [];
  for (const value of Object.values(options.headers ?? {})) if (typeof value === 'string') secrets.push(value);
  for (const entry of (env['NEXUS_HEADERS'] ?? '').split(',')) {
    const value = entry.slice(entry.indexOf('=') + 1).trim();
    secrets.push(value);
    try {
      secrets.push(decodeURIComponent(value));
    } catch {
      // kept as written
    }
  }
  for (const raw of [typeof options.proxy === 'string' ? options.proxy : undefined, env['https_proxy'], env['HTTPS_PROXY'], env['http_proxy'], env['HTTP_PROXY']]) {
    const password = /\/\/[^/@]*:([^/@]+)@/.exec(raw ?? '')?.[1];
    if (password) secrets.push(password, safeDecode(password));
  }
  return secrets;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
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
