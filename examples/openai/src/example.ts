import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { runFunctionCall, WEATHER_TOOL } from './weather.js';
import { startLocalOpenAi } from './local-openai.js';

export const QUESTION = "What's the weather in Paris right now?";
/** The app's own span around the question: one trace for both model calls, named after it. */
export const RUN_SPAN = 'weather-question';
const MAX_TOOL_ROUNDS = 5;

export interface ExampleRun {
  answer: string;
  /** The OTel trace id (`otel_trace_id` in the Nexus trace's metadata). */
  traceId: string;
  /** Where the requests went. */
  target: string;
}

/**
 * One question that takes a tool call: ask, run the function the model asks for, send its result
 * back, get the answer. Against OpenAI when OPENAI_API_KEY is set (OPENAI_MODEL, default
 * gpt-4o-mini), else against a local stub of the API.
 */
export async function runWeatherQuestion(env: NodeJS.ProcessEnv = process.env): Promise<ExampleRun> {
  const real = Boolean(env['OPENAI_API_KEY']);
  const stub = real ? undefined : await startLocalOpenAi();
  const client = stub ? new OpenAI({ baseURL: stub.baseURL, apiKey: 'sk-local-stub', maxRetries: 0 }) : new OpenAI({ apiKey: env['OPENAI_API_KEY'] });
  const model = (real && env['OPENAI_MODEL']) || 'gpt-4o-mini';
  try {
    return await trace.getTracer('openai-example').startActiveSpan(RUN_SPAN, async (root) => {
      try {
        const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: QUESTION }];
        for (let round = 0; round <= MAX_TOOL_ROUNDS; round += 1) {
          const completion = await client.chat.completions.create({ model, messages, tools: [WEATHER_TOOL] });
          const message = completion.choices[0]?.message;
          if (!message) throw new Error('the model returned no choice');
          const calls = (message.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [call] : []));
          if (calls.length === 0) {
            return { answer: message.content ?? '', traceId: root.spanContext().traceId, target: stub ? `local OpenAI stub ${stub.baseURL}` : 'OpenAI' };
          }
          messages.push(message);
          for (const call of calls) {
            messages.push({ role: 'tool', tool_call_id: call.id, content: runFunctionCall(call.function.name, call.function.arguments) });
          }
        }
        throw new Error(`the model still asks for tools after ${MAX_TOOL_ROUNDS} rounds`);
      } catch (error) {
        root.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        root.end();
      }
    });
  } finally {
    await stub?.close();
  }
}
