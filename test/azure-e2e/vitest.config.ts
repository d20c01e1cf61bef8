import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: {
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
      '@nexus-otel/exporter': fileURLToPath(new URL('../../packages/exporter/src/index.ts', import.meta.url)),
    },
  },
  test: { name: 'azure-e2e', include: ['*.test.ts'] },
});
