import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'instrumentation-azure-ai',
    include: ['test/**/*.test.ts'],
  },
});
