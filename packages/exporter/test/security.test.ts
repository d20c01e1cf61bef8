// Security, over real HTTP: the API key stays in the Authorization header (never in diag output at
// ALL level, errors, stats or span data, whatever Nexus answers); plain http is refused off loopback;
// secrets are scrubbed in every field; no content leaves when capture is off. Every request body
// the exporter sends is recorded by a small proxy between it and the local Nexus.
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diag } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter, createNexusExporters, type NexusExporterOptions, type ReadableLogRecordLike, type ReadableSpanLike } from '../src/index.js';
import { ExportResultCode, type SpanEventLike } from '../src/otel/types.js';
import { captureDiag, eventually } from './helpers.js';
import { loadFixture } from './fixtures/load.js';

// ---------------------------------------------------------------------------------------------
// A recording proxy: forwards every request to the local Nexus and keeps what was sent.

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface RecordingProxy {
  url: string;
  port: number;
  requests: Recorded[];
  close(): Promise<void>;
}

async function recordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: body.toString('utf8') });
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      // The server reset or dropped the connection (a fault): the client sees the same.
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Spans as the SDK hands them over (plain objects, so any attribute can be set).

let spanCounter = 0;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').slice(-width);
}

function newTraceId(): string {
  spanCounter += 1;
  return `5ec0${hex(Date.now(), 12)}${hex(spanCounter, 16)}`;
}

interface SpanSpec {
  name: string;
  parent?: ReadableSpanLike;
  attributes?: Record<string, unknown>;
  events?: SpanEventLike[];
  error?: string;
}

function makeSpan(traceId: string, spec: SpanSpec): ReadableSpanLike {
  spanCounter += 1;
  const spanId = hex(0x5ec000000000 + spanCounter, 16);
  const start = Date.now() - 5_000 + spanCounter;
  const context = { traceId, spanId, traceFlags: 1 };
  return {
    name: spec.name,
    kind: 0,
    spanContext: () => context,
    parentSpanContext: spec.parent ? spec.parent.spanContext() : undefined,
    startTime: [Math.floor(start / 1000), (start % 1000) * 1e6],
    endTime: [Math.floor(start / 1000) + 1, (start % 1000) * 1e6],
    status: spec.error === undefined ? { code: 0 } : { code: 2, message: spec.error },
    attributes: spec.attributes ?? {},
    events: spec.events ?? [],
    resource: { attributes: { 'service.name': 'security-test' } },
    instrumentationScope: { name: 'security-test' },
  };
}

function exportSpans(exporter: NexusSpanExporter, spans: ReadableSpanLike[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans as never, (result) => resolve(result)));
}

/** Every way a string can appear in a JSON body: as is, and JSON-escaped. */
function forms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1)])];
}

function leaks(haystack: string, secret: string): boolean {
  return forms(secret).some((form) => haystack.includes(form));
}

// ---------------------------------------------------------------------------------------------

