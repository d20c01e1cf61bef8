import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NexusExporterOptions, NexusExporterStats } from '@nexus-otel/exporter';
import { resolveBridgeOptions, type BridgeOptions, type Env, type ResolvedBridgeOptions } from './config.js';
import { startGrpcReceiver, type GrpcReceiver } from './grpc/receiver.js';
import { bearerMatches } from './http/auth.js';
import { readBody } from './http/read-body.js';
import { decodeLogs, decodeTraces, encodeLogsResponse, encodeTraceResponse, type DecodedLogRecord, type DecodedSpan, type OtlpEncoding } from './otlp/index.js';
import { Spool, type SpoolEntry } from './spool/index.js';
import type { Ingest, Ingested, Refusal } from './ingest.js';
import { Tenants, type Tenant } from './tenants.js';

/** What `GET /stats` answers (no key, in any form: tenants are named by a hash). */
export interface BridgeStats {
  requests: Record<string, number>;
  spans: { received: number; rejected: number; delivered: number; dropped: Record<string, number> };
  logRecords: { received: number; rejected: number };
  spool: ReturnType<Spool['stats']>;
  tenants: Record<string, NexusExporterStats>;
}

const KEY_HEADER = 'x-nexus-api-key';

/** How long a sender is told to wait when the bridge is full (seconds). */
const RETRY_AFTER_FULL = 5;
const RETRY_AFTER_BUSY = 2;

/**
 * An OTLP/HTTP receiver (`POST /v1/traces`, `/v1/logs`; protobuf or JSON; gzip) that feeds the
 * Nexus exporter's pipeline, so spans sent from any process or language are mapped, assembled and
 * uploaded as in-process. A request is written to the spool before it is acknowledged, and
 * confirmed there once Nexus has its spans: a crash loses nothing acknowledged (at-least-once).
 */
export class NexusBridge implements Ingest {
  private readonly stats_: Omit<BridgeStats, 'spool' | 'tenants'> = {
    requests: {},
    spans: { received: 0, rejected: 0, delivered: 0, dropped: {} },
    logRecords: { received: 0, rejected: 0 },
  };
  private closing: Promise<void> | undefined;
  private grpc: GrpcReceiver | undefined;
  private readonly deliveries = new Set<Promise<void>>();

  private constructor(
    private readonly options: ResolvedBridgeOptions,
    private readonly server: Server,
    private readonly spool: Spool,
    private readonly tenants: Tenants,
    private readonly ownKey: boolean,
  ) {}

