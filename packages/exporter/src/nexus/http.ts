import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { inspect } from 'node:util';
import { context, createContextKey } from '@opentelemetry/api';
import { ConnectionPool, type Connect, type Connection } from './connection-pool.js';
import { ResponseParser, type ParsedResponse } from './response-parser.js';
import { connectThroughProxy } from './tunnel.js';
import { userAgent } from '../version.js';

/** `suppressTracing` of `@opentelemetry/core`, by its key: net, DNS and TLS instrumentations must not trace our own uploads. */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
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
 * JSON over kept-alive HTTP/1.1 connections to one base URL, with a hard per-request deadline.
 *
 * Written on `net`/`tls` sockets rather than `http.request`: a request to Nexus is a small JSON body
 * and a small JSON answer, and Node's HTTP client runs much JavaScript around it that never gets
 * hot at the rates an app sends (benchmark 2b, CPU a request at 500 and 50 requests a second:
 * `http.request` 404–1,141 µs, this transport 236–830 µs, a bare socket exchange 118–421 µs).
 * Each request is one write of a prebuilt head and its body; the answer is read by
 * `ResponseParser` (content-length, chunked, close-delimited).
 *
 * The key travels in every request head: head, pool and key are true private fields, and inspecting
 * the transport shows a summary, so `console.log(exporter)` or a crash dump that walks it does not
 * print the key. Sockets never hold the process open, idle or in use.
 */
export class HttpTransport {
  readonly #pool: ConnectionPool;
  /** `host`, the user's extra headers, then ours (which they cannot replace), as one block. */
  readonly #head: string;
  readonly #pathPrefix: string;
  readonly #asciiHead: boolean;
  readonly #observe: ResultObserver | undefined;
  /** After close(), requests fail because the pool was destroyed: not a delivery problem. */
  #closed = false;
  /** The last TLS session, offered again on a new connection (no full handshake). */
  #session: Buffer | undefined;
  private readonly baseUrl: URL;
  private readonly timeoutMillis: number;

