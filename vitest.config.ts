import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'test/*', 'examples/*/vitest.config.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
