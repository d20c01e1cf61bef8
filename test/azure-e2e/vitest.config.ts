import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: {
      // The Foundry stub lives in the azure-agents example (its default target); its source, like the packages'.
      '@nexus-otel/example-azure-agents/foundry-stub': fileURLToPath(new URL('../../examples/azure-agents/src/foundry/index.ts', import.meta.url)),
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
      '@nexus-otel/exporter': fileURLToPath(new URL('../../packages/exporter/src/index.ts', import.meta.url)),
      '@nexus-otel/instrumentation-azure-ai': fileURLToPath(new URL('../../packages/instrumentation-azure-ai/src/index.ts', import.meta.url)),
    },
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'azure-e2e', include: ['*.test.ts'],
  },
});
