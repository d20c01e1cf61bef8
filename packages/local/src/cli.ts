#!/usr/bin/env node
// nexus-otel-local: runs the local Nexus-compatible server until SIGINT/SIGTERM.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RandomFaultOptions } from './faults.js';
import { generateKey, type KeyConfig } from './keys.js';
import { startNexusLocal, type NexusLocal } from './server.js';

export const USAGE = `Usage: nexus-otel-local [--port N] [--host H] [--key K]... [--free] [--latency MS] [--lenient]
                        [--fail-rate P] [--fail-status N] [--reset-rate P] [--drop-response-rate P] [--seed N]

  --port N                 port to listen on (default 0: any free port)
  --host H                 interface to bind (default 127.0.0.1)
  --key K                  accept this API key (repeatable); without it a key is generated and printed
  --free                   put the key(s) on the free plan (1 agent, 1000 traces per UTC month)
  --latency MS             added latency per request, in milliseconds (default 0)
  --lenient                not the real server's quirks: JSON null stays null, NUL is refused, … (strict: false)

  Random faults (seeded; the three rates are probabilities 0-1 that add up to at most 1):
  --fail-rate P            answer this share of requests with --fail-status
  --fail-status N          status of those answers (default 503)
  --reset-rate P           reset the connection before reading the request
  --drop-response-rate P   handle the request, then hang up without an answer
  --seed N                 integer seed of the generator (default 1)
`;

export interface CliOptions {
  help: boolean;
  port: number;
  host: string;
  keys: string[];
  free: boolean;
  latencyMs: number;
  /** false with --lenient: startNexusLocal's `strict`. */
  strict: boolean;
  /** Random faults armed at start, or null. */
  random: RandomFaultOptions | null;
}

/** Number() reads '' and '  ' as 0: a flag given an empty value must fail instead. */
function flagNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

interface RandomFlags {
  'fail-rate'?: string;
  'fail-status'?: string;
  'reset-rate'?: string;
  'drop-response-rate'?: string;
  seed?: string;
}

function readRandomFlags(values: RandomFlags): RandomFaultOptions | null {
  const options: RandomFaultOptions = {};
  const rates = [
    ['fail-rate', 'failRate'],
    ['reset-rate', 'resetRate'],
    ['drop-response-rate', 'dropResponseRate'],
  ] as const;
  for (const [flag, field] of rates) {
    const text = values[flag];
    if (text === undefined) continue;
    const rate = flagNumber(text);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`--${flag} must be a probability between 0 and 1, got ${text}`);
    options[field] = rate;
  }
  const sum = (options.failRate ?? 0) + (options.resetRate ?? 0) + (options.dropResponseRate ?? 0);
  // Same tolerance as faults.random().
  if (sum > 1 + 1e-9) throw new Error(`--fail-rate + --reset-rate + --drop-response-rate must be at most 1, got ${sum}`);
  if (values['fail-status'] !== undefined) {
    const status = flagNumber(values['fail-status']);
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new Error(`--fail-status must be an HTTP status (100-599), got ${values['fail-status']}`);
    if (options.failRate === undefined) throw new Error('--fail-status needs --fail-rate');
    options.failStatus = status;
  }
  if (values.seed !== undefined) {
    const seed = flagNumber(values.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
    options.seed = seed;
  }
  const anyRate = options.failRate !== undefined || options.resetRate !== undefined || options.dropResponseRate !== undefined;
  if (!anyRate) {
    if (options.seed !== undefined) throw new Error('--seed needs --fail-rate, --reset-rate or --drop-response-rate');
    return null;
  }
  return options;
}

/** e.g. `fail 0.1 (503), reset 0.05, seed 1`. */
function describeRandom(options: RandomFaultOptions): string {
  const parts: string[] = [];
  if (options.failRate !== undefined) parts.push(`fail ${options.failRate} (${options.failStatus ?? 503})`);
  if (options.resetRate !== undefined) parts.push(`reset ${options.resetRate}`);
  if (options.dropResponseRate !== undefined) parts.push(`drop response ${options.dropResponseRate}`);
  parts.push(`seed ${options.seed ?? 1}`);
  return parts.join(', ');
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
      lenient: { type: 'boolean', default: false },
      'fail-rate': { type: 'string' },
      'fail-status': { type: 'string' },
      'reset-rate': { type: 'string' },
      'drop-response-rate': { type: 'string' },
      seed: { type: 'string' },
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
    strict: !(values.lenient ?? false),
    random: readRandomFlags(values),
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
    strict: options.strict,
    keys: Object.fromEntries(keys.map((key) => [key, { plan }])),
  });
  if (options.random) local.faults.random(options.random);
  print(`Nexus-compatible server on ${local.url}`);
  for (const key of keys) print(`API key (${plan}): ${key}`);
  print(`  REST ${local.url}/api/v1   OTLP ${local.url}/v1/traces`);
  print(`  faults: POST ${local.url}/_local/faults   stats: GET ${local.url}/_local/stats`);
  if (options.random) print(`  random faults: ${describeRandom(options.random)}`);
  if (!options.strict) print("  lenient mode: this server's older reading of the API, not the real server's quirks");
  print(`  trace view: ${local.viewUrl()}`);
  return local;
}

export async function main(): Promise<void> {
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

// Run only as `node dist/cli.js` (the bin, bin/nexus-otel-local.js, calls main()), not when imported.
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
