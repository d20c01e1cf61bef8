// Delivery through the networks users run in, over real sockets: the User-Agent every request
// carries (from the source and from the built package), extra headers (NEXUS_HEADERS and the
// `headers` option, never Authorization, never logged), Retry-After on 503 and a proxy's 429, a
// private CA (`ca`, NEXUS_CA_FILE, beside NODE_EXTRA_CA_CERTS), and an HTTPS proxy reached with
// CONNECT (HTTPS_PROXY, NO_PROXY, the `proxy` option). Nexus is the local server, behind a small
// https front with a certificate made by openssl for the test.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diag } from '@opentelemetry/api';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter, type NexusExporterOptions } from '../src/index.js';
import { bypassesProxy, resolveConfig } from '../src/config/resolve.js';
import { classify, retryAfterOf, type Failure } from '../src/nexus/outcome.js';
import type { HttpResult } from '../src/nexus/http.js';
import { captureDiag, eventually, exportBatch, SpanFactory } from './helpers.js';
import { listenOnLoopback } from './net.js';

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
const QUICKSTART = fileURLToPath(new URL('./fixtures/quickstart-stderr.ts', import.meta.url));
const run = promisify(execFile);

const cleanups: Array<() => Promise<void> | void> = [];
const savedEnv = { ...process.env };
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
  diag.disable();
});

// ---------------------------------------------------------------------------------------------
// Certificates, servers and a proxy.

interface Pem {
  key: string;
  cert: string;
}