  constructor(options: TransportOptions) {
    const { baseUrl } = options;
    this.baseUrl = baseUrl;
    this.timeoutMillis = options.timeoutMillis;
    this.#observe = options.observe;
    this.#pathPrefix = baseUrl.pathname.replace(/\/$/, '');
    const headers: Record<string, string> = { ...options.headers, 'user-agent': userAgent(), authorization: options.authorization, accept: 'application/json' };
    let head = `host: ${baseUrl.host}\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      // Checked by the config already; checked again here because this head is written as it is.
      validateHeaderName(name);
      validateHeaderValue(name, value);
      if (name.toLowerCase() !== 'host') head += `${name}: ${value}\r\n`;
    }
    this.#head = head;
    // Header values may be latin1 (as Node allows); then the head is written apart from the UTF-8 body.
    this.#asciiHead = !/[^\x00-\x7f]/.test(head);
    const secure = baseUrl.protocol === 'https:';
    const host = baseUrl.hostname.replace(/^\[|\]$/g, '');
    const port = Number(baseUrl.port) || (secure ? 443 : 80);
    // Added to Node's trust, not in place of it: a given `ca` would otherwise replace the public roots.
    const ca = secure && options.ca && options.ca.length > 0 ? [...defaultTrust(), ...options.ca] : undefined;
    const connect: Connect = secure ? this.#tlsConnect(host, port, ca, options.proxy) : (callback) => settleConnect(net.connect({ host, port }), 'connect', callback);
    this.#pool = new ConnectionPool((callback) => context.with(context.active().setValue(SUPPRESS_TRACING, true), () => connect(callback)), options.maxSockets);
  }

  request(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return new Promise((resolve) => {
      let settled = false;
      let sent = false;
      let timedOut = false;
      let connection: Connection | undefined;
      // Set below; acquire may answer at once (a closed pool), before it returns.
      let withdraw = (): void => undefined;
      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        withdraw();
        if (!this.#closed) this.#notify(result);
        resolve(result);
      };
      const failed = (error: unknown): void => {
        if (settled) return;
        if (connection) this.#pool.discard(connection);
        finish({ kind: 'failure', sent, timedOut, message: messageOf(error), code: codeOf(error, timedOut), reusedSocket: (connection?.served ?? 0) > 0 });
      };
      const answered = (response: ParsedResponse, carrier: Connection): void => {
        if (settled) return;
        const idleMillis = response.keepAlive ? keepAliveMillis(response.headers['keep-alive']) : 0;
        if (idleMillis > 0) this.#pool.release(carrier, true, idleMillis);
        else this.#pool.discard(carrier);
        finish({ kind: 'response', response: { status: response.status, headers: response.headers, body: response.body.toString('utf8') } });
      };
      let payload: string;
      try {
        payload = body === undefined ? '' : JSON.stringify(body);
      } catch (error) {
        // A body that cannot be written: nothing left, nothing to wait for.
        resolve({ kind: 'failure', sent: false, timedOut: false, message: messageOf(error), code: codeOf(error, false), reusedSocket: false });
        return;
      }
      const timer = setTimeout(() => {
        timedOut = true;
        failed(Object.assign(new Error(`no answer within ${this.timeoutMillis} ms`), { code: 'ETIMEDOUT' }));
      }, this.timeoutMillis);
      timer.unref();
      const head = `${method} ${this.#pathPrefix}${path} HTTP/1.1\r\n${this.#head}${body === undefined ? '' : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`}\r\n`;
      withdraw = this.#pool.acquire((error, carrier) => {
        if (error || !carrier) {
          failed(error ?? new Error('no connection'));
          return;
        }
        if (settled) {
          // Handed over after this request timed out waiting: the next one may use it.
          this.#pool.release(carrier, false);
          return;
        }
        connection = carrier;
        const parser = new ResponseParser();
        carrier.handler = {
          data: (chunk) => {
            let response: ParsedResponse | undefined;
            try {
              response = parser.push(chunk);
            } catch (parseError) {
              failed(parseError);
              return;
            }
            if (response) answered(response, carrier);
          },
          end: () => {
            const response = parser.end();
            if (response) answered(response, carrier);
          },
          error: failed,
          close: () => failed(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
        };
        const { socket } = carrier;
        const written = (writeError?: Error | null): void => {
          if (!writeError) sent = true;
        };
        if (this.#asciiHead) {
          // One write of head and body: ASCII is the same bytes in UTF-8.
          socket.write(head + payload, 'utf8', written);
        } else {
          // The head in latin1, as Node writes headers, the body in UTF-8: one writev when uncorked.
          socket.cork();
          socket.write(head, 'latin1');
          socket.write(payload, 'utf8', written);
          socket.uncork();
        }
      });
    });
  }

  close(): void {
    this.#closed = true;
    this.#pool.close();
  }

  /** What `console.log` and crash reporters show: where it sends, never the key or the sockets. */
  [inspect.custom](): string {
    return `HttpTransport { baseUrl: '${safeUrl(this.baseUrl)}', timeoutMillis: ${this.timeoutMillis}, closed: ${this.#closed} }`;
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: safeUrl(this.baseUrl), timeoutMillis: this.timeoutMillis, closed: this.#closed };
  }

  /** TLS straight to the host, or inside a proxy's CONNECT tunnel. */
  #tlsConnect(host: string, port: number, ca: string[] | undefined, proxy: URL | undefined): Connect {
    const options = (): tls.ConnectionOptions => ({
      host,
      port,
      ALPNProtocols: ['http/1.1'],
      ...(net.isIP(host) ? {} : { servername: host }),
      ...(ca ? { ca } : {}),
      ...(this.#session ? { session: this.#session } : {}),
    });
    const remember = (socket: tls.TLSSocket): void => {
      socket.on('session', (session: Buffer) => {
        this.#session = session;
      });
    };
    if (!proxy) {
      return (callback) => {
        const socket = tls.connect(options());
        remember(socket);
        return settleConnect(socket, 'secureConnect', callback);
      };
    }
    return (callback) => {
      let abandoned = false;
      let opened: tls.TLSSocket | undefined;
      connectThroughProxy(proxy, { host, port, tls: options() }, this.timeoutMillis, (error, socket) => {
        if (error || !socket) {
          callback(error ?? new Error('no tunnel'));
          return;
        }
        opened = socket;
        remember(socket);
        settleConnect(socket, 'secureConnect', callback);
        if (abandoned) socket.destroy();
      });
      return () => {
        abandoned = true;
        opened?.destroy();
      };
    };
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
 * How long an idle connection is kept. A server that says `keep-alive: timeout=N` closes it after N
 * seconds: it is dropped a second before (as Node's agent does), so a request never goes out on a
 * connection the server is closing. Without the hint, until the server closes it.
 */
function keepAliveMillis(header: string | string[] | undefined): number {
  const hint = typeof header === 'string' ? /(?:^|[\s,])timeout=(\d+)/i.exec(header) : null;
  return hint ? Number(hint[1]) * 1_000 - 1_000 : Number.POSITIVE_INFINITY;
}

/**
 * Calls back once: the socket when it is ready, or why it never was (an error, or closed first).
 * Unref'd at once: a connection never keeps the app alive (forceFlush/shutdown do while awaited).
 */
function settleConnect(socket: net.Socket, ready: 'connect' | 'secureConnect', callback: (error: Error | null, socket?: net.Socket) => void): () => void {
  socket.unref();
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 1_000);
  let done = false;
  const settle = (error: Error | null): void => {
    if (done) return;
    done = true;
    socket.off(ready, onReady);
    socket.off('error', onError);
    socket.off('close', onClose);
    callback(error, error ? undefined : socket);
  };
  const onReady = (): void => settle(null);
  const onError = (error: Error): void => settle(error);
  const onClose = (): void => settle(Object.assign(new Error('socket closed before it was connected'), { code: 'ECONNRESET' }));
  socket.once(ready, onReady);
  socket.once('error', onError);
  socket.once('close', onClose);
  return () => socket.destroy();
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
