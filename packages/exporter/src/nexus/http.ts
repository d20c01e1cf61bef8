import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { inspect } from 'node:util';
import { context, createContextKey } from '@opentelemetry/api';
import { TunnelAgent } from './tunnel.js';
import { userAgent } from '../version.js';

/** `suppressTracing` of `@opentelemetry/core`, by its key: HTTP instrumentation must not trace our own uploads. */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * What happened to one request. `sent` tells whether the request left entirely before it failed:
 * after that the server may have committed it, so a blind re-send could create a duplicate.
 * `code` names the cause (`ECONNREFUSED`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `ETIMEDOUT`…);
 * `reusedSocket`: it failed on a kept-alive connection, which the server may have just closed.
 */
export type HttpResult =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'failure'; sent: boolean; timedOut: boolean; message: string; code: string; reusedSocket: boolean };

/** Sees every result as it settles (to name a delivery problem at once, not after the retries). */
export type ResultObserver = (result: HttpResult) => void;

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface TransportOptions {
  baseUrl: URL;
  authorization: string;
  timeoutMillis: number;
  maxSockets: number;
  observe?: ResultObserver | undefined;
  /** Extra headers (never the ones the transport sets itself). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** PEM certificates trusted besides Node's own. */
  ca?: readonly string[] | undefined;
  /** An https base URL is reached through this proxy's CONNECT tunnel. */
  proxy?: URL | undefined;
}

/**
 * JSON over keep-alive connections to one base URL, with a hard per-request deadline. The agent's
 * sockets keep each request's headers, the key among them: agent and key are true private fields,
 * and inspecting the transport shows a summary, so `console.log(exporter)` or a crash dump that
 * walks it does not print the key.
 */
export class HttpTransport {
  readonly #agent: http.Agent;
  readonly #client: typeof http | typeof https;
  /** Sent with every request: the user's extra headers, then ours, which they cannot replace. */
  readonly #headers: Readonly<Record<string, string>>;
  readonly #observe: ResultObserver | undefined;
  /** After close(), requests fail because the agent was destroyed: not a delivery problem. */
  #closed = false;
  private readonly baseUrl: URL;
  private readonly timeoutMillis: number;

  constructor(options: TransportOptions) {
    const { baseUrl, maxSockets } = options;
    this.baseUrl = baseUrl;
    this.timeoutMillis = options.timeoutMillis;
    this.#headers = { ...options.headers, 'user-agent': userAgent(), authorization: options.authorization, accept: 'application/json' };
    this.#observe = options.observe;
    const secure = baseUrl.protocol === 'https:';
    this.#client = secure ? https : http;
    // Sockets never hold the process open, idle or in use (see `request`).
    const agentOptions: https.AgentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' };
    // Added to Node's trust, not in place of it: a given `ca` would otherwise replace the public roots.
    if (secure && options.ca && options.ca.length > 0) agentOptions.ca = [...defaultTrust(), ...options.ca];
    if (secure && options.proxy) this.#agent = new TunnelAgent(options.proxy, options.timeoutMillis, agentOptions);
    else this.#agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  request(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return new Promise((resolve) => {
      let settled = false;
      let sent = false;
      let timedOut = false;
      // Declared before `finish`: a request that throws at once settles before the timer exists.
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!this.#closed) this.#notify(result);
        resolve(result);
      };
      const failed = (error: unknown, sentNow: boolean, reusedSocket: boolean): void =>
        finish({ kind: 'failure', sent: sentNow, timedOut, message: messageOf(error), code: codeOf(error, timedOut), reusedSocket });
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
      const url = new URL(this.baseUrl.pathname.replace(/\/$/, '') + path, this.baseUrl);
      let req: http.ClientRequest;
      try {
        req = context.with(context.active().setValue(SUPPRESS_TRACING, true), () => this.#client.request(url, {
          method,
          agent: this.#agent,
          headers: payload ? { ...this.#headers, 'content-type': 'application/json', 'content-length': payload.length } : this.#headers,
        }));
      } catch (error) {
        failed(error, false, false);
        return;
      }
      timer = setTimeout(() => {
        timedOut = true;
        req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMillis} ms`), { code: 'ETIMEDOUT' }));
      }, this.timeoutMillis);
      timer.unref();

      // An upload in flight must not keep the app alive either: a script that ends without
      // shutdown() ends at once (what was still uploading is lost, as documented), and a Nexus that
      // hangs cannot hold it for timeoutMillis. forceFlush()/shutdown() keep the process alive
      // while the app awaits them. The agent ref()s a socket it reuses, so this runs per request.
      req.on('socket', (socket) => {
        socket.unref();
      });
      req.on('finish', () => {
        sent = true;
      });
      req.on('error', (error) => failed(error, sent, req.reusedSocket));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        res.on('error', (error) => failed(error, true, req.reusedSocket));
        res.on('aborted', () => failed(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }), true, req.reusedSocket));
        res.on('end', () =>
          finish({
            kind: 'response',
            response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') },
          }),
        );
      });
      req.end(payload);
    });
  }

  close(): void {
    this.#closed = true;
    this.#agent.destroy();
  }

  /** What `console.log` and crash reporters show: where it sends, never the key or the sockets. */
  [inspect.custom](): string {
    return `HttpTransport { baseUrl: '${safeUrl(this.baseUrl)}', timeoutMillis: ${this.timeoutMillis}, closed: ${this.#closed} }`;
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: safeUrl(this.baseUrl), timeoutMillis: this.timeoutMillis, closed: this.#closed };
  }

  #notify(result: HttpResult): void {
    try {
      this.#observe?.(result);
    } catch {
      // Reporting must never break delivery.
    }
  }
}

/**
 * What Node trusts by default, `NODE_EXTRA_CA_CERTS` included: Node ≥ 22.15 says it
 * (`tls.getCACertificates`); before, the bundled roots and that file, read again.
 */
function defaultTrust(): string[] {
  const listed = (tls as unknown as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
  if (typeof listed === 'function') return listed('default');
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  let extraPem: string[] = [];
  try {
    if (extra) extraPem = [readFileSync(extra, 'utf8')];
  } catch {
    // Node said why at startup; nothing to add here.
  }
  return [...tls.rootCertificates, ...extraPem];
}

/** The base URL without query, fragment or credentials. */
export function safeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** `host:port`, the port always written: what a user compares with their firewall or proxy. */
export function hostOf(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

function codeOf(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'ETIMEDOUT';
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && code ? code : 'ERROR';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
