// The patch against a stand-in shaped like @azure/ai-projects 2.10 and openai (the real SDK runs
// in test/azure-e2e on Node 22): a client whose getOpenAIClient binds Responses.prototype.create
// and wraps it in a span that it always ends OK, as the SDK does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, propagation, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { AzureAIInstrumentation } from '../src/index.js';

type Result = Record<string, unknown>;

/** Like openai's Responses: create() answers what the "service" gives. */
class Responses {
  static next: Result | AsyncIterable<unknown> = {};
  create(_body?: unknown): Promise<unknown> {
    return Promise.resolve(Responses.next);
  }
}

function fakeSdk(tracer: Tracer, traced: boolean): { AIProjectClient: new () => { getOpenAIClient(): { responses: Responses } } } {
  class AIProjectClient {
    getOpenAIClient(): { responses: Responses } {
      const responses = new Responses();
      if (!traced) return { responses };
      const bound = responses.create.bind(responses);
      // The SDK's wrapper: span, the call inside it, then OK and end whatever the result; a
      // stream is wrapped and the span ends OK when it has been read.
      responses.create = async (body?: unknown) =>
        tracer.startActiveSpan('chat gpt-4o', async (span) => {
          const value = await bound(body);
          if ((body as { stream?: boolean } | undefined)?.stream) {
            return {
              async *[Symbol.asyncIterator]() {
                for await (const event of value as AsyncIterable<unknown>) yield event;
                span.setStatus({ code: SpanStatusCode.OK });
                span.end();
              },
            };
          }
          span.setStatus({ code: SpanStatusCode.OK });
          span.end();
          return value;
        });
      return { responses };
    }
  }
  return { AIProjectClient };
}

let exporter: InMemorySpanExporter;
let tracer: Tracer;
beforeEach(() => {
  exporter = new InMemorySpanExporter();
  // register(): the AsyncLocalStorage context manager, as an app has it.
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  tracer = provider.getTracer('sdk');
});
afterEach(() => {
  context.disable();
  trace.disable();
  propagation.disable();
});

const failed = { id: 'resp_1', model: 'gpt-4o', status: 'failed', error: { code: 'server_error', message: 'The server had an error.' }, usage: { input_tokens: 9, output_tokens: 0 } };

describe('AzureAIInstrumentation', () => {
  it("a failed result: the SDK's own span ends ERROR with the provider's message, error.type and usage", async () => {
    const sdk = fakeSdk(tracer, true);
    new AzureAIInstrumentation().manuallyInstrument(sdk);
    Responses.next = failed;
    const client = new sdk.AIProjectClient().getOpenAIClient();
    expect(await client.responses.create({ input: 'hi' })).toBe(failed);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'server_error: The server had an error.' });
    expect(span?.attributes).toMatchObject({ 'error.type': 'server_error', 'gen_ai.response.id': 'resp_1', 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.output_tokens': 0 });
  });

  it('a completed result is left as the SDK made it', async () => {
    const sdk = fakeSdk(tracer, true);
    new AzureAIInstrumentation().manuallyInstrument(sdk);
    Responses.next = { id: 'resp_2', status: 'completed' };
    await new sdk.AIProjectClient().getOpenAIClient().responses.create({});
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.OK });
    expect(span?.attributes['error.type']).toBeUndefined();
  });

  it("with the SDK's tracing off, the app's own span is never touched", async () => {
    const sdk = fakeSdk(tracer, false);
    new AzureAIInstrumentation().manuallyInstrument(sdk);
    Responses.next = failed;
    await tracer.startActiveSpan('app', async (app) => {
      await new sdk.AIProjectClient().getOpenAIClient().responses.create({});
      app.end();
    });
    const [app] = exporter.getFinishedSpans();
    expect(app?.name).toBe('app');
    expect(app?.status).toEqual({ code: SpanStatusCode.UNSET });
  });

  it('a stream that reports response.incomplete marks the span before the SDK ends it', async () => {
    const sdk = fakeSdk(tracer, true);
    new AzureAIInstrumentation().manuallyInstrument(sdk);
    const events = [
      { type: 'response.created', response: { id: 'resp_3', status: 'in_progress' } },
      { type: 'response.incomplete', response: { id: 'resp_3', model: 'gpt-4o', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 5, output_tokens: 7 } } },
    ];
    Responses.next = {
      async *[Symbol.asyncIterator]() {
        yield* events;
      },
    };
    const stream = (await new sdk.AIProjectClient().getOpenAIClient().responses.create({ stream: true })) as AsyncIterable<{ type: string }>;
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    expect(seen).toEqual(['response.created', 'response.incomplete']);
    const [inner] = exporter.getFinishedSpans();
    expect(inner?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'response_incomplete: max_output_tokens' });
    expect(inner?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 7 });
  });
});
