import { defineProject } from 'vitest/config';

export default defineProject({
  // Packing, attw and the fresh apps' `npm install`s from the registry: about a minute and a half, more on a cold npm cache.
  test: { name: 'pack', include: ['*.test.ts'], testTimeout: 120_000, hookTimeout: 240_000 },
});
