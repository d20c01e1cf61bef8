import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKey, startNexusLocal, type StoredSpan, type StoredTrace } from '@nexus-otel/local';
import { ANSWER, CODE, CODE_LOGS, USAGE, WEATHER_ARGUMENTS } from '../src/foundry/index.js';
import { AGENT_NAME, getCurrentWeather, RUN_SPAN, runAzureAgentsExample } from '../src/index.js';
import { NODE_22_19 } from '../../../test-support/requirements.js';

// @azure/ai-projects 2.10 needs Node >= 22, OTel JS 3.x >= 22.15, and trusting the stub's
// certificate at run time >= 22.19 (canTrustAtRuntime). CI runs this file on Node 22.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function spansNamed(trace: StoredTrace, name: string): StoredSpan[] {
  return trace.spans.filter((s) => s.name === name).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

describe.skipIf(NODE_22_19.unmet)('examples/azure-agents: an ai-projects agent run against the local Foundry stub', NODE_22_19.options, () => {
  it('lands in Nexus as one trace with the agent turns, both tool calls and the tokens, and on the console', async () => {
    const key = generateKey();
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    cleanups.push(() => nexus.close());
    // ConsoleSpanExporter prints each span with console.dir.
    const printed: string[] = [];
    const dir = vi.spyOn(console, 'dir').mockImplementation((value: unknown) => {
      printed.push((value as { name?: string }).name ?? '');
    });
    cleanups.push(() => dir.mockRestore());

    // env {}: the local stub even when AZURE_AI_PROJECT_ENDPOINT is set where the test runs.
    const run = await runAzureAgentsExample({ nexus: { apiKey: key, baseUrl: nexus.url }, console: true, env: {} });
    expect(run.answer).toBe(ANSWER);

    const traces = nexus.traces();
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace.name).toBe(RUN_SPAN);
    expect(trace.agentName).toBe('weather-math-agent');
    expect(trace.status).toBe('success');
    const input = USAGE[0].input_tokens + USAGE[1].input_tokens;
    const output = USAGE[0].output_tokens + USAGE[1].output_tokens;
    expect(trace.metadata).toMatchObject({ otel_trace_id: run.traceId, input_tokens: input, output_tokens: output, total_tokens: input + output });

    // Two agent turns: the first runs code and asks for the function, the second answers.
    const turns = spansNamed(trace, `invoke_agent ${AGENT_NAME}`);
    expect(turns).toHaveLength(2);
    const [first, second] = turns as [StoredSpan, StoredSpan];
    expect(JSON.stringify(second.output)).toContain(ANSWER);

    const [code] = spansNamed(trace, 'execute_tool code_interpreter');
    expect(code?.parentSpanId).toBe(first.id);
    expect(code?.input).toBe(CODE);
    expect(code?.output).toBe(CODE_LOGS.replace(/\n$/, ''));

    const [weather] = spansNamed(trace, 'execute_tool get_current_weather');
    expect(weather?.parentSpanId).toBe(first.id);
    expect(weather?.input).toEqual(JSON.parse(WEATHER_ARGUMENTS));
    // The result the app sent back in the next turn.
    expect(weather?.output).toEqual(getCurrentWeather('Seattle, WA'));
    expect(trace.spans.every((s) => s.status === 'ok' && s.error === null)).toBe(true);

    // The console exporter printed the same run, as OTel spans: the tool calls are output items of
    // the first turn's span, which only the Nexus mapping turns into spans of their own.
    expect(printed).toEqual([`create_agent ${AGENT_NAME}`, 'create_conversation', `invoke_agent ${AGENT_NAME}`, `invoke_agent ${AGENT_NAME}`, RUN_SPAN]);
  });
});
