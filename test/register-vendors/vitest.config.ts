import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // The test's own server runs from source; the app under test runs from the built exporter.
    alias: { '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)) },
  },
  test: { name: 'register-vendors', include: ['*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
