import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { SkipReporterOptions } from './test-support/skip-reporter.js';

// test/faults (outages, two minutes of faulty load, a slow Nexus, exit) takes ~5 minutes and
// measures time: it runs with `npm run test:faults` (NEXUS_OTEL_FAULTS=1) and in .ci/run, not in
// every `npm test`.
const faults = process.env['NEXUS_OTEL_FAULTS'] === '1';
const testProjects = readdirSync('test', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && (entry.name !== 'faults' || faults))
  .map((entry) => `test/${entry.name}`);

// After the summary, one line per skipped group with why and how to run it. Named by absolute path:
// .ci/run's `--reporter=./test-support/skip-reporter.ts` resolves to the same name, so these
// options still apply when command-line reporters replace the ones here.
const skipReporter = fileURLToPath(new URL('./test-support/skip-reporter.ts', import.meta.url));
const skipOptions: SkipReporterOptions = {
  leftOut: faults ? [] : [{ group: 'test/faults', reason: 'the fault suite, about 5 minutes', run: 'npm run test:faults' }],
};

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*/vitest.config.ts', ...testProjects, 'test-support'],
    reporters: ['default', [skipReporter, skipOptions]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
