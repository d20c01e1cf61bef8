// The HTTP server: routing, latency, fault application, the request log and connection counting.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ADMIN_PREFIX, handleAdmin, isLoopback, type AdminContext } from './admin.js';
import { FaultQueue, type Fault, type FaultKind, type Faults, type OutageMode } from './faults.js';
import { DEFAULT_FREE_TRACE_LIMIT, KeyRegistry, type KeyConfig } from './keys.js';
import { handleOtlp, otlpCaller } from './otlp.js';
import { invalidApiKey, json, notFoundPage, text, type Reply } from './reply.js';
import { addSpan, authenticateBearer, createTrace, getTrace, listTraces, patchTrace, type ApiContext, type Caller } from './rest.js';
import { Store, type StoredTrace } from './store.js';
import { decodeBody, decodeBodyLikeFetch } from './validate.js';
import { forbidden } from './view/layout.js';
import { viewRoute } from './view/routes.js';
import { viewUrl } from './view/url.js';

export interface NexusLocalOptions {
  port?: number;
  host?: string;
  keys?: Record<string, KeyConfig>;
  latencyMs?: number;
  /**
   * Time each request occupies the server, one request at a time: models the hosted Nexus, which
   * answers ~60–80 requests/s whatever the client's concurrency. Default 0 (unbounded).
   */
  serviceTimeMs?: number;
  metadataAs?: 'json' | 'text';
  now?: () => Date;
  freeTraceLimit?: number;
  /**
   * Default true: behave like the real (open-source) Nexus server, quirks included (JSON null
   * stored as the text "null", NUL stored, 429 before 403, text-ordered list, …; see README).
   * false: this server's older, lenient reading of the docs, for a test that depends on it.
   */
  strict?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number | null;
  fault: FaultKind | null;
  startedAt: number;
  endedAt: number;
  connectionId: number;
}

export interface NexusLocal {
  readonly url: string;
  readonly port: number;
  readonly faults: Faults;
  addKey(key: string, config?: KeyConfig): void;
  setPlan(key: string, plan: 'free' | 'pro'): void;
  revokeKey(key: string): void;
  traces(): StoredTrace[];
  trace(id: string): StoredTrace | undefined;
  /** The trace view in a browser: the list, or one trace's page (a Nexus trace id). */
  viewUrl(traceId?: string): string;
  readonly requests: readonly RequestLogEntry[];
  readonly connections: number;
  resetStats(): void;
  clear(): void;
  close(): Promise<void>;
}

interface RequestData {
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

type RestHandler = (ctx: ApiContext, caller: Caller, request: RequestData) => Reply;

const TRACE_PATH = /^\/api\/v1\/traces\/([^/]+)$/;
const SPANS_PATH = /^\/api\/v1\/traces\/([^/]+)\/spans$/;

function pathId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // undecodable: looked up as-is, which simply finds nothing
  }
}

/** Trailing slashes are not normalised: /api/v1/traces/ is unknown. */
function restRoute(method: string, pathname: string): RestHandler | null {
  if (pathname === '/api/v1/traces') {
    if (method === 'POST') return (ctx, caller, r) => createTrace(ctx, caller, r.body);
    if (method === 'GET') return (ctx, caller, r) => listTraces(ctx, caller, r.params);
    return null;
  }
  const spans = SPANS_PATH.exec(pathname);
  if (spans?.[1] !== undefined) {
    const id = pathId(spans[1]);
    return method === 'POST' ? (ctx, caller, r) => addSpan(ctx, caller, id, r.body) : null;
  }
  const trace = TRACE_PATH.exec(pathname);
  if (trace?.[1] !== undefined) {
    const id = pathId(trace[1]);
    if (method === 'GET') return (ctx, caller) => getTrace(ctx, caller, id);
    if (method === 'PATCH') return (ctx, caller, r) => patchTrace(ctx, caller, id, r.body);
  }
  return null;
}

/**
 * An unknown route or method. Strict: under /api/ and /v1/ the real server's key check is
 * middleware that runs before routing, so without a valid key it is a 401 (JSON), with one the
 * HTML 404. Lenient: always the HTML 404 (routes matched before auth).
 */
