import { randomBytes } from 'node:crypto';
import { SpanKind, type Tracer } from '@opentelemetry/api';

export const MODEL = 'gpt-4o';

export interface Answer {
  text: string;
  /** The model's response id: what feedback on this answer refers to. */
  responseId: string;
}

/** A stand-in for the model: a canned answer after a short wait, with a fresh response id. */
async function callModel(question: string): Promise<Answer & { inputTokens: number; outputTokens: number }> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const text = question.includes('refund')
    ? 'You can request a refund within 30 days from Orders → Request refund.'
    : 'I can help with orders, refunds and delivery.';
  return { text, responseId: `chatcmpl-${randomBytes(8).toString('hex')}`, inputTokens: 26, outputTokens: 17 };
}

/**
 * A model call instrumented by hand the way GenAI instrumentations do it (OTel GenAI semantic
 * conventions): a `chat <model>` client span with the model, the response id, token usage and the
 * messages. Any instrumentation that records `gen_ai.response.id` serves feedback the same way.
 */
export async function answer(tracer: Tracer, question: string): Promise<Answer> {
  return tracer.startActiveSpan(`chat ${MODEL}`, { kind: SpanKind.CLIENT }, async (span) => {
    try {
      const reply = await callModel(question);
      span.setAttributes({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': MODEL,
        'gen_ai.response.model': `${MODEL}-2024-11-20`,
        'gen_ai.response.id': reply.responseId,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': reply.inputTokens,
        'gen_ai.usage.output_tokens': reply.outputTokens,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: reply.text }], finish_reason: 'stop' }]),
      });
      return { text: reply.text, responseId: reply.responseId };
    } finally {
      span.end();
    }
  });
}
