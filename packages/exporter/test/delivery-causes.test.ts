// The cause of a delivery failure is said at once, once per kind, with the host and the cause code:
// a refused connection, an unknown host, a certificate Node does not trust, a reset, a deadline, an
// outage of 5xx answers. Against real sockets; then, in a child process with no diag logger (the
// Quickstart), the same lines reach stderr.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { diag } from '@opentelemetry/api';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter, type NexusExporterOptions } from '../src/index.js';
import { captureDiag, eventually, exportBatch, harness, SpanFactory, type Harness } from './helpers.js';
import { deadPort, listenOnLoopback } from './net.js';

const CANNOT_REACH = /cannot reach Nexus at /;

const cleanups: Array<() => Promise<void> | void> = [];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  diag.disable();
});

/** An exporter whose own key is checked against everything it said. */
function exporterTo(baseUrl: string, options: NexusExporterOptions = {}): { exporter: NexusSpanExporter; lines: string[]; key: string } {
  const key = generateKey();
  const lines = captureDiag();
  const exporter = new NexusSpanExporter({
    apiKey: key,
    baseUrl,
    spanFilter: 'all',
    retryBaseMillis: 5,
    maxAttempts: 3,
    flushTimeoutMillis: 1_000,
    ...options,
  });
  cleanups.push(async () => {
    await exporter.shutdown();
    expect(lines.join('\n')).not.toContain(key.slice(4));
  });
  return { exporter, lines, key };
}

async function sendOne(exporter: NexusSpanExporter, name = 'run'): Promise<number> {
  const started = Date.now();
  expect(await exportBatch(exporter, new SpanFactory().tree(2, 1, name))).toBe(0);
  return started;
}

/** The lines that name a failure to reach Nexus. */
function reachLines(lines: readonly string[]): string[] {
  return lines.filter((line) => CANNOT_REACH.test(line));
}

function listen(server: HttpServer | NetServer): Promise<number> {
  return listenOnLoopback(server, cleanups);
}

interface Pem {
  key: string;
  cert: string;
}

