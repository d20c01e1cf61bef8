import { SpanKind, trace, type Tracer } from '@opentelemetry/api';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One agent turn, instrumented the way GenAI instrumentations (the Azure AI SDKs among them) do it:
 * an invoke_agent span, a model call that asks for a tool, the tool call, and the final model call.
 * Returns the OTel trace id: the Nexus trace's `otel_trace_id`, the `operation_Id` in Application Insights.
 */
export async function runAgentTurn(tracer: Tracer, question = "What's the weather in Seattle?"): Promise<{ answer: string; traceId: string }> {
  return tracer.startActiveSpan(
    'invoke_agent weather-agent',
    { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'weather-agent', 'gen_ai.system': 'az.ai.inference' } },
    async (root) => {
      await step(tracer, 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 96, 'gen_ai.usage.output_tokens': 18 }, 15);
      await step(tracer, 'execute_tool get_weather', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'call_1' }, 5);
      await step(tracer, 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 140, 'gen_ai.usage.output_tokens': 22 }, 15);
      root.setAttribute('app.question', question);
      root.end();
      return { answer: 'Seattle: 12 °C and light rain.', traceId: root.spanContext().traceId };
    },
  );
}

async function step(tracer: Tracer, name: string, attributes: Record<string, string | number>, millis: number): Promise<void> {
  const span = tracer.startSpan(name, { attributes });
  await sleep(millis);
  span.end();
}

export const tracerOf = (name = 'dual-export-example'): Tracer => trace.getTracer(name);
