import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';

/**
 * One agent turn as GenAI instrumentations emit it (invoke_agent, a model call, a tool call), plus
 * a log record written inside it: what a Foundry app produces, without the network.
 */
export async function runAgentTurn(tracer: Tracer, agent = 'weather-agent'): Promise<string> {
  return tracer.startActiveSpan(`invoke_agent ${agent}`, { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent } }, async (root) => {
    const chat = tracer.startSpan('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 12 } });
    chat.end();
    const tool = tracer.startSpan('execute_tool get_weather', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' } });
    tool.end();
    logs.getLogger('weather-app').emit({ body: 'answered the weather question', attributes: { 'app.city': 'Seattle' } });
    root.end();
    return root.spanContext().traceId;
  });
}

export const tracerOf = (name = 'weather-app'): Tracer => trace.getTracer(name);