describe('the API key stays in the Authorization header, whatever Nexus answers', () => {
  const key = generateKey();
  const keyHex = key.slice('nxs_'.length);
  let server: NexusLocal;
  let proxy: RecordingProxy;
  let diagLines: string[];
  let exporter: NexusSpanExporter;
  const results: Array<{ code: number; error?: Error }> = [];

  beforeAll(async () => {
    server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
    proxy = await recordingProxy(server.url);
    diagLines = captureDiag(); // ALL levels, debug and verbose included
    exporter = new NexusSpanExporter({
      apiKey: key,
      baseUrl: proxy.url,
      spanFilter: 'all',
      timeoutMillis: 300,
      retryBaseMillis: 1,
      maxAttempts: 2,
      authRetryMillis: 1,
      limitRetryMillis: 1,
      maxTraceWaitMillis: 60_000,
      flushTimeoutMillis: 10_000,
    });
  });
  afterAll(async () => {
    await exporter.shutdown();
    await proxy.close();
    await server.close();
    diag.disable();
  });

  /** A small trace whose spans carry the key the way an app could leak it into its own telemetry. */
  function traceCarryingTheKey(label: string): ReadableSpanLike[] {
    const traceId = newTraceId();
    const root = makeSpan(traceId, { name: `request ${label}`, attributes: { 'app.env.NEXUS_API_KEY': key, note: `key is ${key}` } });
    const child = makeSpan(traceId, {
      name: 'call nexus',
      parent: root,
      attributes: { 'http.request.header.authorization': `Bearer ${key}`, 'url.full': `https://nexus.example/api?key=${key}` },
      error: `failed with Authorization: Bearer ${key}`,
    });
    return [child, root];
  }

  const transient: Array<[string, (server: NexusLocal) => void]> = [
    ['500', (s) => s.faults.failNext(2, 500)],
    ['502 HTML page', (s) => s.faults.failNext(1, 502)],
    ['503', (s) => s.faults.failNext(2, 503)],
    ['connection reset', (s) => s.faults.resetNext(2)],
    ['response lost after commit', (s) => s.faults.dropResponseNext(1)],
    ['timeout', (s) => s.faults.latency(600)],
  ];
  const scenarios: Array<[string, (server: NexusLocal) => void]> = [
    ['400', (s) => s.faults.failNext(1, 400, { body: { error: 'Validation failed', fields: { name: 'is required' } } })],
    ['401', (s) => s.faults.failNext(1, 401, { body: { error: 'Invalid API key' } })],
    ['403', (s) => s.faults.failNext(1, 403, { body: { error: 'Free plan limited to 1 agent', upgrade_url: 'https://nexus.keylightdigital.dev/pricing' } })],
    ['404', (s) => s.faults.failNext(1, 404, { body: { error: 'Trace not found' }, match: { path: /\/spans$/ } })],
    ['429', (s) => s.faults.failNext(1, 429, { body: { error: 'Monthly trace limit reached', limit: 1000, current: 1000 } })],
    ...transient,
  ];
  const landed = new Map<string, string>();

  async function run(label: string, arm: (server: NexusLocal) => void): Promise<string> {
    // The previous scenario's 401/403/429 blocks new traces for authRetryMillis/limitRetryMillis
    // (1 ms here): by design, a trace created inside that window is dropped. Let it pass.
    await new Promise((resolve) => setTimeout(resolve, 10));
    server.faults.clear();
    arm(server);
    const from = diagLines.length;
    const spans = traceCarryingTheKey(label);
    landed.set(label, spans[0]?.spanContext().traceId ?? '');
    results.push(await exportSpans(exporter, spans));
    if (label === 'timeout') {
      // Long enough for a request to time out; then Nexus answers in time again.
      await new Promise((resolve) => setTimeout(resolve, 700));
      server.faults.clear();
    }
    await exporter.forceFlush();
    server.faults.clear();
    if (transient.some(([name]) => name === label)) {
      // Retried until it lands, so that no trace of this scenario is still in flight in the next one.
      const traceId = landed.get(label);
      const arrived = (): boolean => server.traces().some((trace) => (trace.metadata as Record<string, unknown>)['otel_trace_id'] === traceId);
      for (let round = 0; round < 20 && !arrived(); round += 1) await exporter.forceFlush();
      expect(arrived(), `${label}: the trace landed after the fault`).toBe(true);
    }
    return diagLines.slice(from).join('\n');
  }

  it.each(scenarios)('%s: nothing the exporter says or keeps holds the key', async (label, arm) => {
    const said = await run(label, arm);
    const stats = JSON.stringify(exporter.getStats());
    for (const secret of [key, keyHex]) {
      expect(leaks(said, secret)).toBe(false);
      expect(leaks(stats, secret)).toBe(false);
    }
  });

  // What a gateway in front of Nexus could send back: the request's own credentials, echoed.
  // BUG (not in this helper's files): nexus/outcome.ts quotes the server's `error`, `fields` and
  // `upgrade_url` (or 300 characters of a plain-text body) in diag lines, unscrubbed, so an echoed
  // key is printed. it.fails documents each class that leaks; see the report for the fix.
  const echo = (status: number): Record<string, unknown> => ({
    error: status === 429 ? `Monthly trace limit reached for ${key}` : `Request refused for Authorization: Bearer ${key}`,
    fields: { authorization: `Bearer ${key}`, key },
    upgrade_url: `https://nexus.example/pricing?key=${key}`,
  });
  const echoing: Array<[string, (server: NexusLocal) => void, 'leaks today' | 'safe']> = [
    ['400 echoing the key', (s) => s.faults.failNext(1, 400, { body: echo(400) }), 'safe'],
    ['401 echoing the key', (s) => s.faults.failNext(1, 401, { body: echo(401) }), 'safe'],
    ['403 echoing the key', (s) => s.faults.failNext(1, 403, { body: echo(403) }), 'safe'],
    ['404 echoing the key', (s) => s.faults.failNext(1, 404, { body: echo(404), match: { path: /\/spans$/ } }), 'safe'],
    ['429 echoing the key', (s) => s.faults.failNext(1, 429, { body: echo(429) }), 'safe'],
    ['503 echoing the key', (s) => s.faults.failNext(2, 503, { body: echo(503) }), 'safe'],
  ];
  for (const [label, arm, today] of echoing) {
    (today === 'safe' ? it : it.fails)(`${label}: nothing the exporter says holds the key`, async () => {
      const said = await run(label, arm);
      expect(leaks(said, keyHex)).toBe(false);
    });
  }

  it('across all of them: the key went only in the Authorization header, and no stored value holds it', async () => {
    await exporter.forceFlush();
    // Transient failures are retried: those traces landed (so the checks above saw real traffic).
    const stored = new Set(server.traces().map((trace) => (trace.metadata as Record<string, unknown>)['otel_trace_id']));
    for (const [label] of transient) expect(stored.has(landed.get(label)), label).toBe(true);
    const statuses = new Set(server.requests.map((request) => request.status));
    for (const status of [201, 400, 401, 403, 404, 429, 500, 502, 503, null]) expect(statuses).toContain(status);
    expect(diagLines.some((line) => /refused the API key/.test(line))).toBe(true);

    expect(proxy.requests.length).toBeGreaterThan(20);
    for (const request of proxy.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${key}`);
      for (const [name, value] of Object.entries(request.headers)) {
        if (name !== 'authorization') expect(leaks(String(value), keyHex)).toBe(false);
      }
      expect(leaks(request.path, keyHex)).toBe(false);
      expect(leaks(request.body, keyHex)).toBe(false);
    }
    // (`key` is the stored trace's owner, which the local server keeps; not data the exporter sent.)
    const data = JSON.stringify(server.traces().map((trace) => [trace.name, trace.agentName, trace.metadata, trace.spans]));
    expect(leaks(data, keyHex)).toBe(false);
    // The spans did carry it, scrubbed.
    expect(data).toContain('[REDACTED:nexus_key]');
    for (const result of results) expect(result.code).toBe(ExportResultCode.SUCCESS);
  });

  it('an export after shutdown fails with an error that does not hold the key', async () => {
    const own = new NexusSpanExporter({ apiKey: key, baseUrl: proxy.url });
    await own.shutdown();
    const from = diagLines.length;
    const result = await exportSpans(own, traceCarryingTheKey('after shutdown'));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(leaks(`${result.error?.message} ${result.error?.stack}`, keyHex)).toBe(false);
    expect(leaks(diagLines.slice(from).join('\n'), keyHex)).toBe(false);
  });

  it('a misconfiguration (the key pasted as the base URL, a bad key) never repeats the key', async () => {
    const lines = captureDiag();
    try {
      const pasted = new NexusSpanExporter({ apiKey: key, baseUrl: 'not a url' });
      expect(pasted.getStats().enabled).toBe(false);
      const wrongKey = generateKey();
      const refused = new NexusSpanExporter({ apiKey: wrongKey, baseUrl: proxy.url, maxAttempts: 1 });
      await exportSpans(refused, traceCarryingTheKey('wrong key'));
      await refused.forceFlush();
      await refused.shutdown();
      await pasted.shutdown();
      expect(lines.some((line) => /refused the API key/.test(line))).toBe(true);
      expect(leaks(lines.join('\n'), wrongKey.slice(4))).toBe(false);
    } finally {
      diagLines = captureDiag();
    }
  });

  // BUG (not in this helper's files): config/resolve.ts quotes the raw NEXUS_BASE_URL (200 chars) in
  // its "is not a URL" line, so a key pasted into the wrong variable is printed. it.fails documents
  // it; when resolve.ts stops quoting a value that looks like a key, turn this into `it`.
  it('a key pasted into NEXUS_BASE_URL is not printed back', () => {
    const lines = captureDiag();
    try {
      const pasted = new NexusSpanExporter({ apiKey: key, baseUrl: key });
      expect(pasted.getStats().enabled).toBe(false);
      expect(leaks(lines.join('\n'), keyHex)).toBe(false);
    } finally {
      diagLines = captureDiag();
    }
  });

  // BUG (not in this helper's files): the resolved config (pipeline.config.apiKey) and the HTTP
  // transport (authorization) keep the key in enumerable fields, so `console.log(exporter)` or a
  // crash dump that inspects it prints the key. it.fails documents it; fix: keep the key in a
  // #private field (or a non-enumerable one) in config/resolve.ts, pipeline.ts and nexus/http.ts.
  it('inspecting the exporter (console.log, a crash reporter) does not print the key', () => {
    const own = new NexusSpanExporter({ apiKey: key, baseUrl: proxy.url });
    const text = inspect(own, { depth: 8, showHidden: false });
    void own.shutdown();
    expect(leaks(text, keyHex)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

/** Can this machine reach a 127.0.0.1 listener through an IPv4-mapped IPv6 address? */
async function mappedLoopbackWorks(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '::ffff:127.0.0.1', port, path: '/', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

describe('https is required off loopback', () => {
  const key = generateKey();
  let server: NexusLocal;
  let proxy: RecordingProxy;
  let mapped = false;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
    proxy = await recordingProxy(server.url);
    mapped = await mappedLoopbackWorks(proxy.port);
  });
  afterEach(() => {
    for (const name of ['NEXUS_BASE_URL', 'NEXUS_ALLOW_INSECURE_HTTP', 'NEXUS_API_KEY']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    diag.disable();
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  async function tryExporter(options: NexusExporterOptions): Promise<{ enabled: boolean; lines: string[]; sent: number }> {
    const lines = captureDiag();
    const before = proxy.requests.length;
    const exporter = new NexusSpanExporter({ apiKey: key, spanFilter: 'all', maxAttempts: 1, timeoutMillis: 2_000, flushTimeoutMillis: 5_000, ...options });
    const traceId = newTraceId();
    const result = await exportSpans(exporter, [makeSpan(traceId, { name: 'root' })]);
    expect(result.code).toBe(ExportResultCode.SUCCESS); // the app never notices
    await exporter.forceFlush();
    const enabled = exporter.getStats().enabled;
    await exporter.shutdown();
    for (const line of lines) expect(line).not.toContain(key.slice(4));
    return { enabled, lines, sent: proxy.requests.length - before };
  }

  it.each(['http://nexus.example.com', 'http://10.1.2.3:4318', 'http://192.168.0.10', 'http://[2001:db8::1]:8080', 'http://127.0.0.1.nip.io', 'http://localhost.example.com'])(
    'refuses %s: disabled, one line saying why, the app runs on',
    async (baseUrl) => {
      const { enabled, lines } = await tryExporter({ baseUrl });
      expect(enabled).toBe(false);
      expect(lines.filter((line) => /refusing plain http/.test(line))).toHaveLength(1);
    },
  );

  it('refuses a reachable non-loopback http address, and sends to it with allowInsecureHttp (option or environment)', async () => {
    if (!mapped) {
      console.warn('IPv4-mapped IPv6 loopback unreachable here: only the refusal is checked');
    }
    // [::ffff:127.0.0.1] reaches the proxy, but is not one of the loopback names the exporter trusts.
    const baseUrl = `http://[::ffff:127.0.0.1]:${proxy.port}`;
    const refused = await tryExporter({ baseUrl });
    expect(refused.enabled).toBe(false);
    expect(refused.sent).toBe(0);

    process.env['NEXUS_BASE_URL'] = baseUrl;
    const refusedByEnv = await tryExporter({});
    expect(refusedByEnv.enabled).toBe(false);
    expect(refusedByEnv.sent).toBe(0);

    const allowed = await tryExporter({ baseUrl, allowInsecureHttp: true });
    expect(allowed.enabled).toBe(true);
    process.env['NEXUS_ALLOW_INSECURE_HTTP'] = 'true';
    const allowedByEnv = await tryExporter({});
    expect(allowedByEnv.enabled).toBe(true);
    if (mapped) {
      expect(allowed.sent).toBeGreaterThan(0);
      expect(allowedByEnv.sent).toBeGreaterThan(0);
    }
  });

  it.each(['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1', 'https://nexus.example.com', 'https://10.1.2.3:8443'])('accepts %s', async (baseUrl) => {
    const lines = captureDiag();
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl, flushTimeoutMillis: 100, maxAttempts: 1 });
    expect(exporter.getStats().enabled).toBe(true);
    await exporter.shutdown();
    expect(lines.filter((line) => /refusing plain http/.test(line))).toEqual([]);
  });

  it('refuses other schemes', async () => {
    for (const baseUrl of ['ftp://nexus.example.com', 'ws://127.0.0.1:1', 'file:///etc/passwd']) {
      const { enabled } = await tryExporter({ baseUrl });
      expect(enabled).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlX2J5dGVz-_x';
const STORAGE_KEY = `${'Zm9vYmFyYmF6'.repeat(7)}Zm9vYmFy+/==`;

/** One sample per secret kind of scrub-secrets.ts: the text planted, the part that must vanish, its marker. */
const SECRET_KINDS: Array<{ kind: string; text: string; secret: string }> = [
  { kind: 'bearer', text: `Authorization: Bearer ${JWT}`, secret: JWT },
  { kind: 'authorization', text: 'Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==', secret: 'dXNlcjpwYXNzd29yZDEyMw==' },
  { kind: 'nexus_key', text: `NEXUS_API_KEY=nxs_${'5ec2e7'.repeat(10)}abcd`, secret: `${'5ec2e7'.repeat(10)}abcd` },
  { kind: 'openai_key', text: 'OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Ab3dEf6hIj9kLm2n', secret: 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Ab3dEf6hIj9kLm2n' },
  { kind: 'azure_key', text: 'api-key: 0f1e2d3c4b5a69788796a5b4c3d2e1f0', secret: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
  { kind: 'api_key', text: 'x-api-key: q8w7e6r5t4y3u2i1o0p9', secret: 'q8w7e6r5t4y3u2i1o0p9' },
  {
    kind: 'connection_string',
    text: `DefaultEndpointsProtocol=https;AccountName=contosodata;AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net`,
    secret: STORAGE_KEY,
  },
  { kind: 'password', text: 'postgres://admin:s3cr3t-Pa55w0rd@db.example.com:5432/app', secret: 's3cr3t-Pa55w0rd' },
];

describe('secrets are scrubbed in every field, for every kind', () => {
  const key = generateKey();
  let server: NexusLocal;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
    proxy = await recordingProxy(server.url);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  /** A failed run: the secret in the root's name and error, a chat span's name, messages, error and conversation id. */
  function runWith(text: string): { traceId: string; spans: ReadableSpanLike[] } {
    const traceId = newTraceId();
    const root = makeSpan(traceId, { name: `nightly job ${text}`, error: `job failed: ${text}` });
    const chat = makeSpan(traceId, {
      name: `chat ${text}`,
      parent: root,
      error: `chat failed with ${text}`,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.conversation.id': `conv ${text}`,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `please use ${text}` }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `done with ${text}` }] }]),
      },
    });
    const tool = makeSpan(traceId, {
      name: 'execute_tool deploy',
      parent: chat,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'deploy',
        'gen_ai.tool.call.arguments': JSON.stringify({ target: text, client_secret: 'opaque-value-1', nested: { password: 'hunter2-opaque' } }),
        'gen_ai.tool.call.result': JSON.stringify({ log: `used ${text}`, access_token: 'opaque-value-2' }),
      },
    });
    return { traceId, spans: [tool, chat, root] };
  }

  async function send(options: NexusExporterOptions, spans: ReadableSpanLike[]): Promise<string> {
    const before = proxy.requests.length;
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: proxy.url, flushTimeoutMillis: 10_000, ...options });
    await exportSpans(exporter, spans);
    await exporter.shutdown();
    return proxy.requests
      .slice(before)
      .map((request) => request.body)
      .join('\n');
  }

  it.each(SECRET_KINDS)('$kind: gone from the trace name, span names, input, output, errors and metadata', async ({ kind, text, secret }) => {
    const { traceId, spans } = runWith(text);
    const bodies = await send({}, spans);
    expect(leaks(bodies, secret)).toBe(false);
    for (const opaque of ['opaque-value-1', 'opaque-value-2', 'hunter2-opaque']) expect(leaks(bodies, opaque)).toBe(false);

    const stored = server.traces().find((trace) => (trace.metadata as Record<string, unknown>)['otel_trace_id'] === traceId);
    expect(stored).toBeDefined();
    if (!stored) return;
    const marker = `[REDACTED:${kind}]`;
    expect(stored.name).toContain(marker);
    const metadata = stored.metadata as Record<string, string>;
    expect(metadata['error']).toContain(marker);
    expect(metadata['conversation_id']).toContain(marker);
    const chat = stored.spans.find((span) => span.name.startsWith('chat '));
    expect(chat?.name).toContain(marker);
    expect(JSON.stringify(chat?.input)).toContain(marker);
    expect(JSON.stringify(chat?.output)).toContain(marker);
    expect(chat?.error).toContain(marker);
    const tool = stored.spans.find((span) => span.name === 'execute_tool deploy');
    expect(tool?.input).toMatchObject({ target: expect.stringContaining(marker), client_secret: '[REDACTED:secret]', nested: { password: '[REDACTED:password]' } });
    expect(tool?.output).toMatchObject({ log: expect.stringContaining(marker), access_token: '[REDACTED:secret]' });
  });

  it("also with spanFilter 'all' and with content capture off", async () => {
    for (const options of [{ spanFilter: 'all' as const }, { captureContent: false }]) {
      for (const { text, secret } of SECRET_KINDS) {
        const bodies = await send(options, runWith(text).spans);
        expect(leaks(bodies, secret)).toBe(false);
      }
    }
  });

  it('control: with scrubSecrets false the same secrets do leave (so the checks above can see them)', async () => {
    const { text, secret } = SECRET_KINDS[0] as (typeof SECRET_KINDS)[number];
    expect(leaks(await send({ scrubSecrets: false }, runWith(text).spans), secret)).toBe(true);
  });

  // BUG (not in this helper's files): the traceMetadata hook's values are added after privacy
  // (map/trace-metadata.ts wraps the mapper that already scrubbed), so they are neither scrubbed,
  // nor given to `redact`, nor made well-formed. it.fails documents it; see the report for the fix.
  it('values from the traceMetadata hook are scrubbed too', async () => {
    const { text, secret } = SECRET_KINDS[6] as (typeof SECRET_KINDS)[number];
    const bodies = await send({ traceMetadata: () => ({ deployment: text }) }, runWith('nothing secret').spans);
    expect(leaks(bodies, secret)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

/** Unique words planted in every place content can live; none may leave when capture is off. */
const NEEDLES = {
  system: 'NEEDLE-system-instructions-7c1',
  user: 'NEEDLE-user-question-2b9',
  assistant: 'NEEDLE-assistant-answer-4d0',
  toolArgs: 'NEEDLE-tool-arguments-8e3',
  toolResult: 'NEEDLE-tool-result-1f6',
  definitions: 'NEEDLE-tool-definition-5a2',
  openInferenceIn: 'NEEDLE-openinference-input-3c8',
  openInferenceOut: 'NEEDLE-openinference-output-9d4',
  vercelPrompt: 'NEEDLE-vercel-prompt-6e5',
  vercelText: 'NEEDLE-vercel-text-0a7',
  llmetryPrompt: 'NEEDLE-openllmetry-prompt-2c3',
  llmetryCompletion: 'NEEDLE-openllmetry-completion-8b1',
  eventContent: 'NEEDLE-event-content-4f9',
  stepArgs: 'NEEDLE-run-step-arguments-7d2',
  logUser: 'NEEDLE-log-record-user-5e6',
  logChoice: 'NEEDLE-log-record-choice-1a4',
} as const;

function contentRichRun(): { traceId: string; chatSpanId: string; spans: ReadableSpanLike[] } {
  const traceId = newTraceId();
  const root = makeSpan(traceId, {
    name: 'invoke_agent helper',
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'helper', 'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: NEEDLES.system }]) },
  });
  const chat = makeSpan(traceId, {
    name: 'chat gpt-4o',
    parent: root,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: NEEDLES.user }] }]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: NEEDLES.assistant }, { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: NEEDLES.toolArgs } }] },
      ]),
      'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: NEEDLES.definitions }]),
    },
  });
  // Older Azure and OpenLLMetry instrumentations write messages as span events.
  const legacy = makeSpan(traceId, {
    name: 'chat gpt-35-turbo',
    parent: root,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'az.ai.inference', 'gen_ai.request.model': 'gpt-35-turbo' },
    events: [{ name: 'gen_ai.user.message', time: [Math.floor(Date.now() / 1000), 0], attributes: { 'gen_ai.event.content': JSON.stringify({ role: 'user', content: NEEDLES.eventContent }) } }],
  });
  // instrumentation-openai: the span has no content; its log records do.
  const logged = makeSpan(traceId, {
    name: 'chat gpt-4o-mini',
    parent: root,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' },
  });
  const tool = makeSpan(traceId, {
    name: 'execute_tool get_weather',
    parent: root,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.call.arguments': JSON.stringify({ city: NEEDLES.toolArgs }),
      'gen_ai.tool.call.result': JSON.stringify({ forecast: NEEDLES.toolResult }),
    },
  });
  const openInference = makeSpan(traceId, {
    name: 'ChatCompletion',
    parent: root,
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'input.value': NEEDLES.openInferenceIn,
      'output.value': NEEDLES.openInferenceOut,
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': NEEDLES.openInferenceIn,
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': NEEDLES.openInferenceOut,
    },
  });
  const vercel = makeSpan(traceId, {
    name: 'ai.generateText.doGenerate',
    parent: root,
    attributes: {
      'ai.operationId': 'ai.generateText.doGenerate',
      'gen_ai.system': 'openai.chat',
      'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: NEEDLES.vercelPrompt }] }]),
      'ai.response.text': NEEDLES.vercelText,
    },
  });
  const llmetry = makeSpan(traceId, {
    name: 'openai.chat',
    parent: root,
    attributes: {
      'gen_ai.system': 'OpenAI',
      'llm.request.type': 'chat',
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': NEEDLES.llmetryPrompt,
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': NEEDLES.llmetryCompletion,
    },
  });
  const run = makeSpan(traceId, {
    name: 'process_thread_run',
    parent: root,
    attributes: { 'gen_ai.operation.name': 'process_thread_run', 'gen_ai.system': 'az.ai.agents', 'gen_ai.thread.run.status': 'completed' },
    events: [
      {
        name: 'gen_ai.run_step.tool_calls',
        time: [Math.floor(Date.now() / 1000), 0],
        attributes: { 'gen_ai.event.content': JSON.stringify({ tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: JSON.stringify({ q: NEEDLES.stepArgs }) } }] }) },
      },
    ],
  });
  return { traceId, chatSpanId: logged.spanContext().spanId, spans: [chat, legacy, logged, tool, openInference, vercel, llmetry, run, root] };
}

