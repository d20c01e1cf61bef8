// Runs a Collector binary (from build.ts) with a YAML config on free loopback ports.
//
// The config is either a string or a function of the ports. A string may use the Collector's own
// environment expansion for the ports, which is what configs.ts does:
//   ${env:OTELCOL_OTLP_HTTP_PORT}   the OTLP/HTTP receiver port (http://127.0.0.1:<port>/v1/traces)
//   ${env:OTELCOL_OTLP_GRPC_PORT}   the OTLP/gRPC receiver port
// startCollector picks both (listening on 127.0.0.1:0 to find them), writes the config to a temporary
// file, spawns `<binary> --config <file>` and resolves once the OTLP/HTTP port accepts connections,
// which in the Collector means every pipeline has started (receivers start last).
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface CollectorPorts {
  otlpHttp: number;
  otlpGrpc: number;
}

export interface StartCollectorOptions {
  binary: string;
  config: string | ((ports: CollectorPorts) => string);
  /** How long to wait for the OTLP/HTTP port (default 30 s). */
  readyTimeoutMs?: number;
  /** Extra environment for the Collector process (e.g. values the config reads with ${env:NAME}). */
  env?: Record<string, string>;
}

export interface RunningCollector {
  /** Base URL of the OTLP/HTTP receiver, e.g. http://127.0.0.1:43123 (POST /v1/traces, /v1/logs). */
  otlpHttpUrl: string;
  /** host:port of the OTLP/gRPC receiver, e.g. 127.0.0.1:43124. */
  otlpGrpcEndpoint: string;
  ports: CollectorPorts;
  pid: number;
  /** The Collector's log so far (its stderr; the last 256 KB). */
  logs(): string;
  /** SIGTERM, then SIGKILL if it has not exited after 10 s; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 256 * 1024;
// A test runner that exits without stop() must not leave Collectors behind.
const live = new Set<{ kill(signal: NodeJS.Signals): boolean }>();
let exitHook = false;
const ATTEMPTS = 3; // a port found free can be taken by someone else before the Collector binds it

export async function startCollector(options: StartCollectorOptions): Promise<RunningCollector> {
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      lastError = err as Error;
      if (!/address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('unreachable');
}

async function startOnce(options: StartCollectorOptions): Promise<RunningCollector> {
  const [otlpHttp, otlpGrpc] = await freePorts(2);
  if (otlpHttp === undefined || otlpGrpc === undefined) throw new Error('could not find free ports');
  const ports: CollectorPorts = { otlpHttp, otlpGrpc };
  const yaml = typeof options.config === 'function' ? options.config(ports) : options.config;

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nexus-otelcol-'));
  const configFile = path.join(dir, 'config.yaml');
  await fs.writeFile(configFile, yaml);

  const child = spawn(options.binary, ['--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      OTELCOL_OTLP_HTTP_PORT: String(otlpHttp),
      OTELCOL_OTLP_GRPC_PORT: String(otlpGrpc),
    },
  });
  let log = '';
  const append = (chunk: Buffer): void => { log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT); };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => { hasExited = true; });
  live.add(child);
  void exited.then(() => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => { for (const c of live) c.kill('SIGKILL'); });
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!hasExited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => { if (!hasExited) child.kill('SIGKILL'); }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      await fs.rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) {
      const how = await exited;
      await stop();
      const status = how.error ? how.error.message : `exit code ${how.code}${how.signal ? `, signal ${how.signal}` : ''}`;
      throw new Error(`the Collector (${options.binary}) stopped before it was ready (${status}):\n${lastLines(log)}`);
    }
    if (await accepts(otlpHttp)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Collector's OTLP/HTTP port ${otlpHttp} did not open in time:\n${lastLines(log)}`);
    }
    await sleep(50);
  }

  return {
    otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`,
    otlpGrpcEndpoint: `127.0.0.1:${otlpGrpc}`,
    ports,
    pid: child.pid ?? -1,
    logs: () => log,
    stop,
  };
}

/** Distinct ports that were free on 127.0.0.1 a moment ago (all held at once, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('unexpected server address');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}

function lastLines(text: string, lines = 40): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
