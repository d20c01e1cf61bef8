import * as nodeModule from 'node:module';
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nearestPackageJson, packageVersion, resolveFrom } from './load.js';
import type { LoadedInstrumentation } from './instrumentations.js';

/**
 * Lets the instrumentations patch modules the app loads with `import` (an ESM app, or an ESM
 * build picked through a package's `import` condition): registers the import-in-the-middle loader
 * hook of `@opentelemetry/instrumentation` (`hook.mjs`), as `node --import
 * @opentelemetry/instrumentation/hook.mjs` would, before the app's first import. `require` hooks
 * need none of this.
 *
 * The hook must be the one of the instrumentation's own `@opentelemetry/instrumentation` copy: a
 * hook only reaches the `Hook()`s registered with its own import-in-the-middle copy. Two copies'
 * hooks in one process break each other (only one of them patches anything), so one hook is
 * registered: instrumentations on another copy are told about in one line. The hook intercepts
 * only the modules the instrumentations patch (`include`); the app's other modules load untouched.
 * Returns the hook registered, if any.
 */
export function registerEsmHook(instrumentations: readonly LoadedInstrumentation[], say: (line: string) => void): string | undefined {
  const register = (nodeModule as { register?: (specifier: string | URL, options?: { data?: unknown }) => void }).register;
  if (typeof register !== 'function') return undefined;
  const byHook = new Map<string, { packages: string[]; modules: Set<string> }>();
  for (const instrumentation of instrumentations) {
    if (!instrumentation.needsEsmHook) continue;
    const hook = resolveFrom(instrumentation.file, '@opentelemetry/instrumentation/hook.mjs');
    if (!hook) continue;
    const key = realpath(hook);
    const group = byHook.get(key) ?? { packages: [], modules: new Set<string>() };
    group.packages.push(instrumentation.package);
    for (const name of instrumentation.modules) group.modules.add(name);
    byHook.set(key, group);
  }
  for (const [hook, group] of byHook) {
    const iitm = iitmVersion(hook);
    if (iitm && !atLeast(iitm, OLDEST_SAFE_IITM)) {
      byHook.delete(hook);
      if (mainIsCommonJs()) continue; // its require hook does the work
      say(
        `${group.packages.join(', ')} bring${group.packages.length > 1 ? '' : 's'} import-in-the-middle ${iitm}, whose ESM loader hook fails on modules such as openai 6 (it would stop the app): not registered, so what the app imports as ESM is not traced by ${group.packages.length > 1 ? 'them' : 'it'}. require() those modules, or pick another instrumentation with NEXUS_INSTRUMENTATIONS.`,
      );
    }
  }
  const [first, ...others] = byHook;
  if (!first) return undefined;
  const [hook, group] = first;
  for (const [, other] of others) {
    say(
      `${other.packages.join(', ')} and ${group.packages.join(', ')} depend on different @opentelemetry/instrumentation versions: modules an ESM app imports are patched for the latter only. Align their versions, or require() them.`,
    );
  }
  try {
    register(pathToFileURL(hook), { data: { include: [...group.modules] } });
    return hook;
  } catch (error) {
    say(`could not register the ESM loader hook (${String(error).slice(0, 200)}): modules the app imports as ESM are not instrumented.`);
    return undefined;
  }
}

/**
 * import-in-the-middle 1.7 (pinned by @opentelemetry/instrumentation 0.46, which OpenInference
 * uses) rewrites `export * as ns from` into invalid code: the app's import throws. 1.15 is the
 * oldest seen to load openai 6 here.
 */
const OLDEST_SAFE_IITM = [1, 15, 0] as const;

function iitmVersion(hook: string): string | undefined {
  const entry = resolveFrom(hook, 'import-in-the-middle');
  return entry ? packageVersion(entry, 'import-in-the-middle') : undefined;
}

function atLeast(version: string, floor: readonly number[]): boolean {
  const parts = version.split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i += 1) {
    const a = parts[i] ?? 0;
    if (a !== floor[i]) return a > floor[i]!;
  }
  return true;
}

/** Whether the app's main script is CommonJS (`.cjs`, or `.js` without `"type": "module"` nearby). */
function mainIsCommonJs(): boolean {
  const main = process.argv[1];
  if (!main) return false;
  if (main.endsWith('.cjs')) return true;
  if (!main.endsWith('.js')) return false;
  // The nearest package.json decides, as Node does; none at all: CommonJS.
  return nearestPackageJson(dirname(resolve(main)), (json) => json['type'] !== 'module') ?? true;
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