function unknownRoute(ctx: ApiContext, pathname: string, headers: IncomingHttpHeaders): Reply {
  if (ctx.strict && pathname.startsWith('/api/') && !authenticateBearer(ctx.keys, headers.authorization, true)) return invalidApiKey();
  if (ctx.strict && pathname.startsWith('/v1/') && !otlpCaller(ctx, headers)) return invalidApiKey();
  return notFoundPage();
}

function dispatch(ctx: ApiContext, method: string, pathname: string, request: RequestData): Reply {
  if (pathname === '/v1/traces' && method === 'POST') return handleOtlp(ctx, request.headers, request.body);
  const handler = restRoute(method, pathname);
  if (!handler) return unknownRoute(ctx, pathname, request.headers);
  const caller = authenticateBearer(ctx.keys, request.headers.authorization, ctx.strict);
  return caller ? handler(ctx, caller, request) : invalidApiKey();
}

function readBody(req: IncomingMessage, decode: (bytes: Buffer) => string = decodeBody): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(decode(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

function faultReply(fault: Extract<Fault, { kind: 'fail' }>): Reply {
  const reply = fault.hasBody ? json(fault.status, fault.body) : text(fault.status);
  return fault.headers ? { ...reply, headers: { ...reply.headers, ...fault.headers } } : reply;
}

function checkNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
}

export async function startNexusLocal(options: NexusLocalOptions = {}): Promise<NexusLocal> {
  const host = options.host ?? '127.0.0.1';
  const baseLatency = options.latencyMs ?? 0;
  const freeTraceLimit = options.freeTraceLimit ?? DEFAULT_FREE_TRACE_LIMIT;
  checkNonNegative('latencyMs', baseLatency);
  const serviceTime = options.serviceTimeMs ?? 0;
  checkNonNegative('serviceTimeMs', serviceTime);
  let serviceQueue: Promise<void> = Promise.resolve();
  checkNonNegative('freeTraceLimit', freeTraceLimit);

  const strict = options.strict ?? true;
  const store = new Store({ strict });
  const keys = new KeyRegistry(options.keys);
  // Assigned below, once the server exists; faults.down()/up() are only callable after that.
  let setOutage: (mode: OutageMode | null) => Promise<void> = () => Promise.reject(new Error('not started'));
  const faults = new FaultQueue({ set: (mode) => setOutage(mode) });
  const ctx: ApiContext = {
    store,
    keys,
    now: options.now ?? ((): Date => new Date()),
    freeTraceLimit,
    metadataAs: options.metadataAs ?? 'json',
    strict,
  };

  const log: RequestLogEntry[] = [];
  const socketIds = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  let lastConnectionId = 0;
  let closed = false;
  // The outage switch (faults.down/up). A request that arrived before the server went down is
  // abandoned, never written: `generation` tells it the server it arrived at is gone.
  let outage: OutageMode | null = null;
  let generation = 0;
  let listening = false;

  // Resolves after `ms`; never resolves if the server closes meanwhile (the request is abandoned).
  const sleep = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  const adminCtx: AdminContext = {
    faults,
    stats: () => ({ requests: log.length, connections, ...store.counts() }),
    after: (ms, run) => {
      if (closed) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, ms);
      timers.add(timer); // close() clears it: a pending admin `up` must not keep the process alive
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    // Concatenated, not resolved: a target like //api/v1/traces must stay a path, not a host.
    const target = req.url ?? '/';
    const url = new URL(target.startsWith('/') ? `http://nexus.local${target}` : target, 'http://nexus.local');
    const pathname = url.pathname;
    const socket = req.socket;
    const arrivedIn = generation;
    const gone = (): boolean => closed || arrivedIn !== generation;

    if (pathname.startsWith(ADMIN_PREFIX)) {
      const body = await readBody(req);
      if (!isLoopback(socket.remoteAddress)) return send(res, json(403, { error: 'Admin routes are loopback-only' }));
      const answer = handleAdmin(adminCtx, method, pathname, body);
      // 'close' comes after the answer is handed to the OS (or the client left): only then may an outage cut the socket.
      if (answer.afterSent) res.once('close', answer.afterSent);
      return send(res, answer.reply);
    }

    const view = viewRoute(method, pathname);
    if (view) {
      await readBody(req);
      if (!isLoopback(socket.remoteAddress)) return send(res, forbidden());
      let page: Reply;
      try {
        page = view(store, url.searchParams);
      } catch {
        page = text(500, 'Internal Server Error'); // a rendering bug must not take the server down
      }
      return send(res, page);
    }

    const entry: RequestLogEntry = {
      method,
      path: pathname,
      status: null,
      fault: null,
      startedAt: Date.now(),
      endedAt: Date.now(),
      connectionId: socketIds.get(socket) ?? 0,
    };
    log.push(entry);
    // Taken on arrival, so faults go to requests in the order they arrive, whatever the latency.
    const fault = faults.take(method, pathname);
    entry.fault = fault?.kind ?? null;
    const hangUp = (): void => {
      socket.destroy();
      entry.endedAt = Date.now();
    };

    if (fault?.kind === 'reset') {
      await sleep(baseLatency + faults.latencyMs);
      if (!gone()) hangUp(); // before reading or handling anything: nothing is written
      return;
    }

    // Strict: decoded as the real server's runtime does (bad bytes become U+FFFD and are stored).
    const body = await readBody(req, strict ? decodeBodyLikeFetch : decodeBody);
    await sleep(baseLatency + faults.latencyMs);
    if (serviceTime > 0) {
      const turn = serviceQueue.then(() => sleep(serviceTime));
      serviceQueue = turn;
      await turn;
    }
    if (gone()) return; // closed, or went down meanwhile: like a crash, nothing is written

    let reply: Reply;
    if (fault?.kind === 'fail') {
      reply = faultReply(fault); // the store is never touched
    } else {
      try {
        reply = dispatch(ctx, method, pathname, { params: url.searchParams, headers: req.headers, body });
      } catch {
        // e.g. RowTooLargeError: the hosted server answers a plain-text 500 when the DB refuses a row
        reply = text(500, 'Internal Server Error');
      }
    }

    if (fault?.kind === 'drop') return hangUp(); // the work is committed; the client hears nothing

    entry.status = reply.status;
    res.on('close', () => {
      entry.endedAt = Date.now();
    });
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The client went away mid-request (e.g. aborted body): nothing left to answer.
      if (!res.headersSent) res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket: Socket) => {
    connections++;
    socketIds.set(socket, ++lastConnectionId); // ids stay unique across resetStats()
    if (outage === 'reset') {
      socket.resetAndDestroy(); // an RST before any byte is read
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        listening = true;
        resolve();
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise<void>((resolve) => {
      listening = false;
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  setOutage = async (mode) => {
    if (closed) throw new Error('the server is closed');
    if (mode !== null && outage === null) generation += 1; // requests in progress are abandoned
    outage = mode;
    if (mode !== null) for (const socket of sockets) socket.destroy();
    if (mode === 'refuse' && listening) await stopListening();
    // Same port: a client keeps its URL. Fails (EADDRINUSE) only if another process took the port meanwhile.
    if (mode !== 'refuse' && !listening) await listen(port);
  };
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    faults,
    addKey: (key, config) => keys.add(key, config),
    setPlan: (key, plan) => keys.setPlan(key, plan),
    revokeKey: (key) => keys.revoke(key),
    traces: () => store.snapshot(),
    trace: (id) => store.snapshotById(id),
    viewUrl: (traceId) => viewUrl(url, traceId),
    get requests(): readonly RequestLogEntry[] {
      return log;
    },
    get connections(): number {
      return connections;
    },
    resetStats(): void {
      log.length = 0;
      connections = 0;
    },
    clear(): void {
      log.length = 0;
      connections = 0;
      store.clear();
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      if (!listening) return Promise.resolve(); // down in 'refuse' mode: the listener is already closed
      return stopListening();
    },
  };
}