/** Self-signed certificates made with the openssl CLI (Node cannot write X.509): a lone one, and a leaf under a private CA. */
function makeCerts(): { lone: Pem; chained: Pem } {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-otel-tls-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl('req', '-x509', ...ec, '-days', '1', '-keyout', file('lone.key'), '-out', file('lone.crt'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    openssl('req', '-x509', ...ec, '-days', '1', '-keyout', file('ca.key'), '-out', file('ca.crt'), '-subj', '/CN=nexus-otel test CA');
    openssl('req', '-new', ...ec, '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', '/CN=127.0.0.1');
    writeFileSync(file('leaf.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-out', file('leaf.crt'), '-extfile', file('leaf.ext'));
    const read = (name: string): string => readFileSync(file(name), 'utf8');
    return {
      lone: { key: read('lone.key'), cert: read('lone.crt') },
      // The server sends its chain, CA included: the client finds a self-signed root it does not trust.
      chained: { key: read('leaf.key'), cert: read('leaf.crt') + read('ca.crt') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the cause of a delivery failure is said at once, once per kind', () => {
  it('connection refused: one warn line within a couple of seconds, with host and ECONNREFUSED', async () => {
    const port = await deadPort();
    const { exporter, lines } = exporterTo(`http://127.0.0.1:${port}`);
    const started = await sendOne(exporter);
    expect(await eventually(() => reachLines(lines).length > 0, 2_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    // More traces, more failed attempts: still one line.
    await sendOne(exporter, 'again');
    await exporter.forceFlush();
    const said = reachLines(lines);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^warn NexusSpanExporter: cannot reach Nexus at 127\\.0\\.0\\.1:${port}: ECONNREFUSED \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); spans are held and retried`));
    expect(exporter.getStats().heldSpans).toBe(4);
  });

  it('an unknown host: ENOTFOUND with the host and port, no path or query', async () => {
    // `.invalid` never resolves (RFC 6761). Where no resolver answers at all, getaddrinfo says EAI_AGAIN.
    const { exporter, lines } = exporterTo('https://nexus-otel-test.invalid/some/path?tenant=a', { timeoutMillis: 5_000 });
    await sendOne(exporter);
    expect(await eventually(() => reachLines(lines).length > 0, 5_000)).toBe(true);
    await exporter.forceFlush();
    const said = reachLines(lines);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^warn NexusSpanExporter: cannot reach Nexus at nexus-otel-test\.invalid:443: (ENOTFOUND|EAI_AGAIN) \(getaddrinfo \w+ nexus-otel-test\.invalid\); spans are held and retried\. Check NEXUS_BASE_URL/);
    expect(said[0]).not.toContain('tenant');
    expect(said[0]).not.toContain('/some/path');
  });

  const certs = makeCerts();
  it.each([
    ['a self-signed certificate', certs.lone, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['a chain ending in a private CA', certs.chained, 'SELF_SIGNED_CERT_IN_CHAIN'],
  ])('%s: the TLS code and how to trust the CA', async (_label, pem, code) => {
    const server = createHttpsServer(pem, (_req, res) => res.end('{}'));
    const port = await listen(server);
    const { exporter, lines } = exporterTo(`https://127.0.0.1:${port}`);
    const started = await sendOne(exporter);
    expect(await eventually(() => reachLines(lines).length > 0, 2_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    await exporter.forceFlush();
    const said = reachLines(lines);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`warn NexusSpanExporter: cannot reach Nexus at 127.0.0.1:${port}: ${code} (`);
    expect(said[0]).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('a connection reset before any answer: ECONNRESET', async () => {
    const server = createNetServer((socket) => socket.once('data', () => socket.destroy()));
    const port = await listen(server);
    const { exporter, lines } = exporterTo(`http://127.0.0.1:${port}`);
    await sendOne(exporter);
    expect(await eventually(() => reachLines(lines).length > 0, 2_000)).toBe(true);
    await exporter.forceFlush();
    expect(reachLines(lines)).toHaveLength(1);
    expect(reachLines(lines)[0]).toContain(`cannot reach Nexus at 127.0.0.1:${port}: ECONNRESET (socket hang up)`);
  });

  it('no answer within timeoutMillis: ETIMEDOUT', async () => {
    const server = createNetServer(() => undefined); // accepts, never answers
    const port = await listen(server);
    const { exporter, lines } = exporterTo(`http://127.0.0.1:${port}`, { timeoutMillis: 200, maxAttempts: 1 });
    await sendOne(exporter);
    expect(await eventually(() => reachLines(lines).length > 0, 2_000)).toBe(true);
    expect(reachLines(lines)[0]).toContain(`cannot reach Nexus at 127.0.0.1:${port}: ETIMEDOUT (no answer within 200 ms)`);
  });

  it('each kind once: a refusal, then a recovery, then the same refusal is said again', async () => {
    h = await harness({ maxAttempts: 2, flushTimeoutMillis: 3_000 });
    const f = new SpanFactory();
    await h.server.faults.down();
    await exportBatch(h.exporter, f.tree(2, 1, 'first'));
    expect(await eventually(() => reachLines(h!.diagLines).length === 1, 2_000)).toBe(true);
    await h.server.faults.up();
    await h.exporter.forceFlush();
    expect(h.server.traces()).toHaveLength(1);
    expect(h.diagLines.filter((line) => line.includes(`reached Nexus at 127.0.0.1:${h!.server.port} again`))).toHaveLength(1);
    expect(reachLines(h.diagLines)).toHaveLength(1);

    await h.server.faults.down();
    await exportBatch(h.exporter, f.tree(2, 1, 'second'));
    expect(await eventually(() => reachLines(h!.diagLines).length === 2, 2_000)).toBe(true);
    expect(reachLines(h.diagLines)[1]).toContain('ECONNREFUSED');
    await h.server.faults.up();
    await h.exporter.forceFlush();
    expect(h.server.traces()).toHaveLength(2);
  });

  it('5xx answers that outlast the first retries are named; a single 5xx retried away is not', async () => {
    h = await harness({ maxAttempts: 3, retryBaseMillis: 5 });
    h.server.faults.failNext(1, 503);
    await exportBatch(h.exporter, new SpanFactory().tree(2, 1, 'blip'));
    await h.exporter.forceFlush();
    expect(h.server.traces()).toHaveLength(1);
    expect(h.diagLines.filter((line) => /keeps answering/.test(line))).toEqual([]);

    h.server.faults.failNext(10, 503, { body: { error: 'Service Unavailable' } });
    await exportBatch(h.exporter, new SpanFactory().tree(2, 1, 'outage'));
    expect(await eventually(() => h!.diagLines.some((line) => /keeps answering/.test(line)), 3_000)).toBe(true);
    const said = h.diagLines.filter((line) => /keeps answering/.test(line));
    expect(said).toEqual([`warn NexusSpanExporter: Nexus at 127.0.0.1:${h.server.port} keeps answering 503 Service Unavailable; spans are held and retried`]);
  });

  it('a kept-alive connection reset as it is reused is routine: retried, not said', async () => {
    h = await harness({ concurrency: 1 });
    const f = new SpanFactory();
    await exportBatch(h.exporter, f.tree(1, 0, 'first'));
    await h.exporter.forceFlush();
    // The next request goes on the same socket (one at a time), and the server resets it.
    h.server.faults.resetNext(1);
    await exportBatch(h.exporter, f.tree(1, 0, 'second'));
    await h.exporter.forceFlush();
    expect(h.server.traces()).toHaveLength(2);
    expect(h.server.requests.some((entry) => entry.fault === 'reset')).toBe(true);
    expect(reachLines(h.diagLines)).toEqual([]);
  });

  it('what shutdown cuts short is not blamed on the network', async () => {
    const server = createNetServer(() => undefined); // accepts, never answers
    const port = await listen(server);
    const { exporter, lines } = exporterTo(`http://127.0.0.1:${port}`, { timeoutMillis: 10_000, flushTimeoutMillis: 200 });
    await sendOne(exporter);
    await exporter.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exporter.getStats().dropped['shutdown']).toBe(2);
    expect(reachLines(lines)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

const QUICKSTART = fileURLToPath(new URL('./fixtures/quickstart-stderr.ts', import.meta.url));
const run = promisify(execFile);

/** Runs the Quickstart fixture (NodeTracerProvider + BatchSpanProcessor + `new NexusSpanExporter()`). */
async function quickstart(env: Record<string, string | undefined>): Promise<{ stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith('NEXUS_') || name.startsWith('OTEL_')) delete base[name];
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', QUICKSTART], {
    // A named agent, as the Quickstart names it: the lines under test stay alone.
    env: { ...base, NEXUS_AGENT: 'support-bot', NEXUS_FLUSH_TIMEOUT_MILLIS: '1500', NEXUS_RETRY_BASE_MILLIS: '5', NEXUS_MAX_ATTEMPTS: '2', NEXUS_SPAN_FILTER: 'all', ...env },
    timeout: 20_000,
  });
  expect(stdout).toContain('quickstart done');
  return { stdout, stderr };
}

function nexusLines(text: string): string[] {
  return text.split('\n').filter((line) => line.includes('NexusSpanExporter:'));
}

describe('with no diag logger registered (the Quickstart), the important lines reach stderr once', () => {
  it('no API key: one `[nexus-otel]` line on stderr', async () => {
    const { stderr } = await quickstart({});
    expect(nexusLines(stderr)).toEqual([
      '[nexus-otel] NexusSpanExporter: disabled: no API key: set NEXUS_API_KEY or the apiKey option. Nothing will be sent to Nexus.',
    ]);
  }, 30_000);

  it('Nexus unreachable: one `[nexus-otel]` line on stderr, without the key', async () => {
    const port = await deadPort();
    const key = generateKey();
    const { stderr } = await quickstart({ NEXUS_API_KEY: key, NEXUS_BASE_URL: `http://127.0.0.1:${port}` });
    const said = nexusLines(stderr);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^\\[nexus-otel\\] NexusSpanExporter: cannot reach Nexus at 127\\.0\\.0\\.1:${port}: ECONNREFUSED `));
    expect(stderr).not.toContain(key.slice(4));
  }, 30_000);

  it('Nexus reachable: nothing on stderr (debug and info lines stay in diag)', async () => {
    const key = generateKey();
    const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
    cleanups.push(() => server.close());
    const { stdout, stderr } = await quickstart({ NEXUS_API_KEY: key, NEXUS_BASE_URL: server.url });
    expect(stdout).toContain('"heldSpans":0');
    expect(nexusLines(stderr)).toEqual([]);
  }, 30_000);

  it('with a diag logger registered: the lines go there, nothing extra on stderr', async () => {
    const port = await deadPort();
    const { stdout, stderr } = await quickstart({ QUICKSTART_DIAG: '1', NEXUS_API_KEY: generateKey(), NEXUS_BASE_URL: `http://127.0.0.1:${port}` });
    expect(nexusLines(stdout).filter((line) => line.startsWith('diag warn NexusSpanExporter: cannot reach Nexus'))).toHaveLength(1);
    expect(nexusLines(stderr)).toEqual([]);

    const disabled = await quickstart({ QUICKSTART_DIAG: '1' });
    expect(nexusLines(disabled.stdout).filter((line) => line.includes('disabled: no API key'))).toHaveLength(1);
    expect(nexusLines(disabled.stderr)).toEqual([]);
  }, 30_000);
});
