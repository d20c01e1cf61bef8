import { randomUUID } from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSelfSignedCert, type SelfSignedCert } from './tls-cert.js';
import type { Envelope } from './envelopes.js';

export interface IngestionRequest {
  method: string;
  path: string;
  items: number;
}

export interface IngestionStub {
  /** `https://127.0.0.1:<port>/` */
  url: string;
  instrumentationKey: string;
  /** `InstrumentationKey=…;IngestionEndpoint=<url>;LiveEndpoint=<url>`: what the exporter is given. */
  connectionString: string;
  /** The certificate (PEM) a client must trust to talk to the stub. */
  ca: string;
  /**
   * An https.Agent that trusts the stub, for `AzureMonitorExporterOptions.agent` (an Azure core
   * pipeline option): trust for this client only, with no NODE_EXTRA_CA_CERTS and no child process.
   */
  agent: https.Agent;
  /** Every telemetry item received, in arrival order. */
  envelopes(): Envelope[];
  /** Every request received (track, live metrics, anything else), for diagnosing a test. */
  requests(): IngestionRequest[];
  /** Resolves when `predicate` holds for the items received, or rejects after `timeoutMillis`. */
  waitFor(predicate: (envelopes: Envelope[]) => boolean, timeoutMillis?: number): Promise<Envelope[]>;
  /** Forgets what was received. */
  reset(): void;
  close(): Promise<void>;
}

export interface IngestionStubOptions {
  /** Default: a fresh self-signed certificate made with the `openssl` CLI. */
  cert?: SelfSignedCert;
  /** Default: a random GUID (the exporter refuses keys that are not GUIDs). */
  instrumentationKey?: string;
}

/**
 * A local stand-in for the Application Insights ingestion endpoint (Breeze), on 127.0.0.1 only:
 * it accepts the exporter's `POST /v2.1/track` (JSON array of envelopes, gzipped or not, or one
 * envelope per line) and answers as Breeze does, `{ itemsReceived, itemsAccepted, errors: [] }`.
 * Live metrics (`/QuickPulseService.svc/ping|post`) are answered "not subscribed", so the SDK stays
 * idle; the SDK's own statsbeat goes to fixed Microsoft hosts, not here: turn it off with
 * APPLICATION_INSIGHTS_NO_STATSBEAT=true.
 */
export async function startIngestionStub(options: IngestionStubOptions = {}): Promise<IngestionStub> {
  const cert = options.cert ?? createSelfSignedCert();
  const instrumentationKey = options.instrumentationKey ?? randomUUID();
  const received: Envelope[] = [];
  const log: IngestionRequest[] = [];
  const waiters = new Set<() => void>();

  const server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    void handle(req, res).catch((error: unknown) => reply(res, 500, { error: String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'https://stub').pathname;
    const body = await readBody(req);
    if (req.method === 'POST' && /\/track$/.test(path)) {
      let items: Envelope[];
      try {
        items = parseEnvelopes(body);
      } catch (error) {
        log.push({ method: 'POST', path, items: 0 });
        reply(res, 400, { itemsReceived: 0, itemsAccepted: 0, errors: [{ index: 0, statusCode: 400, message: String(error) }] });
        return;
      }
      received.push(...items);
      log.push({ method: 'POST', path, items: items.length });
      reply(res, 200, { itemsReceived: items.length, itemsAccepted: items.length, errors: [] });
      for (const wake of [...waiters]) wake();
      return;
    }
    log.push({ method: req.method ?? 'GET', path, items: 0 });
    if (path.startsWith('/QuickPulseService.svc/')) {
      res.setHeader('x-ms-qps-subscribed', 'false');
      reply(res, 200, {});
      return;
    }
    reply(res, 404, { error: `no such route: ${req.method} ${path}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}/`;
  const agent = new https.Agent({ ca: cert.cert, keepAlive: false });

  return {
    url,
    instrumentationKey,
    connectionString: `InstrumentationKey=${instrumentationKey};IngestionEndpoint=${url};LiveEndpoint=${url}`,
    ca: cert.cert,
    agent,
    envelopes: () => [...received],
    requests: () => [...log],
    waitFor: (predicate, timeoutMillis = 10_000) =>
      new Promise<Envelope[]>((resolve, reject) => {
        const check = (): boolean => {
          if (!predicate([...received])) return false;
          cleanup();
          resolve([...received]);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`the ingestion stub did not get the expected items within ${timeoutMillis} ms (got ${received.length})`));
        }, timeoutMillis);
        const wake = (): void => void check();
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
        check();
      }),
    reset: () => {
      received.length = 0;
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      try {
        const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
        // The header is what the exporter sets; the magic bytes cover a client that gzips without saying so.
        if (encoding === 'gzip' || (raw[0] === 0x1f && raw[1] === 0x8b)) resolve(gunzipSync(raw));
        else if (encoding === 'deflate') resolve(inflateSync(raw));
        else resolve(raw);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

/** A JSON array of envelopes, one envelope, or newline-delimited envelopes. */
function parseEnvelopes(body: Buffer): Envelope[] {
  const text = body.toString('utf8').trim();
  if (text === '') return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]) as Envelope[];
  } catch {
    return text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Envelope);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
