import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: {
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
      '@nexus-otel/exporter': fileURLToPath(new URL('../../packages/exporter/src/index.ts', import.meta.url)),
    },
  },
  // Launching a browser takes seconds on a loaded machine: more room than vitest's 5 s default.
  test: { name: 'view-chromium', include: ['*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
