import { afterEach, describe, expect, it } from 'vitest';
import {
  ANSWER,
  CODE,
  CODE_LOGS,
  createAgentsV2Routes,
  USAGE,
  WEATHER_ARGUMENTS,
} from '@nexus-otel/example-azure-agents/foundry-stub';
import { spanTree, spansNamed } from './span-tree.js';
import { foundryToNexus } from './scenario.js';
import { NODE_22_19 } from '../../test-support/requirements.js';

// @azure/ai-projects 2.10.0 (and the openai 7 it uses) need Node >= 22; CI runs this file on Node 22.
// Trusting the stub's certificate at run time needs Node >= 22.19.

const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3600_000 }) };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(NODE_22_19.unmet)('@azure/ai-projects 2.10.0 (GenAI tracing) → NexusSpanExporter → Nexus', NODE_22_19.options, () => {
  it('an agent turn with code_interpreter and a function call becomes invoke_agent and execute_tool spans', async () => {
    const v2 = createAgentsV2Routes();
    // The Azure SDK instrumentation only adds the core-pipeline HTTP spans (agent versions); the
    // GenAI spans come from ai-projects itself through the global TracerProvider.
    const { stub, nexus, tracing } = await foundryToNexus(v2.routes, cleanups);

    const { AIProjectClient } = await import('@azure/ai-projects');
    const project = new AIProjectClient(stub.endpoint, credential, {
      tracingOptions: { experimental: true, contentRecording: true },
    });

    let answer = '';
    await tracing.tracer.startActiveSpan('weather-math-scenario', async (root) => {
      try {
        const agent = await project.agents.createVersion('weather-math-agent', {
          kind: 'prompt',
          model: 'gpt-4o',
          instructions: 'You are a helpful agent. Use code interpreter for math and get_current_weather for weather.',
          tools: [
            { type: 'code_interpreter' },
            {
              type: 'function',
              name: 'get_current_weather',
              description: 'Current weather for a city',
              parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
            },
          ],
        });
        const openai = project.getOpenAIClient();
        const conversation = await openai.conversations.create();
        const agentReference = { body: { agent: { name: agent.name, type: 'agent_reference' } } };
        const first = await openai.responses.create(
          { conversation: conversation.id, input: "What is sqrt(1764)? And what's the weather in Seattle?" },
          agentReference,
        );
        // The app runs the function the agent asked for and sends its result back.
        const call = first.output.find((item) => item.type === 'function_call');
        if (call?.type !== 'function_call') throw new Error('the agent asked for no function call');
        expect(JSON.parse(call.arguments)).toEqual({ location: 'Seattle, WA' });
        const second = await openai.responses.create(
          {
            conversation: conversation.id,
            input: [{ type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ temperature: '12C', condition: 'cloudy' }) }],
          },
          agentReference,
        );
        answer = second.output_text;
        await openai.conversations.delete(conversation.id);
        await project.agents.deleteVersion(agent.name, agent.version);
      } finally {
        root.end();
      }
    });
    await tracing.shutdown();
    expect(answer).toBe(ANSWER);

    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /agents/weather-math-agent/versions',
      'POST /openai/v1/conversations',
      'POST /openai/v1/responses',
      'POST /openai/v1/responses',
      `DELETE /openai/v1/conversations/${v2.ids.conversation}`,
      'DELETE /agents/weather-math-agent/versions/1',
    ]);
    // ai-projects propagates the trace into the OpenAI client's fetch too.
    expect(new Set(stub.requests.map((r) => r.traceparent?.split('-')[1])).size).toBe(1);

    const traces = nexus.traces();
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    const tree = spanTree(trace);

    expect(trace.name).toBe('weather-math-scenario');
    expect(trace.status).toBe('success');
    const inputTokens = USAGE[0].input_tokens + USAGE[1].input_tokens;
    const outputTokens = USAGE[0].output_tokens + USAGE[1].output_tokens;
    expect(trace.metadata).toMatchObject({
      conversation_id: v2.ids.conversation,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
    });

    const turns = spansNamed(trace, 'invoke_agent weather-math-agent');
    expect(turns).toHaveLength(2);
    const [firstTurn, secondTurn] = turns as [(typeof turns)[0], (typeof turns)[0]];

    // Tool calls the service ran (code_interpreter) or asked for (the function) are spans under the turn.
    const [code] = spansNamed(trace, 'execute_tool code_interpreter');
    expect(code?.parentSpanId).toBe(firstTurn.id);
    expect(code?.input).toBe(CODE);
    // The exporter drops the one trailing newline of each `logs` output (and joins several with `\n`).
    expect(code?.output).toBe(CODE_LOGS.replace(/\n$/, ''));
    const [weather] = spansNamed(trace, 'execute_tool get_current_weather');
    expect(weather?.parentSpanId).toBe(firstTurn.id);
    expect(weather?.input).toEqual(JSON.parse(WEATHER_ARGUMENTS));

    expect(JSON.stringify(secondTurn.output)).toContain(ANSWER);
    expect(trace.spans.every((s) => s.status === 'ok' && s.error === null)).toBe(true);
  });
});
