// `npm run pack`: one installable tarball per published package, in packs/ (what `npm install
// <tarball>` takes until the packages are on the registry, and what `npm run release` publishes).
// Builds the packages first (ESM with tsc, then CommonJS); `pnpm pack` writes the versions being
// packed in place of the `workspace:` ranges.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackage, PACKAGES } from './build-cjs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packs = join(root, 'packs');
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

await import('./setup.mjs'); // installs the workspace if needed
const packageDirs = Object.keys(PACKAGES);
run(bin('tsc'), ['-b', ...packageDirs]);
for (const dir of packageDirs) {
  pruneStale(join(root, dir));
  await buildPackage(dir);
}

rmSync(packs, { recursive: true, force: true });
const pnpm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
// -r packs every package that is not private: these six.
execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['-y', pnpm, '-r', 'pack', '--pack-destination', packs], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});

const tarballs = readdirSync(packs).filter((name) => name.endsWith('.tgz')).sort();
if (tarballs.length !== packageDirs.length) throw new Error(`expected ${packageDirs.length} tarballs in packs/, found: ${tarballs.join(', ')}`);
console.log(`\nIn ${relative(process.cwd(), packs) || '.'}/:`);
for (const name of tarballs) console.log(`  ${name}  ${(statSync(join(packs, name)).size / 1000).toFixed(1)} kB`);
console.log(`\nIn your app: npm install ${join(packs, 'nexus-otel-exporter-*.tgz')}  (see README.md, "Install")`);

/**
 * Removes what tsc once built from a source that is gone (tsc never deletes outputs), so that no
 * stale module is packed.
 */
function pruneStale(packageDir) {
  const dist = join(packageDir, 'dist');
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return path === join(dist, 'cjs') ? [] : walk(path);
      return [path];
    });
  for (const file of walk(dist)) {
    const match = /^(.+?)\.(js|cjs|d\.ts|d\.cts)(\.map)?$/.exec(relative(dist, file));
    if (!match) continue;
    const base = join(packageDir, 'src', match[1]);
    // dist/<entry>.cjs are the CommonJS entry points written by build-cjs.mjs from <entry>.ts.
    if (!existsSync(`${base}.ts`) && !existsSync(`${base}.cts`)) rmSync(file);
  }
}
