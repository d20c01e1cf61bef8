import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * An https.Agent that reaches its host through an HTTP proxy's CONNECT tunnel. TLS runs end to end
 * inside the tunnel, so the proxy sees `CONNECT host:port` and ciphertext, never a request or the
 * key. Kept-alive TLS sockets are pooled as usual, each over its own tunnel.
 *
 * Written here rather than taken from `https-proxy-agent`: that one replays a proxy's refusal (407,
 * 403, 502) as if Nexus had answered it, which would read as a refused key or an agent limit; here
 * a refusal is a connection failure (`ERR_PROXY_TUNNEL`), retried and said like one.
 */
export class TunnelAgent extends https.Agent {
  readonly #proxy: URL;
  readonly #timeoutMillis: number;

  constructor(proxy: URL, timeoutMillis: number, options: https.AgentOptions) {
    super(options);
    this.#proxy = proxy;
    this.#timeoutMillis = timeoutMillis;
  }

  override createConnection(options: https.RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const done = once(callback);
    const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[|\]$/g, '');
    const target = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`;
    const proxy = this.#proxy;
    const fail = (message: string, code = 'ERR_PROXY_TUNNEL'): void => done(Object.assign(new Error(message), { code }));
    const headers: http.OutgoingHttpHeaders = { host: target };
    if (proxy.username || proxy.password) {
      headers['proxy-authorization'] = `Basic ${Buffer.from(`${decode(proxy.username)}:${decode(proxy.password)}`).toString('base64')}`;
    }
    let connect: http.ClientRequest;
    try {
      connect = (proxy.protocol === 'https:' ? https : http).request({
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
        method: 'CONNECT',
        path: target,
        headers,
        // One connection per tunnel, handed over to TLS below; a TLS proxy is checked with the same CAs.
        agent: false,
        ...(options.ca ? { ca: options.ca } : {}),
      });
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
    const timer = setTimeout(() => connect.destroy(Object.assign(new Error(`the proxy did not open a tunnel within ${this.#timeoutMillis} ms`), { code: 'ETIMEDOUT' })), this.#timeoutMillis);
    timer.unref();
    // Like every socket of the exporter: never what keeps the process alive.
    connect.on('socket', (socket: Socket) => socket.unref());
    connect.once('error', (error) => {
      clearTimeout(timer);
      done(error);
    });
    connect.once('connect', (response: http.IncomingMessage, socket: Socket, head: Buffer) => {
      clearTimeout(timer);
      if (response.statusCode !== 200) {
        socket.destroy();
        fail(`proxy ${proxy.host} answered ${response.statusCode ?? 0} ${response.statusMessage ?? ''} to CONNECT ${target}`.trim());
        return;
      }
      if (head.length > 0) {
        // A proxy that talks before the TLS handshake is not a tunnel.
        socket.destroy();
        fail(`proxy ${proxy.host} sent data before the tunnel was used`);
        return;
      }
      // `host` stays: the certificate is checked against it. `path` and `port` mean nothing over a socket.
      const { hostname: _hostname, port: _port, path: _path, ...tlsOptions } = options as tls.ConnectionOptions & https.RequestOptions;
      try {
        done(null, tls.connect({ ...tlsOptions, host, socket, servername: isIP(host) ? '' : host }));
      } catch (error) {
        socket.destroy();
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });
    connect.end();
    return undefined;
  }
}

function once(callback: ((error: Error | null, stream: Duplex) => void) | undefined): (error: Error | null, stream?: Duplex) => void {
  let called = false;
  return (error, stream) => {
    if (called) return;
    called = true;
    callback?.(error, stream as Duplex);
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