let dir: string;
/** A private CA and a leaf for 127.0.0.1 under it (served with its chain), and an unrelated CA. */
let certs: { ca: string; leaf: Pem; otherCa: string; caFile: string; otherCaFile: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexus-otel-net-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-days', '1', '-keyout', file('ca.key'), '-out', file('ca.crt'), '-subj', '/CN=nexus-otel test CA');
  openssl('req', '-x509', ...ec, '-days', '1', '-keyout', file('other.key'), '-out', file('other.crt'), '-subj', '/CN=nexus-otel unrelated CA');
  openssl('req', '-new', ...ec, '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('leaf.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-out', file('leaf.crt'), '-extfile', file('leaf.ext'));
  const read = (name: string): string => readFileSync(file(name), 'utf8');
  certs = {
    ca: read('ca.crt'),
    leaf: { key: read('leaf.key'), cert: read('leaf.crt') + read('ca.crt') },
    otherCa: read('other.crt'),
    caFile: file('ca.crt'),
    otherCaFile: file('other.crt'),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listen(server: Server): Promise<number> {
  return listenOnLoopback(server, cleanups);
}

async function nexus(): Promise<{ server: NexusLocal; key: string }> {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  cleanups.push(() => server.close());
  return { server, key };
}

interface Front {
  url: string;
  port: number;
  /** The headers of every request that reached the front. */
  seen: IncomingHttpHeaders[];
}

/**
 * Nexus as users reach it: an http or https server in front of the local one, forwarding every
 * request; `answer` may answer a request itself instead.
 */
async function front(target: NexusLocal, options: { tls?: Pem; answer?: (req: IncomingMessage) => { status: number; body: unknown } | undefined } = {}): Promise<Front> {
  const seen: IncomingHttpHeaders[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push(req.headers);
    const own = options.answer?.(req);
    if (own) {
      req.resume();
      res.writeHead(own.status, { 'content-type': 'application/json' }).end(JSON.stringify(own.body));
      return;
    }
    const upstream = httpRequest(new URL(req.url ?? '/', target.url), { method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createHttpServer(handle);
  const port = await listen(server);
  return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, seen };
}

interface Proxy {
  url: string;
  port: number;
  /** CONNECT requests: their target and headers. */
  connects: Array<{ target: string; headers: IncomingHttpHeaders }>;
  /** Tunnels opened. */
  tunnels: number;
  /** Requests sent to the proxy in clear (absolute-form), which would show it the key. */
  plain: number;
  /** Every byte the client sent through its tunnels. */
  tunnelled(): Buffer;
}

/** A forward proxy that only tunnels (CONNECT), or refuses with `refuse` (e.g. 407). */
async function connectProxy(refuse?: number): Promise<Proxy> {
  const bytes: Buffer[] = [];
  const state = { connects: [] as Proxy['connects'], tunnels: 0, plain: 0 };
  const server = createHttpServer((_req, res) => {
    state.plain += 1;
    res.writeHead(502).end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    state.connects.push({ target, headers: req.headers });
    if (refuse) {
      client.end(`HTTP/1.1 ${refuse} Refused\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    state.tunnels += 1;
    const at = target.lastIndexOf(':');
    const upstream = netConnect(Number(target.slice(at + 1)), target.slice(0, at), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    client.on('data', (chunk: Buffer) => bytes.push(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects: state.connects,
    get tunnels() {
      return state.tunnels;
    },
    get plain() {
      return state.plain;
    },
    tunnelled: () => Buffer.concat(bytes),
  };
}

function exporterTo(baseUrl: string, key: string, options: NexusExporterOptions = {}): NexusSpanExporter {
  const exporter = new NexusSpanExporter({ apiKey: key, baseUrl, spanFilter: 'all', retryBaseMillis: 5, maxAttempts: 3, flushTimeoutMillis: 5_000, ...options });
  cleanups.push(() => exporter.shutdown());
  return exporter;
}

async function sendRun(exporter: NexusSpanExporter, name = 'run'): Promise<void> {
  expect(await exportBatch(exporter, new SpanFactory().tree(2, 1, name))).toBe(0);
  await exporter.forceFlush();
}

function env(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

const NO_PROXY_ENV = { HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

// ---------------------------------------------------------------------------------------------

describe('User-Agent', () => {
  const expected = `nexus-otel/${VERSION} node/${process.version}`;

  it('every request says nexus-otel/<version of package.json> node/<version>', async () => {
    const { server, key } = await nexus();
    const seenBy = await front(server);
    await sendRun(exporterTo(seenBy.url, key));
    expect(seenBy.seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seenBy.seen.map((headers) => headers['user-agent']))).toEqual(new Set([expected]));
  });

  it('the built package reads the same version, as ESM (dist/) and as CommonJS (dist/cjs/)', async () => {
    // ESM: tsc's output (`npm test` builds it first; by hand: npx tsc -b packages/exporter).
    const esm = pathToFileURL(join(PACKAGE_DIR, 'dist', 'version.js')).href;
    const fromEsm = await run(process.execPath, ['--input-type=module', '-e', `import { userAgent } from ${JSON.stringify(esm)}; console.log(userAgent());`]).catch((error: { stderr?: string }) => {
      throw new Error(`dist/version.js did not load (build with npx tsc -b packages/exporter): ${error.stderr ?? String(error)}`);
    });
    expect(fromEsm.stdout.trim()).toBe(expected);

    // CommonJS: compiled as scripts/build-cjs.mjs compiles it (import.meta.url made from __filename),
    // into a copy of the package's layout, so the test needs no full build and races no other.
    const copy = mkdtempSync(join(tmpdir(), 'nexus-otel-cjs-'));
    cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
    mkdirSync(join(copy, 'dist', 'cjs'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), readFileSync(join(PACKAGE_DIR, 'package.json')));
    writeFileSync(join(copy, 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
    const source = readFileSync(join(PACKAGE_DIR, 'src', 'version.ts'), 'utf8');
    const buildCjs = readFileSync(join(PACKAGE_DIR, '..', '..', 'scripts', 'build-cjs.mjs'), 'utf8');
    expect(buildCjs).toContain("define: { 'import.meta.url': '__moduleUrl' }");
    const compiled = await transform(source, {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node20.6',
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: true } },
      define: { 'import.meta.url': '__moduleUrl' },
      banner: `"use strict";\nconst __moduleUrl = require("node:url").pathToFileURL(__filename).href;`,
    });
    writeFileSync(join(copy, 'dist', 'cjs', 'version.js'), compiled.code);
    const fromCjs = await run(process.execPath, ['-e', `console.log(require(${JSON.stringify(join(copy, 'dist', 'cjs', 'version.js'))}).userAgent())`]);
    expect(fromCjs.stdout.trim()).toBe(expected);
  });
});

describe('extra headers: NEXUS_HEADERS and the headers option', () => {
  it('are sent, merged name by name (the option wins), values URL-decoded; Authorization stays the key', async () => {
    const { server, key } = await nexus();
    const seenBy = await front(server);
    const lines = captureDiag();
    env({ NEXUS_HEADERS: 'X-Tenant=acme%20corp, X-Route = blue ,Authorization=Bearer%20stolen,x-gateway-key=from-env' });
    const exporter = exporterTo(seenBy.url, key, { headers: { 'x-gateway-key': 'gw-0123456789', Authorization: 'Bearer mine', 'bad header': 'x' } });
    await sendRun(exporter);
    expect(server.traces()).toHaveLength(1);
    for (const headers of seenBy.seen) {
      expect(headers).toMatchObject({ 'x-tenant': 'acme corp', 'x-route': 'blue', 'x-gateway-key': 'gw-0123456789', authorization: `Bearer ${key}` });
    }
    const said = lines.join('\n');
    expect(said).toContain('header "Authorization" in NEXUS_HEADERS ignored: the exporter sets it.');
    expect(said).toContain('header "Authorization" in the headers option ignored: the exporter sets it.');
    expect(said).toContain('header "bad header" in the headers option ignored: not a valid HTTP header name or value.');
    expect(said).not.toContain('stolen');
  });

  it('their values are never said, even when a gateway echoes them back', async () => {
    const { server, key } = await nexus();
    const secret = 'gw-secret-4f9a8b7c6d5e';
    const envSecret = 'tenant token/with spaces';
    // The gateway refuses the trace, quoting what it got.
    const seenBy = await front(server, {
      answer: (req) => (req.method === 'POST' && req.url === '/api/v1/traces' ? { status: 400, body: { error: `bad gateway key ${String(req.headers['x-gateway-key'])} for ${String(req.headers['x-tenant'])}` } } : undefined),
    });
    const lines = captureDiag();
    env({ NEXUS_HEADERS: `x-tenant=${encodeURIComponent(envSecret)}` });
    await sendRun(exporterTo(seenBy.url, key, { headers: { 'x-gateway-key': secret } }));
    expect(seenBy.seen.some((headers) => headers['x-gateway-key'] === secret && headers['x-tenant'] === envSecret)).toBe(true);
    const said = lines.join('\n');
    expect(said).toMatch(/400 bad gateway key/);
    expect(said).not.toContain(secret);
    expect(said).not.toContain(envSecret);
    expect(said).not.toContain(encodeURIComponent(envSecret));
  });
});

describe('Retry-After', () => {
  it('on a 503, the next attempt of that request waits at least as long as it says', async () => {
    const { server, key } = await nexus();
    server.faults.failNext(1, 503, { body: { error: 'Service Unavailable' }, headers: { 'retry-after': '2' }, match: { method: 'POST', path: '/api/v1/traces' } });
    await sendRun(exporterTo(server.url, key));
    const creates = server.requests.filter((entry) => entry.method === 'POST' && entry.path === '/api/v1/traces');
    expect(creates.map((entry) => entry.status)).toEqual([503, 201]);
    expect(creates[1]!.startedAt - creates[0]!.endedAt).toBeGreaterThanOrEqual(1_950);
    expect(server.traces()).toHaveLength(1);
  });

  it("a proxy's 429 (not the monthly limit) holds every new upload, flush or not, until it has passed", async () => {
    const { server, key } = await nexus();
    server.faults.failNext(1, 429, { body: { error: 'Too Many Requests' }, headers: { 'retry-after': '2' }, match: { method: 'POST', path: '/api/v1/traces' } });
    // One attempt a request: the first trace is put back at once, and the pipeline's pause decides.
    const exporter = exporterTo(server.url, key, { maxAttempts: 1 });
    expect(await exportBatch(exporter, new SpanFactory().tree(2, 1, 'first'))).toBe(0);
    expect(await eventually(() => server.requests.some((entry) => entry.status === 429))).toBe(true);
    const refused = server.requests.find((entry) => entry.status === 429)!;
    expect(await exportBatch(exporter, new SpanFactory().tree(2, 1, 'second'))).toBe(0);
    await exporter.forceFlush();
    const after = server.requests.filter((entry) => entry.startedAt > refused.startedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after.map((entry) => entry.startedAt)) - refused.endedAt).toBeGreaterThanOrEqual(1_950);
    expect(server.traces().map((t) => t.name).sort()).toEqual(['first 0', 'second 0']);
  });

  it('reads seconds or an HTTP date, never waits less than 0 nor more than 60 s, and only on 503 and 429', () => {
    const now = Date.parse('2026-12-03T09:00:00Z');
    const answer = (status: number, retryAfter: string | undefined, body = ''): HttpResult => ({
      kind: 'response',
      response: { status, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter }, body },
    });
    expect(retryAfterOf(answer(503, '7'), now)).toBe(7_000);
    expect(retryAfterOf(answer(503, 'Thu, 03 Dec 2026 09:00:05 GMT'), now)).toBe(5_000);
    expect(retryAfterOf(answer(503, 'Thu, 03 Dec 2026 08:00:00 GMT'), now)).toBe(0);
    expect(retryAfterOf(answer(429, '3600'), now)).toBe(60_000);
    expect(retryAfterOf(answer(503, 'soon'), now)).toBeUndefined();
    expect(retryAfterOf(answer(502, '7'), now)).toBeUndefined();
    const failure = (result: HttpResult): Failure | undefined => {
      const outcome = classify(result, now);
      return outcome.ok ? undefined : outcome.failure;
    };
    expect(failure(answer(503, '7'))).toMatchObject({ kind: 'transient', retryAfterMillis: 7_000 });
    // Nexus's own 429 is the monthly quota: a block until the month turns, not a pause.
    expect(failure(answer(429, '7', JSON.stringify({ error: 'Monthly trace limit reached' })))).toEqual({ kind: 'monthly_limit', message: '429 Monthly trace limit reached' });
  });
});

describe('a private CA', () => {
  it('the ca option and NEXUS_CA_FILE make a Nexus behind it reachable', async () => {
    const { server, key } = await nexus();
    const secure = await front(server, { tls: certs.leaf });
    const without = captureDiag();
    await sendRun(exporterTo(secure.url, key, { maxAttempts: 1, flushTimeoutMillis: 500 }));
    expect(without.join('\n')).toMatch(/cannot reach Nexus at 127\.0\.0\.1:\d+: SELF_SIGNED_CERT_IN_CHAIN/);
    expect(server.traces()).toHaveLength(0);

    const lines = captureDiag();
    await sendRun(exporterTo(secure.url, key, { ca: certs.ca }));
    expect(server.traces()).toHaveLength(1);
    env({ NEXUS_CA_FILE: certs.caFile });
    await sendRun(exporterTo(secure.url, key, { agent: 'from-file' }));
    expect(server.traces()).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/cannot reach/);
  });

  it('is added to what Node trusts (NODE_EXTRA_CA_CERTS included), not put in its place', async () => {
    const { server, key } = await nexus();
    const secure = await front(server, { tls: certs.leaf });
    const quickstart = async (extra: Record<string, string>): Promise<string> => {
      const base = { ...process.env };
      for (const name of Object.keys(base)) if (name.startsWith('NEXUS_') || name.startsWith('OTEL_') || name === 'NODE_EXTRA_CA_CERTS') delete base[name];
      const { stdout } = await run(process.execPath, ['--import', 'tsx', QUICKSTART], {
        env: { ...base, NEXUS_API_KEY: key, NEXUS_BASE_URL: secure.url, NEXUS_FLUSH_TIMEOUT_MILLIS: '3000', NEXUS_MAX_ATTEMPTS: '1', ...extra },
        timeout: 20_000,
      });
      return stdout;
    };
    // The server's CA in NEXUS_CA_FILE, an unrelated one in NODE_EXTRA_CA_CERTS: delivered.
    expect(await quickstart({ NEXUS_CA_FILE: certs.caFile, NODE_EXTRA_CA_CERTS: certs.otherCaFile })).toContain('"heldSpans":0');
    // The other way round: NODE_EXTRA_CA_CERTS still counts beside NEXUS_CA_FILE.
    expect(await quickstart({ NEXUS_CA_FILE: certs.otherCaFile, NODE_EXTRA_CA_CERTS: certs.caFile })).toContain('"heldSpans":0');
    expect(server.traces()).toHaveLength(2);
  }, 45_000);

  it('a CA that cannot be used (a NEXUS_CA_FILE not there, text that is no certificate) turns the exporter off with one line naming it', () => {
    const lines = captureDiag();
    expect(exporterTo('https://127.0.0.1:1', generateKey(), { ca: 'not a certificate' }).getStats().enabled).toBe(false);
    env({ NEXUS_CA_FILE: join(dir, 'missing.pem') });
    expect(exporterTo('https://127.0.0.1:1', generateKey()).getStats().enabled).toBe(false);
    const said = lines.join('\n');
    expect(said).toContain('disabled: the ca option holds no PEM certificate (-----BEGIN CERTIFICATE-----). Nothing will be sent to Nexus.');
    expect(said).toMatch(/disabled: NEXUS_CA_FILE \(".*missing\.pem"\) cannot be read: ENOENT\. Nothing will be sent to Nexus\./);
  });
});

describe('an HTTPS proxy (CONNECT)', () => {
  it('HTTPS_PROXY: requests go through a tunnel; the proxy sees host:port, never the key', async () => {
    const { server, key } = await nexus();
    const secure = await front(server, { tls: certs.leaf });
    const proxy = await connectProxy();
    env({ ...NO_PROXY_ENV, HTTPS_PROXY: proxy.url });
    await sendRun(exporterTo(secure.url, key, { ca: certs.ca }));
    expect(server.traces()).toHaveLength(1);
    expect(proxy.tunnels).toBeGreaterThanOrEqual(1);
    expect(proxy.plain).toBe(0);
    expect(new Set(proxy.connects.map((c) => c.target))).toEqual(new Set([`127.0.0.1:${secure.port}`]));
    for (const { headers } of proxy.connects) expect(headers['authorization']).toBeUndefined();
    const clear = proxy.tunnelled().toString('latin1');
    expect(clear).not.toContain(key);
    expect(clear).not.toContain('/api/v1/traces');
  });

  it('a process that ends without shutdown still ends at once: no tunnel keeps it alive', async () => {
    const { server, key } = await nexus();
    const secure = await front(server, { tls: certs.leaf });
    const proxy = await connectProxy();
    const base = { ...process.env };
    for (const name of Object.keys(base)) if (name.startsWith('NEXUS_') || name.startsWith('OTEL_') || /^(https?|no)_proxy$/i.test(name)) delete base[name];
    const started = Date.now();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', QUICKSTART], {
      env: { ...base, NEXUS_API_KEY: key, NEXUS_BASE_URL: secure.url, NEXUS_CA_FILE: certs.caFile, HTTPS_PROXY: proxy.url },
      timeout: 20_000,
    });
    expect(stdout).toContain('"heldSpans":0');
    expect(proxy.tunnels).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('NO_PROXY=127.0.0.1 reaches Nexus directly', async () => {
    const { server, key } = await nexus();
    const secure = await front(server, { tls: certs.leaf });
    const proxy = await connectProxy();
    env({ ...NO_PROXY_ENV, HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    await sendRun(exporterTo(secure.url, key, { ca: certs.ca }));
    expect(server.traces()).toHaveLength(1);
    expect(proxy.connects).toHaveLength(0);
  });

  it('the proxy option, with credentials: Proxy-Authorization to the proxy, never said', async () => {
    const { server, key } = await nexus();
    const secure = await front(server, { tls: certs.leaf });
    const proxy = await connectProxy();
    const lines = captureDiag();
    env(NO_PROXY_ENV);
    await sendRun(exporterTo(secure.url, key, { ca: certs.ca, proxy: `http://relay:pr0xy-pa55word@127.0.0.1:${proxy.port}` }));
    expect(server.traces()).toHaveLength(1);
    expect(proxy.connects[0]?.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('relay:pr0xy-pa55word').toString('base64')}`);
    expect(lines.join('\n')).not.toContain('pr0xy-pa55word');
  });

  it('a proxy that refuses the tunnel is a delivery failure said once, not a refusal by Nexus', async () => {
    const { server, key } = await nexus();
    const secure = await front(server, { tls: certs.leaf });
    const proxy = await connectProxy(407);
    const lines = captureDiag();
    env({ ...NO_PROXY_ENV, HTTPS_PROXY: `http://relay:pr0xy-pa55word@127.0.0.1:${proxy.port}` });
    const exporter = exporterTo(secure.url, key, { ca: certs.ca, maxAttempts: 2, flushTimeoutMillis: 500 });
    await sendRun(exporter);
    const said = lines.filter((line) => line.includes('cannot reach Nexus'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`cannot reach Nexus at 127.0.0.1:${secure.port} through the proxy 127.0.0.1:${proxy.port}: ERR_PROXY_TUNNEL (proxy 127.0.0.1:${proxy.port} answered 407 Refused to CONNECT 127.0.0.1:${secure.port})`);
    // Held for a retry, not dropped as if Nexus had refused the key or the trace.
    expect(exporter.getStats()).toMatchObject({ heldSpans: 2, dropped: {} });
    expect(lines.join('\n')).not.toContain('pr0xy-pa55word');
    expect(secure.seen).toHaveLength(0);
  });

  it('an http:// base URL (loopback) never goes through the proxy: the key would cross it in clear', async () => {
    const { server, key } = await nexus();
    const proxy = await connectProxy();
    env({ ...NO_PROXY_ENV, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    await sendRun(exporterTo(server.url, key));
    expect(server.traces()).toHaveLength(1);
    expect(proxy.connects).toHaveLength(0);
    expect(proxy.plain).toBe(0);
  });

  it('which settings pick which proxy', () => {
    const proxyOf = (baseUrl: string, environment: Record<string, string>, options: NexusExporterOptions = {}): { proxy?: string; warnings: string[] } => {
      const resolved = resolveConfig({ apiKey: 'nxs_test', baseUrl, ...options }, environment);
      if (!resolved.ok) throw new Error(resolved.reason);
      return { ...(resolved.config.proxy ? { proxy: resolved.config.proxy.href } : {}), warnings: resolved.warnings };
    };
    const base = 'https://nexus.example.com';
    expect(proxyOf(base, { HTTPS_PROXY: 'http://p:3128' })).toEqual({ proxy: 'http://p:3128/', warnings: [] });
    expect(proxyOf(base, { HTTP_PROXY: 'p:8080' })).toEqual({ proxy: 'http://p:8080/', warnings: [] });
    expect(proxyOf(base, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1', HTTP_PROXY: 'http://other:1' }).proxy).toBe('http://lower:1/');
    expect(proxyOf(base, { HTTPS_PROXY: 'http://p:3128' }, { proxy: false })).toEqual({ warnings: [] });
    expect(proxyOf(base, { HTTPS_PROXY: 'http://p:3128' }, { proxy: 'http://mine:1' }).proxy).toBe('http://mine:1/');
    expect(proxyOf(base, { HTTPS_PROXY: 'http://p:3128', NO_PROXY: '.example.com' })).toEqual({ warnings: [] });
    expect(proxyOf(base, { HTTPS_PROXY: 'socks5://p:1080' })).toEqual({ warnings: ['proxy socks5://p:1080 is not http(s): Nexus is reached directly.'] });
    expect(proxyOf('http://nexus.internal', { HTTPS_PROXY: 'http://p:3128' }, { allowInsecureHttp: true })).toEqual({
      warnings: ['nexus.internal is plain http: it is reached directly, not through the proxy, which would see the API key in clear.'],
    });
    expect(proxyOf('http://localhost:8080', { HTTP_PROXY: 'http://p:3128' })).toEqual({ warnings: [] });

    const bypass = (url: string, list: string): boolean => bypassesProxy(new URL(url), list);
    expect(bypass('https://api.example.com', 'example.com')).toBe(true);
    expect(bypass('https://example.com', '.example.com')).toBe(true);
    expect(bypass('https://api.example.com', '*.example.com')).toBe(true);
    expect(bypass('https://badexample.com', 'example.com')).toBe(false);
    expect(bypass('https://127.0.0.1:8443', 'localhost, 127.0.0.1')).toBe(true);
    expect(bypass('https://127.0.0.1:8443', '127.0.0.1:443')).toBe(false);
    expect(bypass('https://127.0.0.1:8443', '127.0.0.1:8443')).toBe(true);
    expect(bypass('https://[::1]:8443', '[::1]')).toBe(true);
    expect(bypass('https://anything.example', '*')).toBe(true);
    expect(bypass('https://nexus.example.com', '')).toBe(false);
  });
});
