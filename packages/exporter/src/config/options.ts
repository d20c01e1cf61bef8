import type { TraceMapper } from '../map/types.js';
import type { TraceMetadataFn } from '../map/trace-metadata.js';
import type { PriceTable } from '../genai/prices.js';
import type { RedactFn } from '../genai/privacy/redact.js';
import type { SpanFilter } from '../genai/filter.js';

/**
 * How `export()` answers. `background`: at once, uploads run behind it (`forceFlush()` waits for
 * them). `immediate`: after this batch is in Nexus, for serverless functions whose process may be
 * frozen or ended right after `provider.forceFlush()`.
 */
export type ExportMode = 'background' | 'immediate';

/** Options of `NexusSpanExporter`. Each has an environment variable; an option given here wins. */
export interface NexusExporterOptions {
  /** Nexus API key (`nxs_…`). Env `NEXUS_API_KEY`. Without one the exporter is disabled. */
  apiKey?: string;
  /** Env `NEXUS_BASE_URL`, default `https://nexus.keylightdigital.dev`. */
  baseUrl?: string;
  /** Agent name for every trace. Env `NEXUS_AGENT`; else the resource's `service.name`. */
  agent?: string;
  /** Allow `http://` to a host that is not loopback. Env `NEXUS_ALLOW_INSECURE_HTTP=true`. */
  allowInsecureHttp?: boolean;
  /** Per-request timeout. Env `NEXUS_TIMEOUT_MILLIS`, default 10 000. */
  timeoutMillis?: number;
  /** How long a trace whose root has not ended is held before it is created as `running`. Env `NEXUS_MAX_TRACE_WAIT_MILLIS`, default 30 000. */
  maxTraceWaitMillis?: number;
  /**
   * For an intermediary that receives the spans of many processes (the OTLP bridge): how long a span
   * whose parent is in another process waits for that parent, to nest under it, before it goes as a
   * local root. 0 (the default, for an exporter inside one process): such a span is a local root.
   * Env `NEXUS_REMOTE_PARENT_WAIT_MILLIS`.
   */
  remoteParentWaitMillis?: number;
  /** Upper bound on `forceFlush()` and `shutdown()`. Env `NEXUS_FLUSH_TIMEOUT_MILLIS`, default 30 000. */
  flushTimeoutMillis?: number;
  /** Requests in flight at once, across all traces. Env `NEXUS_CONCURRENCY`, default 16. */
  concurrency?: number;
  /** Attempts per request on 5xx, network errors and timeouts. Env `NEXUS_MAX_ATTEMPTS`, default 5. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, with full jitter, up to 8 s. Env `NEXUS_RETRY_BASE_MILLIS`, default 250. */
  retryBaseMillis?: number;
  /** A trace not delivered this long after it was ready is dropped. Env `NEXUS_DELIVERY_TIMEOUT_MILLIS`, default 300 000. */
  deliveryTimeoutMillis?: number;
  /** Cap on spans held (waiting or uploading). Env `NEXUS_MAX_HELD_SPANS`, default 20 000. */
  maxHeldSpans?: number;
  /** Cap on the estimated bytes of spans held. Env `NEXUS_MAX_HELD_BYTES`, default 64 MiB. */
  maxHeldBytes?: number;
  /** Uploaded traces remembered so late spans can join them. Env `NEXUS_MAX_INDEXED_TRACES`, default 10 000. */
  maxIndexedTraces?: number;
  /** Nexus `input`/`output` fields longer than this (JSON bytes) are cut with a marker. Env `NEXUS_MAX_FIELD_BYTES`, default 32 768. */
  maxFieldBytes?: number;
  /**
   * A whole Nexus span (input, output and error together) is kept under this many JSON bytes: the
   * server answers 500 to a span row of about 2.2 MB. Env `NEXUS_MAX_SPAN_BYTES`, default 1 048 576.
   */
  maxSpanBytes?: number;
  /** After a 403 (agent limit) or 429 (monthly limit), no trace is created for this long. Env `NEXUS_LIMIT_RETRY_MILLIS`, default 900 000. */
  limitRetryMillis?: number;
  /** After a 401, nothing is sent for this long. Env `NEXUS_AUTH_RETRY_MILLIS`, default 60 000. */
  authRetryMillis?: number;
  /** Which spans reach Nexus: `genai` (GenAI spans, their ancestors, errors), `all`, or a predicate. Env `NEXUS_SPAN_FILTER`, default `genai`. */
  spanFilter?: SpanFilter;
  /** false: no message content, tool arguments or results reach Nexus, even when the instrumentation captured them. Env `NEXUS_CAPTURE_CONTENT`, default true. */
  captureContent?: boolean;
  /** Sees every string that leaves for Nexus, after the built-in secret scrubbing; returns what to send. */
  redact?: RedactFn;
  /** Built-in scrubbing of bearer tokens, API keys, connection strings and URL passwords. Env `NEXUS_SCRUB_SECRETS`, default true. */
  scrubSecrets?: boolean;
  /**
   * Fewer requests (one per span otherwise): a kept span with nothing for a reader but its name and
   * times (no attributes, content, tokens, ids, tool or error), whose parent is kept in the same
   * batch, is not posted; the parent's input gets `folded_spans` (count, total duration, names) and
   * its children nest under the parent. Env `NEXUS_FOLD_SPANS=true`, default false.
   */
  foldSpans?: boolean;
  /** USD per million tokens by model, for the trace's `estimated_cost_usd`. */
  prices?: PriceTable;
  /** With a log-record exporter on the same pipeline: how long a finished trace waits for its message records. Env `NEXUS_LOG_WAIT_MILLIS`, default 1 000. */
  logWaitMillis?: number;
  /** How long feedback on a response not seen yet waits for it, before it becomes a trace of its own. Env `NEXUS_FEEDBACK_WAIT_MILLIS`, default 30 000. */
  feedbackWaitMillis?: number;
  /** Extra metadata for each Nexus trace, from its header (e.g. a link to the same operation elsewhere). The exporter's own keys win. */
  traceMetadata?: TraceMetadataFn;
  /** Turns spans into Nexus traces. Default: the GenAI mapper with the options above. */
  mapper?: TraceMapper;
  /**
   * `immediate`: `export()` uploads what is held (incomplete traces as `running`) and answers once
   * the batch is in Nexus, or after `flushTimeoutMillis` with FAILED. Env `NEXUS_EXPORT_MODE`,
   * default `background`.
   */
  exportMode?: ExportMode;
  /**
   * Extra headers on every request to Nexus (a gateway's key, a tenant id), merged over
   * `NEXUS_HEADERS` (`k1=v1,k2=v2`, values URL-encoded). Never replaces `Authorization`; never logged.
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Certificate authorities (PEM) trusted for Nexus besides Node's own, e.g. a TLS-inspecting
   * proxy's. Env `NEXUS_CA_FILE` (a path). `NODE_EXTRA_CA_CERTS` works too, with or without this.
   */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /**
   * Proxy for an `https://` base URL, reached with CONNECT (the key only travels inside TLS), e.g.
   * `http://proxy:3128`; `false` for none. Default `HTTPS_PROXY` / `https_proxy` / `HTTP_PROXY` /
   * `http_proxy`. `NO_PROXY` / `no_proxy` hosts are reached directly. `http://` URLs never use one.
   */
  proxy?: string | false;
}

export const DEFAULT_BASE_URL = 'https://nexus.keylightdigital.dev';
