import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // As an installed peer dependency would: the exporter uses this package's @opentelemetry/api (1.10).
    dedupe: ['@opentelemetry/api'],
    alias: {
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
      '@nexus-otel/exporter/feedback': fileURLToPath(new URL('../../packages/exporter/src/feedback.ts', import.meta.url)),
      '@nexus-otel/exporter': fileURLToPath(new URL('../../packages/exporter/src/index.ts', import.meta.url)),
    },
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'otel-3x', include: ['*.test.ts'],
  },
});
