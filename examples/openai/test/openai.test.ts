import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type StoredSpan, type StoredTrace } from '@nexus-otel/local';
import { QUESTION, RUN_SPAN } from '../src/example.js';
import { TOOL_CALL, TOOL_USAGE, WEATHER_ANSWER } from '../src/openai-stub.js';
import { getWeather } from '../src/weather.js';
// The Node >= 22.15 that src/node-support.ts requires of the example.
import { NODE_22_15 } from '../../../test-support/requirements.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const CHAT = 'chat gpt-4o-mini';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * `npm start` in examples/openai: the built example as its own process, with the instrumentation
 * loaded by --import (the ESM loader hook cannot be added to a vitest worker), under this Node.
 */
function runExample(env: NodeJS.ProcessEnv): Promise<Run> {
  const { OPENAI_API_KEY: _openai, NEXUS_API_KEY: _key, NEXUS_BASE_URL: _url, OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: _capture, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', './instrumentation.js', './main.js'], { cwd: dist, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function onlySpan(trace: StoredTrace, name: string, index = 0): StoredSpan {
  const spans = trace.spans.filter((s) => s.name === name).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  expect(spans.length, `spans named ${name}: ${trace.spans.map((s) => s.name).join(', ')}`).toBeGreaterThan(index);
  return spans[index]!;
}

describe.skipIf(NODE_22_15.unmet)('examples/openai: openai + instrumentation-openai against the local OpenAI stub', NODE_22_15.options, () => {
  it('lands in Nexus as one trace with both chat spans, their messages, the tool call with arguments and result, and tokens', async () => {
    expect(existsSync(`${dist}main.js`), 'examples/openai/dist is missing: npm run build').toBe(true);
    const key = generateKey();
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    cleanups.push(() => nexus.close());

    const run = await runExample({ NEXUS_API_KEY: key, NEXUS_BASE_URL: nexus.url });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`the model answered: ${WEATHER_ANSWER}`);

    const traces = nexus.traces();
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace.name).toBe(RUN_SPAN);
    expect(trace.agentName).toBe('openai-weather');
    expect(trace.status).toBe('success');
    expect(trace.metadata).toMatchObject({ input_tokens: TOOL_USAGE.prompt_tokens + 98, output_tokens: TOOL_USAGE.completion_tokens + 14 });

    const root = onlySpan(trace, RUN_SPAN);
    const asking = onlySpan(trace, CHAT, 0);
    const answering = onlySpan(trace, CHAT, 1);
    expect([asking.parentSpanId, answering.parentSpanId]).toEqual([root.id, root.id]);
    // Content capture: the question and the answer, from the instrumentation's log records.
    expect(asking.input).toMatchObject({ messages: [{ role: 'user', parts: [{ type: 'text', content: QUESTION }] }] });
    expect(answering.output).toMatchObject({ messages: [{ role: 'assistant', parts: [{ type: 'text', content: WEATHER_ANSWER }] }] });

    const tool = onlySpan(trace, `execute_tool ${TOOL_CALL.name}`);
    expect(tool.parentSpanId).toBe(asking.id);
    expect(tool.input).toEqual(JSON.parse(TOOL_CALL.arguments));
    // The result the app sent back, from the next request's tool message.
    expect(tool.output).toEqual(getWeather('Paris, FR', 'celsius'));
  });
});
