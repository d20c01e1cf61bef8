import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// test/faults (outages, two minutes of faulty load, a slow Nexus, exit) takes ~5 minutes and
// measures time: it runs with `npm run test:faults` (NEXUS_OTEL_FAULTS=1) and in .ci/run, not in
// every `npm test`.
const testProjects = readdirSync('test', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && (entry.name !== 'faults' || process.env['NEXUS_OTEL_FAULTS'] === '1'))
  .map((entry) => `test/${entry.name}`);

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*/vitest.config.ts', ...testProjects],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
