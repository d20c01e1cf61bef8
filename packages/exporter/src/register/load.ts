import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** A package loaded with `require`, with where it was found. */
export interface Loaded {
  exports: unknown;
  /** The resolved entry file: other packages are resolved from here (its own dependencies). */
  file: string;
}

export type LoadResult = { ok: true; loaded: Loaded } | { ok: false; missing: true } | { ok: false; missing: false; error: string };

/**
 * Where the app's packages are found: next to the main script first (the app's own dependencies,
 * the versions it installed), then the working directory. Not this package's own location: what
 * counts is what the app installed, not what the exporter happened to be built with.
 */
function appBases(): string[] {
  const bases: string[] = [];
  const main = process.argv[1];
  if (main) bases.push(join(dirname(resolve(main)), '__nexus_otel_register__.js'));
  bases.push(join(process.cwd(), '__nexus_otel_register__.js'));
  return bases;
}

/** Loads an optional package the way the app would see it. Never throws. */
export function loadFromApp(name: string): LoadResult {
  for (const base of appBases()) {
    const result = loadFrom(base, name);
    if (result.ok || !result.missing) return result;
  }
  return { ok: false, missing: true };
}

/**
 * Whether the app has package `name` installed: its folder is in a `node_modules` on the way up from
 * where the app is. By folder, not `require.resolve`: some packages export no `.` entry.
 */
export function installedInApp(name: string): boolean {
  for (const base of appBases()) {
    for (const dir of foldersUp(dirname(base))) {
      if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    }
  }
  return false;
}

/** Loads `name` as resolved from `file` (a package's own dependency). Never throws. */
export function loadFrom(file: string, name: string): LoadResult {
  const require = createRequire(file);
  let path: string;
  try {
    path = require.resolve(name);
  } catch {
    return { ok: false, missing: true };
  }
  try {
    return { ok: true, loaded: { exports: require(path), file: path } };
  } catch (error) {
    return { ok: false, missing: false, error: errorText(error) };
  }
}

/** Resolves a file of a package (e.g. a loader hook) from `file`'s location; undefined if absent. */
export function resolveFrom(file: string, specifier: string): string | undefined {
  try {
    return createRequire(file).resolve(specifier);
  } catch {
    return undefined;
  }
}

/** The `version` of the package whose entry file is `file`, read from its package.json. */
export function packageVersion(file: string, name: string): string | undefined {
  return nearestPackageJson(dirname(file), (json) => (json['name'] === name && typeof json['version'] === 'string' ? json['version'] : undefined), 8);
}

/** `dir` and the folders above it, nearest first, at most `max` of them. */
function* foldersUp(dir: string, max = 32): Generator<string> {
  for (let depth = 0; depth < max; depth += 1) {
    yield dir;
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** What `pick` finds in the nearest package.json at or above `dir` that yields something. */
export function nearestPackageJson<T>(dir: string, pick: (json: Record<string, unknown>) => T | undefined, max = 32): T | undefined {
  for (const folder of foldersUp(dir, max)) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      continue; // No package.json here: look further up.
    }
    const found = pick(json);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}
