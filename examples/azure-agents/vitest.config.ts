import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: {
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
      '@nexus-otel/exporter': fileURLToPath(new URL('../../packages/exporter/src/index.ts', import.meta.url)),
    },
    // The exporter's source (aliased above) would import its own dev copy of @opentelemetry/api
    // (1.9); in an app its peer dependency is the app's one copy: here the 1.10 of the 3.x line.
    dedupe: ['@opentelemetry/api'],
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'example-azure-agents', include: ['test/*.test.ts'],
  },
});
