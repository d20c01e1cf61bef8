import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // Tests run against the local server's source, so they need no build step.
    alias: { '@nexus-otel/local': fileURLToPath(new URL('../local/src/index.ts', import.meta.url)) },
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'exporter', include: ['test/**/*.test.ts'],
  },
});
