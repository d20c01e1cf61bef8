// The transport's HTTP/1.1 over real loopback sockets: what it writes, how it reads what servers
// answer (Node's server, and hand-written answers a CDN or a broken server could give), and how it
// keeps, reuses and drops connections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport, type HttpResult } from '../../src/nexus/http.js';
import { listenOnLoopback } from '../net.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  connection: number;
}

/** A Node HTTP server; `answer` writes the response. Counts connections and records requests. */
async function nodeServer(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void, keepAliveTimeout = 5_000): Promise<{ url: URL; seen: Seen[]; connections: () => number; openNow: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  let open = 0;
  const ids = new WeakMap<Socket, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, connection: ids.get(req.socket) ?? -1 });
      answer(req, res, body);
    });
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    open += 1;
    ids.set(socket, connections);
    socket.on('close', () => (open -= 1));
  });
  const port = await listenOnLoopback(server, cleanups);
  return { url: new URL(`http://127.0.0.1:${port}/base/`), seen, connections: () => connections, openNow: () => open };
}

/** A raw TCP server that answers every request head with `reply` (bytes as given). */
async function rawServer(reply: (socket: Socket, request: string) => void): Promise<URL> {
  const server = createNetServer((socket) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length < end + 4 + length) return;
      const request = text.slice(0, end + 4 + length);
      text = text.slice(end + 4 + length);
      reply(socket, request);
    });
    socket.on('error', () => undefined);
  });
  const port = await listenOnLoopback(server, cleanups);
  return new URL(`http://127.0.0.1:${port}`);
}

function transport(baseUrl: URL, options: { timeoutMillis?: number; maxSockets?: number; observe?: (result: HttpResult) => void; headers?: Record<string, string> } = {}): HttpTransport {
  const t = new HttpTransport({ baseUrl, authorization: 'Bearer nxs_test', timeoutMillis: options.timeoutMillis ?? 5_000, maxSockets: options.maxSockets ?? 4, observe: options.observe, headers: options.headers });
  cleanups.push(() => t.close());
  return t;
}

