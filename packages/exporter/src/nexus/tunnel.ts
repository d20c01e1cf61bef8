import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { isIP, type Socket } from 'node:net';

/** Where the tunnel leads, and the TLS options for the connection inside it. */
export interface TunnelTarget {
  host: string;
  port: number;
  tls: tls.ConnectionOptions;
}

/**
 * Opens a TLS connection to the target through an HTTP proxy's CONNECT tunnel. TLS runs end to end
 * inside the tunnel, so the proxy sees `CONNECT host:port` and ciphertext, never a request or the
 * key. Each kept-alive connection has its own tunnel.
 *
 * Written here rather than taken from `https-proxy-agent`: that one replays a proxy's refusal (407,
 * 403, 502) as if Nexus had answered it, which would read as a refused key or an agent limit; here
 * a refusal is a connection failure (`ERR_PROXY_TUNNEL`), retried and said like one.
 */
export function connectThroughProxy(proxy: URL, target: TunnelTarget, timeoutMillis: number, callback: (error: Error | null, socket?: tls.TLSSocket) => void): void {
  const done = once(callback);
  const host = target.host.replace(/^\[|\]$/g, '');
  const authority = `${host.includes(':') ? `[${host}]` : host}:${target.port}`;
  const fail = (message: string, code = 'ERR_PROXY_TUNNEL'): void => done(Object.assign(new Error(message), { code }));
  const headers: http.OutgoingHttpHeaders = { host: authority };
  if (proxy.username || proxy.password) {
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${decode(proxy.username)}:${decode(proxy.password)}`).toString('base64')}`;
  }
  let connect: http.ClientRequest;
  try {
    connect = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers,
      // One connection per tunnel, handed over to TLS below; a TLS proxy is checked with the same CAs.
      agent: false,
      ...(target.tls.ca ? { ca: target.tls.ca } : {}),
    });
  } catch (error) {
    done(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  const timer = setTimeout(() => connect.destroy(Object.assign(new Error(`the proxy did not open a tunnel within ${timeoutMillis} ms`), { code: 'ETIMEDOUT' })), timeoutMillis);
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
      fail(`proxy ${proxy.host} answered ${response.statusCode ?? 0} ${response.statusMessage ?? ''} to CONNECT ${authority}`.trim());
      return;
    }
    if (head.length > 0) {
      // A proxy that talks before the TLS handshake is not a tunnel.
      socket.destroy();
      fail(`proxy ${proxy.host} sent data before the tunnel was used`);
      return;
    }
    try {
      done(null, tls.connect({ ...target.tls, host, socket, servername: isIP(host) ? '' : host }));
    } catch (error) {
      socket.destroy();
      done(error instanceof Error ? error : new Error(String(error)));
    }
  });
  connect.end();
}

function once(callback: (error: Error | null, socket?: tls.TLSSocket) => void): (error: Error | null, socket?: tls.TLSSocket) => void {
  let called = false;
  return (error, socket) => {
    if (called) return;
    called = true;
    callback(error, socket);
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
