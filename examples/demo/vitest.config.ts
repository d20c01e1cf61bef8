import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: {
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
    },
  },
  test: { name: 'example-demo', include: ['test/*.test.ts'] },
});
