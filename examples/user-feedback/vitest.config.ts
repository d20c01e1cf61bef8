import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(`../../packages/${path}`, import.meta.url));

export default defineProject({
  resolve: {
    // The packages' source, like the other test projects; the subpath first (aliases match prefixes).
    alias: [
      { find: '@nexus-otel/exporter/feedback', replacement: source('exporter/src/feedback.ts') },
      { find: '@nexus-otel/exporter', replacement: source('exporter/src/index.ts') },
      { find: '@nexus-otel/local', replacement: source('local/src/index.ts') },
    ],
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'example-user-feedback', include: ['test/*.test.ts'],
  },
});
