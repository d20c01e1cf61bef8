import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A small agent run, instrumented the way GenAI instrumentations do it: an invoke_agent span, a
 * model call, two tool calls (one fails and is retried), a final model call, and HTTP children.
 */
export async function runAgent(tracer: Tracer, question: string): Promise<string> {
  const root = tracer.startSpan('invoke_agent support-bot', {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support-bot', 'app.question': question },
  });
  const inRoot = trace.setSpan(ROOT_CONTEXT, root);
  await step(tracer, inRoot, 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 412, 'gen_ai.usage.output_tokens': 38 }, 40);
  await step(tracer, inRoot, 'execute_tool lookup_order', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' }, 25, 'order service timed out');
  await step(tracer, inRoot, 'execute_tool lookup_order', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' }, 20);
  await step(tracer, inRoot, 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 530, 'gen_ai.usage.output_tokens': 71 }, 50);
  root.end();
  return 'Your order #1042 ships tomorrow.';
}

async function step(tracer: Tracer, parent: Context, name: string, attributes: Record<string, string | number>, millis: number, failure?: string): Promise<void> {
  const span = tracer.startSpan(name, { attributes }, parent);
  const http = tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'url.full': 'https://api.example.com/v1' } }, trace.setSpan(parent, span));
  await sleep(millis);
  http.end();
  if (failure) {
    span.recordException(new Error(failure));
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
  }
  span.end();
}