  /**
   * Opens the spool (replaying what an earlier run acknowledged and did not deliver) and listens.
   * Rejects, with a message that says what to change, when it cannot run.
   */
  static async start(options: Partial<BridgeOptions> = {}, env: Env = process.env, exporterOptions: NexusExporterOptions = {}): Promise<NexusBridge> {
    const resolved = resolveBridgeOptions(options, env);
    if (!resolved.ok) throw new Error(`nexus-otel-bridge: ${resolved.reason}`);
    const config = resolved.options;
    const ownKey = Boolean(exporterOptions.apiKey ?? env['NEXUS_API_KEY']?.trim());
    if (!ownKey && !config.keyHeader) throw new Error('nexus-otel-bridge: no Nexus key: set NEXUS_API_KEY, or NEXUS_BRIDGE_KEY_HEADER=true for senders to give theirs in the x-nexus-api-key header');
    const { spool, replay } = await Spool.open({ dir: config.spoolDir, maxBytes: config.spoolMaxBytes });
    const tenants = new Tenants(exporterOptions);
    const server = createServer();
    const bridge = new NexusBridge(config, server, spool, tenants, ownKey);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      bridge.handle(request, response).catch((error: unknown) => bridge.fail(response, error));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await spool.close();
      throw new Error(`nexus-otel-bridge: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    }
    if (config.grpcPort !== false) {
      try {
        bridge.grpc = await startGrpcReceiver({
          host: config.host,
          port: config.grpcPort,
          ...(config.token ? { token: config.token } : {}),
          maxBodyBytes: config.maxBodyBytes,
          target: bridge,
        });
      } catch (error) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await spool.close();
        throw new Error(`nexus-otel-bridge: cannot listen for OTLP/gRPC on ${config.host}:${config.grpcPort}: ${(error as Error).message} (NEXUS_BRIDGE_GRPC_PORT=off turns it off)`);
      }
    }
    for (const entry of replay) {
      const decoded = decodeEntry(entry);
      // Unreadable now: nothing to retry.
      if (decoded.ok) bridge.feed(entry.id, entry.apiKey, decoded, true);
      else spool.confirm(entry.id);
    }
    return bridge;
  }

  /** `http://host:port`, the base of the OTLP endpoints. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** `host:port` of the OTLP/gRPC receiver, when it listens. */
  get grpcAddress(): string | undefined {
    if (!this.grpc) return undefined;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `${host}:${this.grpc.port}`;
  }

  stats(): BridgeStats {
    return { ...structuredClone(this.stats_), spool: this.spool.stats(), tenants: this.tenants.stats() };
  }

  /**
   * Stops taking requests and closes the spool. Traces still being assembled are not forced out:
   * their requests stay in the spool, and the next start carries on with them. `waitMillis` bounds
   * the wait for deliveries already under way.
   */
  close(waitMillis = 10_000): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([new Promise<void>((resolve) => this.server.close(() => resolve())), this.grpc?.close(waitMillis)]);
      this.server.closeAllConnections?.();
      await Promise.race([Promise.allSettled([...this.deliveries]), new Promise((resolve) => setTimeout(resolve, waitMillis).unref())]);
      await this.spool.close();
    })();
    return this.closing;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/health') return this.answer(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    const authorized = !this.options.token || bearerMatches(request.headers.authorization, this.options.token);
    if (request.method === 'GET' && path === '/stats') {
      if (!authorized) return this.refuse(request, response, 401, 'a bearer token is required');
      return this.answer(response, 200, 'application/json', JSON.stringify(this.stats()));
    }
    const signal = path === '/v1/traces' ? 'traces' : path === '/v1/logs' ? 'logs' : undefined;
    if (!signal) return this.refuse(request, response, 404, 'not found: POST /v1/traces or /v1/logs');
    if (request.method !== 'POST') return this.refuse(request, response, 405, 'use POST');
    if (!authorized) return this.refuse(request, response, 401, 'a bearer token is required (Authorization: Bearer <NEXUS_BRIDGE_TOKEN>)');
    const encoding = encodingOf(request.headers['content-type']);
    if (!encoding) return this.refuse(request, response, 415, 'Content-Type must be application/x-protobuf or application/json');
    const apiKey = headerValue(request.headers[KEY_HEADER]);
    const admitted = this.admit(apiKey);
    if (!admitted.ok) return this.refuse(request, response, admitted.status, admitted.message, admitted.retryAfter);
    const body = await readBody(request, this.options.maxBodyBytes);
    if (!body.ok) return this.refuse(request, response, body.status, body.message);
    const result = await this.ingest({ signal, encoding, body: body.body, ...(apiKey !== undefined ? { apiKey } : {}) });
    if (!result.ok) return this.refuse(request, response, result.status, result.message, result.retryAfter);
    this.count(200);
    response.writeHead(200, { 'content-type': contentTypeOf(encoding) }).end(result.response);
  }

  /**
   * Whether a request for this key may come in now (before its body is read): the key per request
   * only when allowed, a key at all, room for more spans. Every transport asks this first.
   */
  admit(apiKey: string | undefined): { ok: true } | Refusal {
    if (apiKey !== undefined && !this.options.keyHeader) return { ok: false, status: 400, message: `this bridge takes no ${KEY_HEADER} header (NEXUS_BRIDGE_KEY_HEADER is off)` };
    if (apiKey === undefined && !this.ownKey) return { ok: false, status: 401, message: `no Nexus key: send it in the ${KEY_HEADER} header` };
    if (this.tenants.heldSpans() >= this.options.maxPendingSpans) {
      return { ok: false, status: 429, message: 'the bridge holds as many spans as it may; retry later', retryAfter: RETRY_AFTER_BUSY };
    }
    return { ok: true };
  }

  /**
   * One decompressed OTLP request, from any transport: decoded, stored in the spool, handed to its
   * tenant's exporters; answered with the OTLP response body (partial success included) in the
   * request's encoding, or refused with an HTTP status a sender acts on.
   */
  async ingest(entry: SpoolEntry): Promise<Ingested | Refusal> {
    const decoded = decodeEntry(entry);
    if (!decoded.ok) return { ok: false, status: 400, message: decoded.reason };
    if (decoded.signal === 'traces') {
      this.stats_.spans.received += decoded.count;
      this.stats_.spans.rejected += decoded.rejected;
    } else {
      this.stats_.logRecords.received += decoded.count;
      this.stats_.logRecords.rejected += decoded.rejected;
    }
    if (decoded.count > 0) {
      if (!this.tenants.get(entry.apiKey)) return { ok: false, status: 429, message: 'too many Nexus keys in use at once', retryAfter: RETRY_AFTER_BUSY };
      const appended = await this.spool.append(entry);
      if (!appended.ok) return { ok: false, status: 503, message: `not stored (${appended.reason}): ${appended.message}`, retryAfter: RETRY_AFTER_FULL };
      this.feed(appended.id, entry.apiKey, decoded);
    }
    const response =
      entry.signal === 'traces'
        ? encodeTraceResponse({ rejectedSpans: decoded.rejected, errorMessage: decoded.reason }, entry.encoding)
        : encodeLogsResponse({ rejectedLogRecords: decoded.rejected, errorMessage: decoded.reason }, entry.encoding);
    return { ok: true, response, rejected: decoded.rejected, rejectedReason: decoded.reason };
  }

  /** Hands a stored request, as decoded, to its tenant's exporters; confirms it in the spool once delivered. */
  private feed(id: number, apiKey: string | undefined, decoded: DecodedRequest, replayed = false): void {
    const tenant: Tenant | undefined = this.tenants.get(apiKey);
    if (!tenant) {
      this.spool.confirm(id); // no room for its key (a replay): nothing to retry
      return;
    }
    if (decoded.signal === 'logs') {
      // Records join their spans in the pipeline: taken in, they are its to deliver.
      tenant.exporters.logRecordExporter.export(decoded.records, () => undefined);
      this.spool.confirm(id);
      return;
    }
    // A replayed request may have reached Nexus before the crash: looked up before it is created.
    const delivery = tenant.exporters.spanExporter.deliver(decoded.spans, { mayExist: replayed }).then((report) => {
      this.stats_.spans.delivered += report.delivered;
      for (const [reason, n] of Object.entries(report.dropped)) this.stats_.spans.dropped[reason] = (this.stats_.spans.dropped[reason] ?? 0) + n;
      // Left at shutdown: stays in the spool for the next start.
      if (report.left === 0) this.spool.confirm(id);
    });
    const tracked = delivery.finally(() => this.deliveries.delete(tracked));
    this.deliveries.add(tracked);
  }

  private refuse(request: IncomingMessage, response: ServerResponse, status: number, message: string, retryAfter?: number | undefined): void {
    request.resume();
    this.count(status);
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(retryAfter ? { 'retry-after': String(retryAfter) } : {}) }).end(`${message}\n`);
  }

  private answer(response: ServerResponse, status: number, type: string, body: string): void {
    this.count(status);
    response.writeHead(status, { 'content-type': type }).end(body);
  }

  private fail(response: ServerResponse, error: unknown): void {
    this.count(500);
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`internal error: ${String(error).slice(0, 200)}\n`);
  }

  private count(status: number): void {
    this.stats_.requests[status] = (this.stats_.requests[status] ?? 0) + 1;
  }
}

type DecodedRequest =
  | { ok: true; signal: 'traces'; spans: DecodedSpan[]; count: number; rejected: number; reason?: string | undefined }
  | { ok: true; signal: 'logs'; records: DecodedLogRecord[]; count: number; rejected: number; reason?: string | undefined };

type Decoded = DecodedRequest | { ok: false; reason: string };

function decodeEntry(entry: SpoolEntry): Decoded {
  if (entry.signal === 'traces') {
    const result = decodeTraces(entry.body, entry.encoding);
    if (!result.ok) return result;
    return { ok: true, signal: 'traces', spans: result.spans, count: result.spans.length, rejected: result.rejected, reason: result.rejectedReason };
  }
  const result = decodeLogs(entry.body, entry.encoding);
  if (!result.ok) return result;
  return { ok: true, signal: 'logs', records: result.records, count: result.records.length, rejected: result.rejected, reason: result.rejectedReason };
}

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

function contentTypeOf(encoding: OtlpEncoding): string {
  return encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}
