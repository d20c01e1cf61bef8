import { errorText, loadFrom, loadFromApp, packageVersion, resolveFrom } from './load.js';

/** The part of an OTel instrumentation used here. */
interface InstrumentationLike {
  getModuleDefinitions?(): Array<{ name?: unknown }>;
}

interface Known {
  /** The instrumentation's package, loaded when the app has it installed. */
  package: string;
  create(exports: Record<string, unknown>): InstrumentationLike | undefined;
  /** The modules it patches, when it cannot say itself: what the ESM loader hook must intercept. */
  modules: string[];
  /**
   * Instead of the ESM loader hook: CommonJS modules to require once it is enabled, so that its
   * require hook patches them, for modules whose ESM build shares its state with the CommonJS one.
   */
  requireInstead?: string[];
}

const KNOWN: readonly Known[] = [
  {
    package: '@opentelemetry/instrumentation-openai',
    // Its constructor reads OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT (content capture).
    create: (m) => (typeof m['OpenAIInstrumentation'] === 'function' ? new (m['OpenAIInstrumentation'] as new () => InstrumentationLike)() : undefined),
    modules: ['openai'],
  },
  {
    package: '@azure/opentelemetry-instrumentation-azure-sdk',
    create: (m) =>
      typeof m['createAzureSdkInstrumentation'] === 'function' ? (m['createAzureSdkInstrumentation'] as () => InstrumentationLike)() : undefined,
    modules: ['@azure/core-tracing'],
    // core-tracing keeps its instrumenter in a state object its ESM build re-exports from the
    // CommonJS one: patching the CommonJS copy reaches ESM clients too. The instrumentation pins an
    // older @opentelemetry/instrumentation than the OpenAI one, i.e. another import-in-the-middle
    // copy, and two such loader hooks in one process break each other (esm-hook.ts).
    requireInstead: ['@azure/core-tracing'],
  },
];

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
 * The GenAI instrumentations the app has installed, created (which enables their `require` hooks)
 * before the app's code loads. One that is not installed is skipped silently: they are optional.
 */
export function loadInstrumentations(sdkApiVersion: string | undefined, say: (line: string) => void): LoadedInstrumentation[] {
  const loaded: LoadedInstrumentation[] = [];
  for (const known of KNOWN) {
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
