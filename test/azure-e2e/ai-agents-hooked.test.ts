// @nexus-otel/instrumentation-azure-ai registered as apps do, each in a child process: the module
// hooks (import-in-the-middle for ES modules, require-in-the-middle for CommonJS) give every
// AgentsClient the policy, with no change to the app's code. `hooked/agents-run.cjs` is the app.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { createAgentsV1Routes, RUN_USAGE } from './agents-v1-routes.js';
import { foundryForChild, type Cleanups } from './scenario.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const HOOKED = fileURLToPath(new URL('./hooked/', import.meta.url));

/** The app's spans as register.mjs / register.cjs print them when the app is done. */
interface Printed {
  spans: Array<{ name: string; status: { code: number }; errorType: string | null }>;
}

async function runApp(args: string[], env: Record<string, string>): Promise<{ lines: unknown[]; stderr: string }> {
  const v1 = createAgentsV1Routes();
  const { stub, caFile } = await foundryForChild(v1.routes, cleanups);
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
    cwd: HOOKED,
    env: { ...process.env, ...env, STUB_ENDPOINT: stub.endpoint, NODE_EXTRA_CA_CERTS: caFile },
    timeout: 30_000,
  });
  return { lines: stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown), stderr };
}

const APP_SPANS = [
  'chat gpt-4o',
  'chat gpt-4o',
  'chat gpt-4o',
  'create_agent weather-math-agent',
  'create_message',
  'create_thread',
  'execute_tool code_interpreter',
  'execute_tool get_current_weather',
  'invoke_agent weather-math-agent',
];

describe('@azure/ai-agents traced through the module hooks', () => {
  it.each([
    ['an ES-module app: node --import ./register.mjs agents-app.mjs', ['--import', './register.mjs', 'agents-app.mjs']],
    ['a CommonJS app: node --require ./register.cjs agents-app.cjs', ['--require', './register.cjs', 'agents-app.cjs']],
    // ai-projects 1.x builds its `agents` client from the @azure/ai-agents it depends on: the same hook.
    ['ai-projects 1.0.1’s client.agents, ES module', ['--import', './register.mjs', 'projects1-app.mjs']],
    ['ai-projects 1.0.1’s client.agents, CommonJS', ['--require', './register.cjs', 'projects1-app.cjs']],
  ])('%s', async (_name, args) => {
    const { lines } = await runApp(args, {});
    expect(lines[0]).toEqual({ status: 'completed' });
    const { spans } = lines[1] as Printed;
    expect(spans.map((s) => s.name).sort()).toEqual(APP_SPANS);
    expect(spans.every((s) => s.status.code === 0 && s.errorType === null)).toBe(true);
  });

  it('with no code at all (node --import @nexus-otel/exporter/register): the run lands in Nexus with its tokens and tool calls', async () => {
    const key = generateKey();
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    cleanups.push(() => nexus.close());
    const { lines, stderr } = await runApp(['--import', '@nexus-otel/exporter/register', 'agents-app.mjs'], {
      NEXUS_API_KEY: key,
      NEXUS_BASE_URL: nexus.url,
      OTEL_SERVICE_NAME: 'weather-app',
    });
    expect(lines).toEqual([{ status: 'completed' }]);
    // No root span in this app: each top-level call is a trace of its own, the run among them.
    const run = nexus.traces().find((t) => t.name === 'invoke_agent weather-math-agent');
    expect(run, `${nexus.traces().map((t) => t.name).join(', ')}\n${stderr}`).toBeDefined();
    expect(run).toMatchObject({ status: 'success', agentName: 'weather-app' });
    expect(run!.metadata).toMatchObject({ input_tokens: RUN_USAGE.prompt_tokens, output_tokens: RUN_USAGE.completion_tokens, tool_calls: 2 });
  });
});
