// A bridge as its own process (its CLI, from source), as a scale-out runs it: one process per bridge.
//
// Two bridges in one process are no scale-out: with the same key and settings their exporters share
// one pipeline (@nexus-otel/exporter's sharedPipeline), so a trace split between them is still put
// together, and a load balancer that splits traces would go unnoticed. Each process here has its own.
//
// The child runs packages/bridge/src and packages/exporter/src (not dist, which may be stale): a
// resolve hook maps `@nexus-otel/exporter` to its source, as the vitest config's alias does in-process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BridgeStats } from '../../src/index.js';

const SELF = fileURLToPath(import.meta.url);
const EXPORTER_SOURCE = pathToFileURL(fileURLToPath(new URL('../../../exporter/src/index.ts', import.meta.url))).href;

export interface BridgeProcess {
  /** `http://127.0.0.1:<port>` (POST /v1/traces, /v1/logs; GET /stats). */
  url: string;
  /** `127.0.0.1:<port>` of its OTLP/gRPC receiver, when started with `grpc`. */
  grpcAddress: string | undefined;
  pid: number;
  /** Its `GET /stats`. */
  stats(): Promise<BridgeStats>;
  /** Its output so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (it closes its spool), SIGKILL after 5 s; removes the spool directory. Idempotent. */
  stop(): Promise<void>;
}

export interface BridgeProcessOptions {
  nexusUrl: string;
  apiKey: string;
  /** Open the OTLP/gRPC receiver on a free port (`--grpc-port 0`); else none (`--grpc-port off`). */
  grpc?: boolean;
  /** How long to wait for it to listen (default 30 s). */
  readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHook = false;

/** Starts `nexus-otel-bridge --port 0` with a spool directory of its own; resolves once it listens. */
export async function startBridgeProcess(options: BridgeProcessOptions): Promise<BridgeProcess> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'bridge-e2e-proc-spool-'));
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--port', '0', '--grpc-port', options.grpc ? '0' : 'off'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      NEXUS_API_KEY: options.apiKey,
      NEXUS_BASE_URL: options.nexusUrl,
      NEXUS_BRIDGE_SPOOL_DIR: spoolDir,
      NEXUS_RETRY_BASE_MILLIS: '5',
      NEXUS_MAX_TRACE_WAIT_MILLIS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(spoolDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const listening = await new Promise<{ url: string; grpcAddress: string | undefined }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bridge process did not listen within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`)), options.readyTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+) \(POST[^)]*\)(?: and (\S+) \(OTLP\/gRPC\))?/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, grpcAddress: match[2] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`the bridge process exited before it listened:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return {
    ...listening,
    pid: child.pid ?? -1,
    async stats() {
      const response = await fetch(`${listening.url}/stats`);
      if (!response.ok) throw new Error(`GET ${listening.url}/stats: ${response.status}`);
      return (await response.json()) as BridgeStats;
    },
    output: () => output,
    stop,
  };
}

// As the child: `@nexus-otel/exporter` from source, then the bridge's CLI.
if (process.argv[1] === SELF) {
  const hook = `export async function resolve(specifier, context, next) {
    return specifier === '@nexus-otel/exporter' ? next(${JSON.stringify(EXPORTER_SOURCE)}, context) : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  const { main } = await import('../../src/cli.js');
  await main();
}