function contentRecords(traceId: string, spanId: string): ReadableLogRecordLike[] {
  const spanContext = { traceId, spanId, traceFlags: 1 };
  const hrTime: [number, number] = [Math.floor(Date.now() / 1000), 0];
  return [
    { hrTime, spanContext, eventName: 'gen_ai.user.message', body: { content: NEEDLES.logUser }, attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai' } },
    {
      hrTime,
      spanContext,
      eventName: 'gen_ai.choice',
      body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: NEEDLES.logChoice } },
      attributes: { 'event.name': 'gen_ai.choice', 'gen_ai.system': 'openai' },
    },
  ];
}

/** String leaves of the content attributes of a captured run. */
function contentStrings(spans: readonly ReadableSpanLike[]): string[] {
  const out = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      try {
        const parsed: unknown = JSON.parse(value);
        if (typeof parsed === 'object' && parsed !== null) return walk(parsed);
      } catch {
        // plain text
      }
      // Prose, not identifiers: tool names and ids are kept on purpose when capture is off.
      if (value.length >= 12 && /\s/.test(value.trim())) out.add(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  for (const span of spans) {
    for (const [key, value] of Object.entries(span.attributes)) {
      if (/messages|instructions|arguments|result|definitions|content/.test(key)) walk(value);
    }
    for (const event of span.events) walk(event.attributes);
  }
  return [...out];
}

describe('no content leaves when capture is off', () => {
  const key = generateKey();
  let server: NexusLocal;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
    proxy = await recordingProxy(server.url);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  async function sendRun(options: NexusExporterOptions, withRecords: boolean): Promise<string> {
    const before = proxy.requests.length;
    const { spanExporter, logRecordExporter } = createNexusExporters({ apiKey: key, baseUrl: proxy.url, logWaitMillis: 50, flushTimeoutMillis: 10_000, ...options });
    const { traceId, chatSpanId, spans } = contentRichRun();
    if (withRecords) await new Promise((resolve) => logRecordExporter.export(contentRecords(traceId, chatSpanId) as never, resolve));
    await exportSpans(spanExporter, spans);
    await eventually(() => server.traces().some((trace) => (trace.metadata as Record<string, unknown>)['otel_trace_id'] === traceId), 5_000);
    await spanExporter.forceFlush();
    await logRecordExporter.shutdown();
    await spanExporter.shutdown();
    return proxy.requests
      .slice(before)
      .map((request) => request.body)
      .join('\n');
  }

  it('control: with capture on, every planted word reaches Nexus (so the check below can see them)', async () => {
    const bodies = await sendRun({ spanFilter: 'all' }, true);
    const missing = Object.values(NEEDLES).filter((needle) => !bodies.includes(needle));
    expect(missing).toEqual([]);
  });

  it.each([
    ['captureContent: false', { captureContent: false }],
    ["captureContent: false, spanFilter 'all'", { captureContent: false, spanFilter: 'all' as const }],
    ['NEXUS_CAPTURE_CONTENT=false', {}],
  ])('%s: none of the planted words leaves; roles, tool names and models still do', async (label, options) => {
    const saved = process.env['NEXUS_CAPTURE_CONTENT'];
    if (label.startsWith('NEXUS_')) process.env['NEXUS_CAPTURE_CONTENT'] = 'false';
    try {
      const bodies = await sendRun(options, true);
      expect(Object.values(NEEDLES).filter((needle) => bodies.includes(needle))).toEqual([]);
      for (const shape of ['"role":"user"', '"role":"assistant"', 'get_weather', 'gpt-4o']) expect(bodies).toContain(shape);
    } finally {
      if (saved === undefined) delete process.env['NEXUS_CAPTURE_CONTENT'];
      else process.env['NEXUS_CAPTURE_CONTENT'] = saved;
    }
  });

  it('capture off in the instrumentation (Azure ai-projects 2.10 contentRecording: false): nothing of the run\'s content leaves', async () => {
    const on = loadFixture('azure/captured-ai-projects-2.10.0-v2-content-on.json').spans;
    const off = loadFixture('azure/captured-ai-projects-2.10.0-v2-content-off.json').spans;
    const offText = JSON.stringify(off.map((span) => [span.name, span.attributes, span.events]));
    // What the same run said with content on, minus anything the content-off capture holds anyway.
    const content = contentStrings(on).filter((text) => !offText.includes(JSON.stringify(text).slice(1, -1)));
    expect(content.length).toBeGreaterThanOrEqual(3);

    const sendFixture = async (spans: ReadableSpanLike[], options: NexusExporterOptions): Promise<string> => {
      const before = proxy.requests.length;
      const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: proxy.url, flushTimeoutMillis: 10_000, ...options });
      await exportSpans(exporter, spans);
      await exporter.shutdown();
      return proxy.requests
        .slice(before)
        .map((request) => request.body)
        .join('\n');
    };
    const unescaped = (bodies: string): string => bodies.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    // Control: that content does leave when the instrumentation captured it and the exporter lets it.
    const onBodies = unescaped(await sendFixture(on, { spanFilter: 'all' }));
    expect(content.filter((text) => onBodies.includes(text)).length).toBeGreaterThanOrEqual(3);
    for (const options of [{}, { spanFilter: 'all' as const }]) {
      const offBodies = unescaped(await sendFixture(off, options));
      expect(content.filter((text) => offBodies.includes(text))).toEqual([]);
    }
    // And capture off in the exporter stops the content-on run too.
    const stripped = unescaped(await sendFixture(on, { captureContent: false, spanFilter: 'all' }));
    expect(content.filter((text) => stripped.includes(text))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The key in encoded forms: a gateway that echoes the Authorization header URL-encoded, form-encoded
// or JSON-escaped, or glued to other text, must not get it into a diag line.

describe('an echoed key is not said, whatever its encoding', () => {
  const key = generateKey();
  const keyHex = key.slice('nxs_'.length);
  const echoes: Record<string, (auth: string) => { status: number; type: string; body: string }> = {
    '400, URL-encoded': (auth) => ({ status: 400, type: 'application/json', body: JSON.stringify({ error: `Malformed authorization ${encodeURIComponent(auth)}`, fields: { header: auth.replace(' ', '+') } }) }),
    '400, glued to other text': (auth) => ({ status: 400, type: 'application/json', body: JSON.stringify({ error: `Malformed authorization token${auth.slice(7)}x` }) }),
    '500, URL-encoded in plain text': (auth) => ({ status: 500, type: 'text/plain', body: `upstream rejected auth=${encodeURIComponent(auth)}` }),
    '500, JSON-escaped in plain text': (auth) => ({ status: 500, type: 'text/plain', body: `upstream rejected ${JSON.stringify({ h: auth }).replace(' ', '\\u0020')}` }),
    '502, form-encoded twice': (auth) => ({ status: 502, type: 'text/plain', body: `upstream rejected auth=${encodeURIComponent(encodeURIComponent(auth))}` }),
  };
  let echo: Server;
  let port = 0;
  let mode = '';

  beforeAll(async () => {
    echo = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const answer = echoes[mode]?.(String(req.headers.authorization));
        res.writeHead(answer?.status ?? 500, { 'content-type': answer?.type ?? 'text/plain' });
        res.end(answer?.body ?? '');
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    port = (echo.address() as AddressInfo).port;
  });
  afterAll(async () => {
    echo.closeAllConnections();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
    diag.disable();
  });

  it.each(Object.keys(echoes))('%s: the line quotes the answer, not the key', async (label) => {
    mode = label;
    const lines = captureDiag();
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: `http://127.0.0.1:${port}`, spanFilter: 'all', retryBaseMillis: 5, maxAttempts: 3, flushTimeoutMillis: 3_000 });
    try {
      await exportSpans(exporter, [makeSpan(newTraceId(), { name: `echo ${label}` })]);
      // Control: the echo was said (a 400 at once, a 5xx once it outlasts the first retries).
      expect(await eventually(() => lines.some((line) => /Malformed authorization|upstream rejected/.test(line)), 3_000)).toBe(true);
    } finally {
      await exporter.shutdown();
    }
    const said = lines.join('\n');
    expect(said).toContain('[REDACTED:');
    expect(leaks(said, keyHex)).toBe(false);
    expect(said).not.toMatch(/Bearer(%20|\+|\\u0020|%2520)[^[]/);
  });
});

describe('the reporter hides the configured key in any form, besides the patterns', () => {
  afterEach(() => diag.disable());

  it.each([
    ['as is, glued to other text', (k: string) => `token${k}x`],
    ['URL-encoded', (k: string) => encodeURIComponent(`Bearer ${k}`)],
    ['form-encoded', (k: string) => `Bearer+${k}`],
    ['JSON-escaped', (k: string) => JSON.stringify(`Bearer ${k}`).replace(' ', '\\u0020')],
    ['upper case', (k: string) => k.toUpperCase()],
    ['its secret part alone', (k: string) => `nxs%5F${k.slice(4)}`],
  ])('an nxs_ key %s', async (_label, form) => {
    const key = generateKey();
    const lines = captureDiag();
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: 'http://127.0.0.1:1', maxAttempts: 1, flushTimeoutMillis: 500, traceMetadata: () => { throw new Error(`hook saw ${form(key)}`); } });
    await exportSpans(exporter, [makeSpan(newTraceId(), { name: 'root' })]);
    await exporter.shutdown();
    expect(lines.some((line) => line.includes('hook saw'))).toBe(true);
    expect(lines.join('\n').toLowerCase()).not.toContain(key.slice(4, 40).toLowerCase());
  });

  it('a key of another shape (a gateway token), raw and URL-encoded', async () => {
    const key = 'gw/token+with=odd&chars-1234567890';
    const lines = captureDiag();
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: 'http://127.0.0.1:1', maxAttempts: 1, flushTimeoutMillis: 500, traceMetadata: () => { throw new Error(`hook saw ${key} and ${encodeURIComponent(key)}`); } });
    await exportSpans(exporter, [makeSpan(newTraceId(), { name: 'root' })]);
    await exporter.shutdown();
    const said = lines.join('\n');
    expect(said).toContain('hook saw');
    expect(said).not.toContain(key);
    expect(said).not.toContain(encodeURIComponent(key));
  });
});

