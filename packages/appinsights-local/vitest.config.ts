import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'appinsights-local', include: ['test/**/*.test.ts'] },
});
