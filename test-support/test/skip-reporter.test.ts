// The skip reporter as a user sees it: a real vitest run over fixture/ (a group whose requirement is
// unmet, one met, a skip without a reason, a test that skips itself with a note, a left-out group),
// once with the config's reporters as `npm test` has them, once with the flags .ci/run passes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const FIXTURE = 'test-support/test/fixture';
const scratch = mkdtempSync(join(tmpdir(), 'skip-reporter-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const UNICORNS = 'skipped: unicorns (3 tests): needs a unicorn; run it on a unicorn';
const MOON = 'skipped: bare (1 test): needs the moon; run it at night';
const NO_REASON = 'skipped: bare (1 test): no reason given (give its skipIf a requirement from test-support/requirements.ts)';
const LEFT_OUT = 'left out of npm test: slow: takes an hour; run npm run test:slow';

interface Run {
  code: number | null;
  lines: string[];
}

/** `vitest run` over the fixture from the repository root, as npm test and .ci/run start it. */
function vitest(args: string[]): Promise<Run> {
  // Not the outer run's worker settings: this vitest is a run of its own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  const child = spawn(process.execPath, [VITEST, 'run', '--root', FIXTURE, ...args], { cwd: ROOT, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, lines: out.split('\n').map((line) => line.trimEnd()) }));
  });
}

/** .ci/run's reporter flags for its first `npm test`, with the JSON going to `json`. */
function ciReporterFlags(json: string): string[] {
  const script = readFileSync(join(ROOT, '.ci/run'), 'utf8');
  const line = script.split('\n').find((l) => l.startsWith('npm test -- '));
  if (!line) throw new Error('.ci/run has no `npm test -- …` line');
  return line
    .slice('npm test -- '.length)
    .split(/\s+/)
    .map((flag) => flag.replace(/^--outputFile=.*/, `--outputFile=${json}`));
}

describe('the skip reporter', () => {
  it("with npm test's reporters: after the summary, one line per skipped group with why and how to run it", async () => {
    const run = await vitest([]);
    expect(run.code, run.lines.join('\n')).toBe(0);
    const summary = run.lines.findIndex((line) => /^\s*Tests\s+1 passed \| 5 skipped \(6\)$/.test(line));
    expect(summary, run.lines.join('\n')).toBeGreaterThan(-1);
    // Sorted by group; the met requirement (the horse) and the passing test print nothing.
    expect(run.lines.slice(summary).filter((line) => /^(skipped|left out)/.test(line))).toEqual([NO_REASON, MOON, UNICORNS, LEFT_OUT]);
  });

  it(".ci/run's flags replace the config's reporters: its JSON report is intact and the lines still print", async () => {
    const json = join(scratch, 'ci.json');
    const flags = ciReporterFlags(json);
    expect(flags).toContain('--reporter=./test-support/skip-reporter.ts');
    const run = await vitest(flags);
    expect(run.code, run.lines.join('\n')).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { numPassedTests: number; numPendingTests: number; numTotalTests: number };
    expect(report).toMatchObject({ numPassedTests: 1, numPendingTests: 5, numTotalTests: 6 });
    // The options the config gives the reporter (the left-out group) apply to the flag's reporter too.
    expect(run.lines).toEqual(expect.arrayContaining([NO_REASON, MOON, UNICORNS, LEFT_OUT]));
  });

  it('a narrowed run (--project, -t) leaves out the left-out groups and the skips its own filter made', async () => {
    const run = await vitest(['--project', 'unicorns', '--project', 'bare', '-t', 'trots']);
    expect(run.code, run.lines.join('\n')).toBe(0);
    expect(run.lines.filter((line) => /^(skipped|left out)/.test(line))).toEqual([UNICORNS]);
  });

  it('a run of some files only reports their skips, not what the whole suite leaves out', async () => {
    const run = await vitest(['unicorns.fixture']);
    expect(run.code, run.lines.join('\n')).toBe(0);
    expect(run.lines.filter((line) => /^(skipped|left out)/.test(line))).toEqual([UNICORNS]);
  });
});
