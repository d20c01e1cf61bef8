import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    // Project configs do not inherit the root's timeouts; each test here starts a vitest of its own.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    name: 'test-support',
    include: ['test/*.test.ts'],
  },
});
