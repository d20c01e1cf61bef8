import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    // Tests run against the sources of the workspace packages, so they need no build step.
    alias: {
      '@nexus-otel/local': source('../local/src/index.ts'),
      '@nexus-otel/exporter': source('../exporter/src/index.ts'),
    },
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'instrumentation-azure-ai', include: ['test/**/*.test.ts'],
  },
});
