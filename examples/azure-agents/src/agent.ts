import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { AIProjectClient } from '@azure/ai-projects';
import { runFunctionCall, WEATHER_TOOL } from './weather.js';

export const AGENT_NAME = 'weather-math-agent';
export const QUESTION = "What is sqrt(1764)? And what's the weather in Seattle?";
/** The app's own span around the run: it makes one trace of every call below, and names it. */
export const RUN_SPAN = 'weather-math-question';
/** Rounds of function calls before the app gives up on an agent that keeps asking. */
const MAX_FUNCTION_ROUNDS = 5;

export interface AgentRun {
  answer: string;
  /** The OTel trace id of the run: `otel_trace_id` in the Nexus trace's metadata, and the operation id in Application Insights. */
  traceId: string;
}

/**
 * One question to a prompt agent with code interpreter and a function tool: create the agent
 * version, open a conversation, ask, run every function call the agent asks for and send the
 * results back until it answers, then clean up. ai-projects traces each step itself (its
 * `tracingOptions`); the spans join the active one, this run's root.
 */
export async function runWeatherMathAgent(project: AIProjectClient, tracer: Tracer, model: string): Promise<AgentRun> {
  return tracer.startActiveSpan(RUN_SPAN, async (root) => {
    try {
      const agent = await project.agents.createVersion(AGENT_NAME, {
        kind: 'prompt',
        model,
        instructions: 'You are a helpful agent. Use the code interpreter for math and get_current_weather for the weather.',
        tools: [{ type: 'code_interpreter', container: { type: 'auto' } }, WEATHER_TOOL],
      });
      const openai = project.getOpenAIClient();
      const conversation = await openai.conversations.create();
      try {
        const agentReference = { body: { agent: { name: agent.name, type: 'agent_reference' } } };
        let response = await openai.responses.create({ conversation: conversation.id, input: QUESTION }, agentReference);
        for (let round = 1; ; round += 1) {
          const calls = response.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
          if (calls.length === 0) break;
          if (round > MAX_FUNCTION_ROUNDS) throw new Error(`the agent still asks for functions after ${MAX_FUNCTION_ROUNDS} rounds`);
          const input = calls.map((call) => ({ type: 'function_call_output' as const, call_id: call.call_id, output: runFunctionCall(call.name, call.arguments) }));
          response = await openai.responses.create({ conversation: conversation.id, input }, agentReference);
        }
        return { answer: response.output_text, traceId: root.spanContext().traceId };
      } finally {
        await openai.conversations.delete(conversation.id);
        await project.agents.deleteVersion(agent.name, agent.version);
      }
    } catch (error) {
      root.recordException(error instanceof Error ? error : String(error));
      root.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      root.end();
    }
  });
}
