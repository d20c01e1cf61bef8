import * as nodeModule from 'node:module';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolveFrom } from './load.js';
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

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
