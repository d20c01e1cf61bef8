#!/usr/bin/env node
// nexus-otel-local: runs the local Nexus-compatible server until SIGINT/SIGTERM.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateKey, type KeyConfig } from './keys.js';
import { startNexusLocal, type NexusLocal } from './server.js';

export const USAGE = `Usage: nexus-otel-local [--port N] [--host H] [--key K]... [--free] [--latency MS]

  --port N       port to listen on (default 0: any free port)
  --host H       interface to bind (default 127.0.0.1)
  --key K        accept this API key (repeatable); without it a key is generated and printed
  --free         put the key(s) on the free plan (1 agent, 1000 traces per UTC month)
  --latency MS   added latency per request, in milliseconds (default 0)
`;

export interface CliOptions {
  help: boolean;
  port: number;
  host: string;
  keys: string[];
  free: boolean;
  latencyMs: number;
}

/** Throws an Error with a user-facing message on bad arguments. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      key: { type: 'string', multiple: true },
      free: { type: 'boolean', default: false },
      latency: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got ${values.port}`);
  const latencyMs = values.latency === undefined ? 0 : Number(values.latency);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency must be a non-negative number, got ${values.latency}`);
  return {
    help: values.help ?? false,
    port,
    host: values.host ?? '127.0.0.1',
    keys: values.key ?? [],
    free: values.free ?? false,
    latencyMs,
  };
}

/** Starts the server and prints where it is and which key(s) it accepts. */
export async function runCli(options: CliOptions, print: (line: string) => void = console.log): Promise<NexusLocal> {
  // Always a closed key set: a server reachable from a shell should not accept any key at all.
  const keys = options.keys.length > 0 ? options.keys : [generateKey()];
  const plan: KeyConfig['plan'] = options.free ? 'free' : 'pro';
  const local = await startNexusLocal({
    port: options.port,
    host: options.host,
    latencyMs: options.latencyMs,
    keys: Object.fromEntries(keys.map((key) => [key, { plan }])),
  });
  print(`Nexus-compatible server on ${local.url}`);
  for (const key of keys) print(`API key (${plan}): ${key}`);
  print(`  REST ${local.url}/api/v1   OTLP ${local.url}/v1/traces`);
  print(`  faults: POST ${local.url}/_local/faults   stats: GET ${local.url}/_local/stats`);
  print(`  trace view: ${local.viewUrl()}`);
  return local;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const local = await runCli(options);
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: stopping`);
    local.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run only as the program itself (argv[1] may be a bin symlink), not when imported by tests.
function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
