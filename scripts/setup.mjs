// Makes a fresh clone runnable with nothing but Node and npm: installs the workspace with a pinned
// pnpm fetched through npx (corepack fails on machines whose registry signature check is broken).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const lock = join(root, 'pnpm-lock.yaml');
const installed = join(root, 'node_modules', '.pnpm', 'lock.yaml');

function upToDate() {
  if (!existsSync(installed) || !existsSync(lock)) return false;
  return statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
}

if (!upToDate() || process.env.NEXUS_OTEL_FORCE_INSTALL === '1') {
  const args = ['-y', pnpm, 'install', '--config.confirmModulesPurge=false'];
  if (existsSync(lock)) args.push('--frozen-lockfile');
  console.error(`[setup] npx ${args.join(' ')}`);
  execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', args, { cwd: root, stdio: 'inherit' });
}