// ---------------------------------------------------------------------------------------------
// Inspecting: console.log, a crash reporter or a debugger's view of the exporter, the provider
// holding it, or JSON of them, after real uploads (keep-alive sockets hold the request headers).

describe('inspecting the exporters after uploads shows a summary, never the key', () => {
  const key = generateKey();
  const keyHex = key.slice('nxs_'.length);
  let server: NexusLocal;

  beforeAll(async () => {
    server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  });
  afterAll(async () => {
    await server.close();
  });

  const json = (value: unknown): string => {
    try {
      return JSON.stringify(value) ?? '';
    } catch (error) {
      return String(error);
    }
  };
  const views = (value: unknown): string[] => [
    inspect(value),
    inspect(value, { depth: 8, showHidden: true }),
    inspect(value, { depth: 12, showHidden: true, getters: true }),
    // Past the custom inspect: what a walker that ignores it sees. (With `getters: true` as well,
    // inspect would call the config's `apiKey` getter: that combination is not covered.)
    inspect(value, { depth: 12, showHidden: true, customInspect: false }),
    json(value),
  ];

  it('a span exporter, and the provider and BatchSpanProcessor holding it', async () => {
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url, spanFilter: 'all', agent: 'inspect-agent' });
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    try {
      const tracer = provider.getTracer('inspect');
      tracer.startSpan('uploaded').end();
      await provider.forceFlush();
      await exporter.forceFlush();
      expect(server.traces().some((trace) => trace.name === 'uploaded')).toBe(true);
      for (const text of [...views(exporter), ...views(provider), inspect(provider, { depth: 10 })]) expect(leaks(text, keyHex)).toBe(false);
      // A useful summary instead.
      const summary = inspect(exporter);
      expect(summary).toMatch(/^NexusSpanExporter \{/);
      for (const part of [new URL(server.url).host, "agent: 'inspect-agent'", 'enabled: true', 'requests: ']) expect(summary).toContain(part);
      expect(json(exporter)).toContain('"enabled":true');
    } finally {
      await provider.shutdown();
    }
  });

  it('the log-record exporter of createNexusExporters', async () => {
    const { spanExporter, logRecordExporter } = createNexusExporters({ apiKey: key, baseUrl: server.url, spanFilter: 'all', logWaitMillis: 10 });
    try {
      await exportSpans(spanExporter, [makeSpan(newTraceId(), { name: 'with logs' })]);
      await spanExporter.forceFlush();
      for (const text of [...views(logRecordExporter), ...views(spanExporter)]) expect(leaks(text, keyHex)).toBe(false);
      expect(inspect(logRecordExporter)).toMatch(/^NexusLogRecordExporter \{/);
    } finally {
      await logRecordExporter.shutdown();
      await spanExporter.shutdown();
    }
  });

  it('a disabled exporter says why it is disabled, not its settings', () => {
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: 'ftp://nexus.example.com' });
    expect(inspect(exporter)).toContain('enabled: false');
    expect(leaks(inspect(exporter, { showHidden: true, depth: 12, customInspect: false }), keyHex)).toBe(false);
    void exporter.shutdown();
  });
});
