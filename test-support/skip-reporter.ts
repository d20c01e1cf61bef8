// A vitest reporter that says, after the run, why tests were skipped: one line per skipped group
// (project folder + reason) with how to run it, e.g.
//
//   skipped: test/otel-3x (3 tests): needs Node >= 22.15 (this is v20.20.2); run npm test on Node 22
//
// The reason travels with the tests (requirements.ts puts it in their meta), so the line says what
// the skip condition itself decided on this machine. It runs beside the default reporter: listed
// in the root vitest.config.ts, and named on the command line where --reporter replaces the config's
// reporters (.ci/run).
import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule, TestSpecification, Vitest } from 'vitest/node';
// Type only: brings in the skipNote that requirements.ts declares on TaskMeta.
import type {} from './requirements.js';

/** A group the config leaves out of the run on purpose (test/faults), with why and how to run it. */
export interface LeftOut {
  group: string;
  reason: string;
  run: string;
}

// A type, not an interface: vitest takes a custom reporter's options as Record<string, unknown>.
export type SkipReporterOptions = {
  /** Printed as `left out of npm test: …` unless the run is narrowed (--project, or some files). */
  leftOut?: LeftOut[];
};

/** A skip whose test carries no reason: it says so, and where a reason goes. */
const NO_REASON = 'no reason given (give its skipIf a requirement from test-support/requirements.ts)';

export default class SkipReporter implements Reporter {
  private vitest: Vitest | undefined;
  private readonly leftOut: LeftOut[];
  /** Whether this run is a part of the suite: then what the whole suite leaves out is beside the point. */
  private narrowed = false;

  constructor(options: SkipReporterOptions = {}) {
    this.leftOut = options.leftOut ?? [];
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    if (!this.vitest) return;
    this.narrowed = this.vitest.config.project.length > 0 || specifications.length < (await this.vitest.globTestSpecifications()).length;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (!this.vitest) return;
    const lines = skipLines(testModules, this.vitest.config.root, this.vitest.config.testNamePattern !== undefined);
    if (!this.narrowed) {
      lines.push(...this.leftOut.map((l) => `left out of npm test: ${l.group}: ${l.reason}; run ${l.run}`));
    }
    if (lines.length > 0) this.vitest.logger.log(lines.join('\n'));
  }
}

/** Where a test belongs, as the reader knows the repository: its project's folder (test/otel-3x, packages/local). */
function groupOf(test: TestCase, root: string): string {
  const projectRoot = relative(root, test.project.config.root);
  return projectRoot || relative(root, test.module.moduleId);
}

/**
 * One line per (group, reason) over the skipped tests, in group order. `filtered`: the run had a
 * name filter (-t), which skips tests too; those have no reason and are not reported.
 */
function skipLines(testModules: ReadonlyArray<TestModule>, root: string, filtered: boolean): string[] {
  const counts = new Map<string, { group: string; why: string; tests: number }>();
  for (const module of testModules) {
    for (const test of module.children.allTests()) {
      const result = test.result();
      if (result.state !== 'skipped' || test.options.mode === 'todo') continue;
      const note = test.meta().skipNote;
      // ctx.skip(note) inside a test is a reason too.
      const why = note ? `${note.reason}; ${note.run}` : result.note;
      if (why === undefined && filtered) continue;
      const group = groupOf(test, root);
      const key = `${group}\n${why ?? NO_REASON}`;
      const entry = counts.get(key) ?? { group, why: why ?? NO_REASON, tests: 0 };
      entry.tests += 1;
      counts.set(key, entry);
    }
  }
  return [...counts.values()]
    .sort((a, b) => a.group.localeCompare(b.group))
    .map((e) => `skipped: ${e.group} (${e.tests} ${e.tests === 1 ? 'test' : 'tests'}): ${e.why}`);
}