const json = (res: ServerResponse, status: number, value: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

function responseOf(result: HttpResult): { status: number; body: string } {
  if (result.kind !== 'response') throw new Error(`expected a response, got ${result.code} ${result.message}`);
  return { status: result.response.status, body: result.response.body };
}

describe('HttpTransport', () => {
  it('writes method, base path, host, headers and a UTF-8 body with its byte length', async () => {
    const server = await nodeServer((_req, res) => json(res, 201, { span_id: 's' }));
    const t = transport(server.url, { headers: { 'x-tenant': 'acme' } });
    const result = await t.request('POST', '/api/v1/traces/t%201/spans', { name: 'chat ✓', input: 'Grüße' });
    expect(responseOf(result)).toEqual({ status: 201, body: '{"span_id":"s"}' });
    const [seen] = server.seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/base/api/v1/traces/t%201/spans', body: '{"name":"chat ✓","input":"Grüße"}' });
    expect(seen!.headers).toMatchObject({
      host: server.url.host,
      authorization: 'Bearer nxs_test',
      accept: 'application/json',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(seen!.body)),
      'x-tenant': 'acme',
    });
    expect(seen!.headers['user-agent']).toMatch(/^nexus-otel\/\d/);
    // A GET has no body and says none.
    await t.request('GET', '/api/v1/traces?limit=1');
    expect(server.seen[1]!.headers['content-length']).toBeUndefined();
    expect(server.seen[1]!.url).toBe('/base/api/v1/traces?limit=1');
  });

  it('a latin1 header value (which Node allows) goes out as latin1, the body still as UTF-8', async () => {
    const server = await nodeServer((_req, res) => json(res, 201, { span_id: 's' }));
    const t = transport(server.url, { headers: { 'x-team': 'Équipe' } });
    expect(responseOf(await t.request('POST', '/x', { name: 'Grüße' })).status).toBe(201);
    expect(server.seen[0]!.headers['x-team']).toBe('Équipe');
    expect(server.seen[0]!.body).toBe('{"name":"Grüße"}');
    expect(server.seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"Grüße"}')));
  });

  it('keeps one connection for requests one after another, and opens at most maxSockets', async () => {
    let hold: Array<() => void> = [];
    const server = await nodeServer((_req, res) => hold.push(() => json(res, 201, { span_id: 's' })));
    const t = transport(server.url, { maxSockets: 2 });
    for (let i = 0; i < 5; i += 1) {
      const pending = t.request('POST', '/x', { i });
      while (hold.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      hold.shift()!();
      expect(responseOf(await pending).status).toBe(201);
    }
    expect(server.connections()).toBe(1);

    const burst = Array.from({ length: 6 }, (_, i) => t.request('POST', '/y', { i }));
    for (let answered = 0; answered < 6; ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(hold.length).toBeLessThanOrEqual(2);
      answered += hold.length;
      const now = hold;
      hold = [];
      for (const answer of now) answer();
    }
    expect((await Promise.all(burst)).map((r) => responseOf(r).status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(server.connections()).toBe(2);
  });

  it('a connection the server closed while idle is not used again: the next request opens another', async () => {
    let connections = 0;
    const url = await rawServer((socket) => {
      connections += 1;
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}');
      // Closed soon after, without a word (no keep-alive hint), as a load balancer does.
      setTimeout(() => socket.end(), 30);
    });
    const results: HttpResult[] = [];
    const t = transport(url, { observe: (result) => results.push(result) });
    expect(responseOf(await t.request('GET', '/a')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(responseOf(await t.request('GET', '/b')).status).toBe(200);
    expect(connections).toBe(2);
    expect(results.map((result) => result.kind)).toEqual(['response', 'response']);
  });

  it('keep-alive: timeout=N is honoured a second early; timeout=0 or 1 means not kept at all', async () => {
    // Node's server says `keep-alive: timeout=0` when its keepAliveTimeout is under a second.
    const quick = await nodeServer((_req, res) => json(res, 200, { ok: true }), 50);
    const t = transport(quick.url);
    expect(responseOf(await t.request('GET', '/a')).status).toBe(200);
    expect(responseOf(await t.request('GET', '/b')).status).toBe(200);
    expect(quick.connections()).toBe(2);
    // The default 5 s: kept.
    const usual = await nodeServer((_req, res) => json(res, 200, { ok: true }));
    const u = transport(usual.url);
    await u.request('GET', '/a');
    await u.request('GET', '/b');
    expect(usual.connections()).toBe(1);
    expect(usual.seen[0]!.connection).toBe(usual.seen[1]!.connection);
  });

  it('reads chunked answers, and answers that close the connection', async () => {
    const server = await nodeServer((req, res) => {
      if (req.url?.endsWith('/chunked')) {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.write('{"span_');
        setTimeout(() => res.end('id":"late"}'), 20);
      } else {
        res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
        res.end('{"closing":true}');
      }
    });
    const t = transport(server.url);
    expect(responseOf(await t.request('POST', '/chunked', {}))).toEqual({ status: 201, body: '{"span_id":"late"}' });
    expect(responseOf(await t.request('GET', '/close'))).toEqual({ status: 200, body: '{"closing":true}' });
    expect(responseOf(await t.request('GET', '/close'))).toEqual({ status: 200, body: '{"closing":true}' });
    // The chunked answer's connection was kept and carried the first close; the second needed another.
    expect(server.connections()).toBe(2);
  });

  it('an HTML error page without length (a proxy, a CDN) is read to the connection end', async () => {
    const url = await rawServer((socket) => socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\n\r\n<html>502 Bad Gateway</html>'));
    const result = await transport(url).request('POST', '/x', {});
    expect(responseOf(result)).toEqual({ status: 502, body: '<html>502 Bad Gateway</html>' });
  });

  it('an answer that is not HTTP fails the request once it was sent, and the connection is dropped', async () => {
    let connections = 0;
    const url = await rawServer((socket) => {
      connections += 1;
      socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    });
    const t = transport(url);
    const result = await t.request('POST', '/x', { a: 1 });
    expect(result).toMatchObject({ kind: 'failure', sent: true, code: 'HPE_INVALID', reusedSocket: false });
    await t.request('POST', '/x', { a: 2 });
    expect(connections).toBe(2);
  });

  it('a connection reset in the middle of an answer: ECONNRESET, sent', async () => {
    const url = await rawServer((socket) => {
      socket.write('HTTP/1.1 201 Created\r\ncontent-length: 100\r\n\r\n{"span');
      setTimeout(() => socket.destroy(), 10);
    });
    const result = await transport(url).request('POST', '/x', {});
    expect(result).toMatchObject({ kind: 'failure', sent: true, code: 'ECONNRESET' });
  });

  it('no answer within timeoutMillis: ETIMEDOUT; a request waiting for a connection times out unsent', async () => {
    const server = await nodeServer(() => undefined);
    const t = transport(server.url, { timeoutMillis: 300, maxSockets: 1 });
    const [first, second] = await Promise.all([t.request('POST', '/hang', {}), t.request('POST', '/queued', {})]);
    expect(first).toMatchObject({ kind: 'failure', sent: true, timedOut: true, code: 'ETIMEDOUT' });
    expect(second).toMatchObject({ kind: 'failure', sent: false, timedOut: true, code: 'ETIMEDOUT' });
    expect(server.seen.map((s) => s.url)).toEqual(['/base/hang']);
  });

  it('close() settles what is in flight and says nothing to the observer', async () => {
    const server = await nodeServer(() => undefined);
    const observed: HttpResult[] = [];
    const t = transport(server.url, { observe: (result) => observed.push(result) });
    const pending = t.request('POST', '/x', {});
    while (server.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    t.close();
    expect((await pending).kind).toBe('failure');
    expect((await t.request('GET', '/after')).kind).toBe('failure');
    expect(observed).toEqual([]);
  });

  it('connection refused: ECONNREFUSED, not sent', async () => {
    const server = await nodeServer(() => undefined);
    const port = server.url.port;
    await cleanups.pop()!();
    const result = await transport(new URL(`http://127.0.0.1:${port}`)).request('POST', '/x', {});
    expect(result).toMatchObject({ kind: 'failure', sent: false, code: 'ECONNREFUSED' });
  });
});
