// The CommonJS side of the published packages, next to their ESM build (`tsc -b`, dist/):
//
//   dist/<entry>.cjs   the `require` entry point. Where Node can require() an ES module (>= 20.19,
//                      >= 22.12) it returns the ESM build itself, so a process that both imports and
//                      requires a package gets one copy of it (the exporter keeps one pipeline per
//                      process). Older Node (20.6-20.18, 22.0-22.11) gets dist/cjs.
//   dist/cjs/          every src module compiled to CommonJS by esbuild, one file per module as in
//                      dist/ (no bundling), plus the ESM build's .d.ts files: with dist/cjs's
//                      {"type":"commonjs"} they are the `require` condition's types.
//
// Run after `tsc -b` (it copies the .d.ts files tsc wrote). `node scripts/build-cjs.mjs [package dir…]`.
import { transform } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The published packages and the entry points whose dist/<entry>.cjs this writes (register.cjs is tsc's, from register.cts). */
export const PACKAGES = {
  'packages/exporter': ['index', 'feedback'],
  'packages/local': ['index'],
  'packages/appinsights-local': ['index'],
  'packages/azure': ['index'],
  'packages/bridge': ['index'],
  'packages/instrumentation-azure-ai': ['index'],
};

/** The .ts modules under dir (not .cts: those are CommonJS already, built by tsc). */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const wrapper = (entry) => `'use strict';
// require() of this package: the ESM build where Node can require() ES modules (one copy of the
// package per process), else the CommonJS build (see scripts/build-cjs.mjs in the repository).
module.exports = process.features.require_module ? require('./${entry}.js') : require('./cjs/${entry}.js');
`;

export async function buildPackage(packageDir) {
  const entries = PACKAGES[packageDir];
  if (!entries) throw new Error(`${packageDir} is not a published package (${Object.keys(PACKAGES).join(', ')})`);
  const src = join(root, packageDir, 'src');
  const dist = join(root, packageDir, 'dist');
  const out = join(dist, 'cjs');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');

  for (const file of sourceFiles(src)) {
    const path = relative(src, file).replace(/\.ts$/, '');
    const declarations = join(dist, `${path}.d.ts`);
    if (!existsSync(declarations)) throw new Error(`${relative(root, declarations)} is missing: run tsc -b first`);
    const code = readFileSync(file, 'utf8');
    const result = await transform(code, {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node20.6',
      sourcefile: relative(root, file),
      // As tsc compiles them (ES2022 class fields, type-only imports dropped).
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: true } },
      // import.meta does not exist in CommonJS: the module's URL is made from __filename.
      define: { 'import.meta.url': '__moduleUrl' },
      // ES modules are strict; tsc's CommonJS output says so too.
      banner: `"use strict";${code.includes('import.meta') ? '\nconst __moduleUrl = require("node:url").pathToFileURL(__filename).href;' : ''}`,
      logLevel: 'silent',
    });
    if (result.warnings.length > 0) {
      throw new Error(`${relative(root, file)}: ${result.warnings.map((warning) => warning.text).join('; ')}`);
    }
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, `${path}.js`), result.code);
    // The declarations without their source map comment: the maps sit next to the ESM build.
    writeFileSync(join(out, `${path}.d.ts`), readFileSync(declarations, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\n?$/, '\n'));
  }
  for (const entry of entries) writeFileSync(join(dist, `${entry}.cjs`), wrapper(entry));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packages = process.argv.length > 2 ? process.argv.slice(2).map((dir) => relative(root, join(process.cwd(), dir))) : Object.keys(PACKAGES);
  for (const packageDir of packages) await buildPackage(packageDir);
}
