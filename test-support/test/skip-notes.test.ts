// Every skipped group in the repository says why: its skipIf condition and its options come from
// one Requirement (test-support/requirements.ts), so the skip reporter has a reason to print. A
// bare skipIf(condition), runIf or skip would skip silently again; this finds them in the source.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['packages', 'examples', 'test', 'bench', 'test-support'];
const TEST_APIS = new Set(['describe', 'it', 'test', 'suite']);

/** The *.test.ts files under dir, without node_modules and build output. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The identifier a chain like `describe.skipIf(x).concurrent` starts from. */
function chainRoot(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) return chainRoot(node.expression);
  return undefined;
}

/** The call that receives the group (name, options, fn) after `….skipIf(cond)`, through `.concurrent` and the like. */
function groupCall(conditionCall: ts.CallExpression): ts.CallExpression | undefined {
  let node: ts.Node = conditionCall;
  while (ts.isPropertyAccessExpression(node.parent)) node = node.parent;
  return ts.isCallExpression(node.parent) && node.parent.expression === node ? node.parent : undefined;
}

interface SkipScan {
  /** Groups declared as skipIf(R.unmet)(name, R.options, …). */
  groups: number;
  /** Each skip that gives the reporter no reason, as `file:line: what`. */
  problems: string[];
}

/** Finds the test API's skips in one file's source. */
function scanSkips(file: string, source: string): SkipScan {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const scan: SkipScan = { groups: 0, problems: [] };
  const problem = (node: ts.Node, what: string): void => {
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    scan.problems.push(`${file}:${line + 1}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && TEST_APIS.has(chainRoot(node.expression) ?? '')) {
      const api = node.name.text;
      if (api === 'skip' || api === 'runIf') {
        problem(node, `${node.getText(sourceFile)} gives no reason: use .skipIf(R.unmet)(name, R.options, …) with a requirement`);
      } else if (api === 'skipIf' && ts.isCallExpression(node.parent) && node.parent.expression === node) {
        const condition = node.parent.arguments[0];
        const group = groupCall(node.parent);
        const requirement = condition && ts.isPropertyAccessExpression(condition) && condition.name.text === 'unmet' ? condition.expression.getText(sourceFile) : undefined;
        const options = group?.arguments[1];
        if (requirement === undefined) {
          problem(node, `skipIf(${condition?.getText(sourceFile) ?? ''}) gives no reason: skipIf(R.unmet) with a requirement R`);
        } else if (!options || options.getText(sourceFile) !== `${requirement}.options`) {
          problem(node, `skipIf(${requirement}.unmet) without ${requirement}.options as the group's options: the reporter gets no reason`);
        } else {
          scan.groups += 1;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return scan;
}

describe('skip reasons in the source', () => {
  it('every skipped group in the repository takes its condition and reason from one requirement', () => {
    const scans = SCANNED.flatMap((dir) => testFiles(join(ROOT, dir))).map((path) => scanSkips(relative(ROOT, path), readFileSync(path, 'utf8')));
    expect(scans.flatMap((s) => s.problems)).toEqual([]);
    // The scan did find the groups (Node 22, openssl, Chromium, the registry, the demo…): 20 today.
    expect(scans.reduce((n, s) => n + s.groups, 0)).toBeGreaterThanOrEqual(20);
  });

  it('flags a bare condition, a runIf, a plain skip and a reason from another requirement', () => {
    const source = [
      "describe.skipIf(!hasChromium)('a', () => {});",
      "it.runIf(ok)('b', () => {});",
      "describe.skip('c', () => {});",
      "describe.skipIf(NODE.unmet).concurrent('d', OPENSSL.options, () => {});",
      "describe.skipIf(NODE.unmet).concurrent('e', NODE.options, () => {});",
      "it('f', (ctx) => ctx.skip('a note is a reason'));",
    ].join('\n');
    const scan = scanSkips('x.test.ts', source);
    expect(scan.problems).toEqual([
      'x.test.ts:1: skipIf(!hasChromium) gives no reason: skipIf(R.unmet) with a requirement R',
      'x.test.ts:2: it.runIf gives no reason: use .skipIf(R.unmet)(name, R.options, …) with a requirement',
      'x.test.ts:3: describe.skip gives no reason: use .skipIf(R.unmet)(name, R.options, …) with a requirement',
      'x.test.ts:4: skipIf(NODE.unmet) without NODE.options as the group\'s options: the reporter gets no reason',
    ]);
    expect(scan.groups).toBe(1);
  });
});
