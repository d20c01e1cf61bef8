import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // As an installed peer dependency would: the exporter uses this package's @opentelemetry/api.
    dedupe: ['@opentelemetry/api'],
    alias: {
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
      '@nexus-otel/exporter': fileURLToPath(new URL('../../packages/exporter/src/index.ts', import.meta.url)),
    },
  },
  test: {
    name: 'faults',
    include: ['*.test.ts'],
    // These tests measure time (recovery, delivery lag, the app's span costs, exit delays): they run
    // after every other project has finished (a group of their own) and one file at a time, so that
    // neither the rest of the suite nor each other load the machine under them.
    sequence: { groupOrder: 9 },
    fileParallelism: false,
    // Each long test sets its own, larger timeout (the two-minute load test: 240 s).
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
