import { KNOWN_INSTRUMENTATIONS, type InstrumentationLike, type KnownInstrumentation } from './known-instrumentations.js';
import { errorText, installedInApp, loadFrom, loadFromApp, packageVersion, resolveFrom } from './load.js';
import type { Env } from './plan.js';

export interface LoadedInstrumentation {
  package: string;
  instance: object;
  /** The installed package's entry file: its own `@opentelemetry/instrumentation` (and loader hook) is found from here. */
  file: string;
  /** The module names it patches. */
  modules: string[];
  /** Whether modules the app imports as ESM need the loader hook to be patched. */
  needsEsmHook: boolean;
}

/**
 * Which known instrumentations to start: `NEXUS_INSTRUMENTATIONS` (a comma list of their packages,
 * or `none`) when set; else, per library the app has installed, the first candidate installed.
 * Pure: `installed` says what the app has.
 */
export function chooseInstrumentations(
  env: Env,
  installed: (name: string) => boolean,
  known: readonly KnownInstrumentation[] = KNOWN_INSTRUMENTATIONS,
): { chosen: KnownInstrumentation[]; problems: string[] } {
  const problems: string[] = [];
  const listed = (env['NEXUS_INSTRUMENTATIONS'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (listed.length > 0) {
    if (listed.includes('none')) return { chosen: [], problems };
    const chosen: KnownInstrumentation[] = [];
    for (const name of new Set(listed)) {
      const entry = known.find((k) => k.package === name);
      if (!entry) {
        problems.push(`NEXUS_INSTRUMENTATIONS: ${JSON.stringify(name.slice(0, 80))} is not one this register entry starts (known: ${known.map((k) => k.package).join(', ')}); ignored.`);
      } else if (!installed(entry.package)) {
        problems.push(`NEXUS_INSTRUMENTATIONS: ${entry.package} is not installed where the app is; npm install it.`);
      } else {
        chosen.push(entry);
      }
    }
    return { chosen, problems };
  }
  const chosen: KnownInstrumentation[] = [];
  const libraries = [...new Set(known.map((k) => k.library))];
  for (const library of libraries) {
    const candidates = known.filter((k) => k.library === library && installed(k.package) && (!k.libraryInApp || installed(library)));
    const [first, ...rest] = candidates;
    if (!first) continue;
    chosen.push(first);
    if (rest.length > 0) {
      problems.push(
        `${library}: traced by ${first.package}; ${rest.map((k) => k.package).join(', ')} also installed, not started (two would trace each call twice). NEXUS_INSTRUMENTATIONS=<package>,… picks others.`,
      );
    }
  }
  return { chosen, problems };
}

/**
 * The GenAI instrumentations the app has installed, created (which enables their `require` hooks)
 * before the app's code loads. One that is not installed is skipped silently: they are optional.
 */
export function loadInstrumentations(env: Env, sdkApiVersion: string | undefined, say: (line: string) => void): LoadedInstrumentation[] {
  const { chosen, problems } = chooseInstrumentations(env, installedInApp);
  for (const problem of problems) say(problem);
  const loaded: LoadedInstrumentation[] = [];
  for (const known of chosen) {
    const module = loadFromApp(known.package);
    if (!module.ok) {
      if (!module.missing) say(`${known.package} failed to load (${module.error}); its spans are missing. The app runs on.`);
      continue;
    }
    try {
      const instance = known.create(module.loaded.exports as Record<string, unknown>);
      if (!instance) throw new Error('not the export this register entry expects');
      loaded.push({
        package: known.package,
        instance,
        file: module.loaded.file,
        modules: modulesOf(instance, known.modules),
        needsEsmHook: !known.requireInstead,
      });
      for (const name of known.requireInstead ?? []) requireForPatching(name, module.loaded.file);
      checkApiCopy(known.package, module.loaded.file, sdkApiVersion, say);
    } catch (error) {
      say(`${known.package} failed to start (${errorText(error)}); its spans are missing. The app runs on.`);
    }
  }
  return loaded;
}
function modulesOf(instance: InstrumentationLike, fallback: string[]): string[] {
  try {
    const names = (instance.getModuleDefinitions?.() ?? []).map((d) => d.name).filter((n): n is string => typeof n === 'string');
    return names.length > 0 ? [...new Set(names)] : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Requires `name` as the app resolves it and as the instrumentation does (one copy when the
 * package manager deduplicated them), through the require hook the instrumentation just enabled.
 * Absent is fine: the app does not use it.
 */
function requireForPatching(name: string, instrumentationFile: string): void {
  loadFromApp(name);
  loadFrom(instrumentationFile, name);
}

/**
 * An `@opentelemetry/api` copy of a newer minor than the SDK's cannot see the globals the SDK
 * registered (the API accepts only globals of its own minor or newer): whatever the instrumentation
 * asks the global API for is a no-op, e.g. every span of the Azure SDK instrumentation, whose
 * package depends on `@opentelemetry/api` directly. pnpm resolves such a dependency to the newest
 * version on its own; the user sees no span and no error, so it is said here.
 */
function checkApiCopy(pkg: string, file: string, sdkApiVersion: string | undefined, say: (line: string) => void): void {
  const entry = resolveFrom(file, '@opentelemetry/api');
  const own = entry ? packageVersion(entry, '@opentelemetry/api') : undefined;
  if (!own || !sdkApiVersion) return;
  const [ownMajor, ownMinor = 0] = own.split('.').map(Number);
  const [sdkMajor, sdkMinor = 0] = sdkApiVersion.split('.').map(Number);
  if (ownMajor === sdkMajor && ownMinor > sdkMinor) {
    say(
      `${pkg} has its own @opentelemetry/api ${own}, newer than the ${sdkApiVersion} the SDK registered with, so its spans are lost. Install one @opentelemetry/api for both (npm dedupe; with pnpm, an override of "${pkg}>@opentelemetry/api").`,
    );
  }
}
