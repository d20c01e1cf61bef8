import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // Tests run against the workspace packages' sources, so they need no build step.
    alias: {
      '@nexus-otel/exporter': fileURLToPath(new URL('../exporter/src/index.ts', import.meta.url)),
      '@nexus-otel/local': fileURLToPath(new URL('../local/src/index.ts', import.meta.url)),
    },
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'bridge', include: ['test/**/*.test.ts'],
  },
});
