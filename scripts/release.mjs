// `npm run release [-- --dry-run]`: publishes the tarballs that `npm run pack` builds, the same
// files test/pack checks, each package version once; then tags the release in git (`changeset
// tag`). Versions and changelogs come first, from the changesets: `npm run version-packages`.
// See docs/releasing.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dryRun = process.argv.includes('--dry-run');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

execFileSync(process.execPath, [join(root, 'scripts', 'pack.mjs')], { cwd: root, stdio: 'inherit' });

const packs = join(root, 'packs');
let published = 0;
for (const file of readdirSync(packs).filter((name) => name.endsWith('.tgz')).sort()) {
  const tarball = join(packs, file);
  const { name, version } = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  const view = spawnSync(npm, ['view', `${name}@${version}`, 'version'], { cwd: root, encoding: 'utf8' });
  if (view.status === 0 && view.stdout.trim() === version) {
    console.log(`${name}@${version} is on the registry already`);
    continue;
  }
  if (view.status !== 0 && !/E404/.test(view.stderr)) throw new Error(`npm view ${name}@${version} failed:\n${view.stderr}`);
  console.log(`publishing ${name}@${version}${dryRun ? ' (dry run)' : ''}`);
  execFileSync(npm, ['publish', tarball, '--access', 'public', ...(dryRun ? ['--dry-run'] : [])], { cwd: root, stdio: 'inherit' });
  published += 1;
}

if (!dryRun && published > 0) {
  execFileSync(join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'changeset.cmd' : 'changeset'), ['tag'], { cwd: root, stdio: 'inherit' });
}
console.log(dryRun ? 'dry run: nothing published, no tag' : `${published} package(s) published`);
