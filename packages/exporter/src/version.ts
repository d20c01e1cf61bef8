import { readFileSync } from 'node:fs';

const NAME = '@nexus-otel/exporter';
let version: string | undefined;

/**
 * This package's version, read once from its package.json: one level up from src/ and dist/, two
 * from dist/cjs/ (whose `import.meta.url` the CommonJS build makes from `__filename`). The name is
 * checked, so a bundle that moved this file never reports another package's version: `unknown`.
 */
export function packageVersion(): string {
  if (version !== undefined) return version;
  version = 'unknown';
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === NAME && typeof manifest.version === 'string') {
        version = manifest.version;
        break;
      }
    } catch {
      // Not there (a bundle, another layout): try the next place.
    }
  }
  return version;
}

/** `nexus-otel/<version> node/<version>`: what Nexus, and any proxy or gateway on the way, sees. */
export function userAgent(): string {
  return `nexus-otel/${packageVersion()} node/${process.version}`;
}
