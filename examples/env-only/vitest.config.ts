import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // The test's own server runs from source; the app under test runs from the built exporter
    // (`node --import @nexus-otel/exporter/register`), as a user's would.
    alias: { '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)) },
  },
  // Each test runs the app as a child process (~1 s each, several at once on a small machine).
  test: { name: 'env-only', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
