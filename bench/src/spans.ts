// The GenAI spans the benchmarks map: the exporter's test fixtures (real captures and spec examples)
// and generated agent traces with realistic content, all as full SDK ReadableSpans so the OTLP
// serializer can take exactly the same objects.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

const FIXTURES = fileURLToPath(new URL('../../packages/exporter/test/fixtures/', import.meta.url));

interface FixtureSpan {
  name: string;
  kind?: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string | null;
  startTime: string;
  endTime: string;
  status?: { code?: string; message?: string };
  attributes?: Record<string, unknown>;
  events?: Array<{ name: string; time: string; attributes?: Record<string, unknown> }>;
  resource?: Record<string, unknown>;
  instrumentationScope?: { name: string; version?: string };
}

const KINDS: Record<string, number> = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 };
const CODES: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

function hrTime(iso: string): [number, number] {
  const fraction = /\.(\d+)Z$/.exec(iso);
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return [seconds, fraction ? Math.round(Number(`0.${fraction[1]}`) * 1e9) : 0];
}

function durationOf(start: [number, number], end: [number, number]): [number, number] {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return [seconds, nanos];
}

/** Every trace of the exporter's span fixtures (Azure captures, semconv, OpenLLMetry, OpenInference, AI SDK). */
export function fixtureTraces(): ReadableSpan[][] {
  return namedFixtureTraces().map((fixture) => fixture.spans);
}

/** The same traces, each with the fixture file it comes from (`azure/….json`). */
export function namedFixtureTraces(): Array<{ file: string; spans: ReadableSpan[] }> {
  const traces: Array<{ file: string; spans: ReadableSpan[] }> = [];
  for (const dir of ['azure', 'semconv']) {
    for (const file of readdirSync(`${FIXTURES}${dir}`).filter((f) => f.endsWith('.json')).sort()) {
      const raw = JSON.parse(readFileSync(`${FIXTURES}${dir}/${file}`, 'utf8')) as Record<string, unknown>;
      const list = (Array.isArray(raw['spans']) ? raw['spans'] : raw['span'] ? [raw['span']] : raw['traceId'] && raw['name'] ? [raw] : []) as FixtureSpan[];
      if (list.length === 0) continue;
      const resource = resourceFromAttributes((raw['resource'] as Attributes | undefined) ?? { 'service.name': 'fixture-app' });
      traces.push({
        file: `${dir}/${file}`,
        spans: list.map((s): ReadableSpan => {
          const startTime = hrTime(s.startTime);
          const endTime = hrTime(s.endTime);
          return {
            name: s.name,
            kind: KINDS[s.kind ?? 'INTERNAL'] ?? 0,
            spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
            parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1, isRemote: false } : undefined,
            startTime,
            endTime,
            duration: durationOf(startTime, endTime),
            ended: true,
            status: { code: CODES[s.status?.code ?? 'UNSET'] ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
            attributes: (s.attributes ?? {}) as Attributes,
            links: [],
            events: (s.events ?? []).map((e) => ({ name: e.name, time: hrTime(e.time), attributes: (e.attributes ?? {}) as Attributes })),
            resource: s.resource ? resourceFromAttributes(s.resource as Attributes) : resource,
            instrumentationScope: (raw['instrumentationScope'] as { name: string } | undefined) ?? s.instrumentationScope ?? { name: 'fixture' },
            droppedAttributesCount: 0,
            droppedEventsCount: 0,
            droppedLinksCount: 0,
          };
        }),
      });
    }
  }
  return traces;
}

/** A deterministic generator, so every run maps the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = (
  'the order shipment customer refund invoice account delivery tracking number status warehouse carrier ' +
  'please could you check whether my package arrived yesterday today tomorrow address payment card ' +
  'subscription plan upgrade cancel return policy days window item size colour exchange label email ' +
  'thanks for waiting I have looked into this and found that your is currently on its way expected ' +
  'we are sorry about the delay here what happened next steps if anything else help with'
).split(' ');

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i += 1) out.push(WORDS[Math.floor(next() * WORDS.length)]!);
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

function paragraph(next: () => number, sentences: number): string {
  return Array.from({ length: sentences }, () => sentence(next, 8 + Math.floor(next() * 14))).join(' ');
}

const SYSTEM = 'You are the support assistant of an online shop. Answer briefly and politely. Use the tools to look up orders; never invent an order status. If the customer asks for a refund, explain the policy first.';

const TOOLS = JSON.stringify([
  { type: 'function', name: 'get_order_status', description: 'Looks up the status of an order by its number', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } },
  { type: 'function', name: 'create_refund', description: 'Starts a refund for an order', parameters: { type: 'object', properties: { order_id: { type: 'string' }, reason: { type: 'string' } }, required: ['order_id'] } },
]);

export interface AgentTraceOptions {
  /** Seed of the content generator. */
  seed: number;
  /** Real SDK tracer provider's service name. */
  serviceName?: string;
}

/**
 * Real SDK spans of one support-agent turn, as the OTel GenAI conventions (v1.41) record it with
 * content capture on: `invoke_agent` → `chat` (asks for a tool, with its HTTP call) →
 * `execute_tool` → `chat` (answers, with its HTTP call). 6 spans, about 10 KB of attributes.
 */
export class AgentTraces {
  private readonly memory = new InMemorySpanExporter();
  private readonly provider: BasicTracerProvider;

  constructor(serviceName = 'support-bot') {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.4.2', 'deployment.environment.name': 'bench' }),
      spanProcessors: [new SimpleSpanProcessor(this.memory)],
    });
  }

  /** One trace's spans, ended children first. */
  trace(seed: number): ReadableSpan[] {
    this.memory.reset();
    emitAgentTurn(this.provider.getTracer('@example/genai-instrumentation', '1.0.0'), seed);
    return this.memory.getFinishedSpans();
  }
}

/** Starts and ends the six spans of one agent turn on `tracer` (used with any span processor). */
export function emitAgentTurn(tracer: ReturnType<BasicTracerProvider['getTracer']>, seed: number): void {
  const next = random(seed);
  const order = `ORD-${100000 + Math.floor(next() * 899999)}`;
  const question = `${paragraph(next, 2)} My order number is ${order}.`;
  const callId = `call_${Math.floor(next() * 1e12).toString(36)}${Math.floor(next() * 1e12).toString(36)}`;
  const args = JSON.stringify({ order_id: order });
  const result = JSON.stringify({ order_id: order, status: 'in_transit', carrier: 'DHL', tracking: `JD0146000${Math.floor(next() * 1e9)}`, eta: '2026-11-23', items: [{ sku: 'SKU-4471', name: 'Rain jacket', qty: 1 }], note: paragraph(next, 2) });
  const answer = paragraph(next, 5);
  const history = [
    { role: 'user', parts: [{ type: 'text', content: paragraph(next, 3) }] },
    { role: 'assistant', parts: [{ type: 'text', content: paragraph(next, 3) }] },
    { role: 'user', parts: [{ type: 'text', content: question }] },
  ];
  const toolCall = { role: 'assistant', parts: [{ type: 'tool_call', id: callId, name: 'get_order_status', arguments: { order_id: order } }] };
  const toolResult = { role: 'tool', parts: [{ type: 'tool_call_response', id: callId, response: result }] };
  const conversation = `conv_${Math.floor(next() * 1e15).toString(36)}`;
  const under = (span: Span) => trace.setSpan(ROOT_CONTEXT, span);

  const root = tracer.startSpan('invoke_agent support-bot', {
    kind: SpanKind.INTERNAL,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'support-bot',
      'gen_ai.agent.id': 'asst_Hk3bq81nB0pd2X',
      'gen_ai.conversation.id': conversation,
      'gen_ai.request.model': 'gpt-4o',
    },
  });
  const chat = (input: unknown[], output: unknown[], usage: [number, number], finish: string): void => {
    const span = tracer.startSpan(
      'chat gpt-4o',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.max_tokens': 800,
          'server.address': 'api.openai.com',
          'server.port': 443,
          'gen_ai.conversation.id': conversation,
          'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: SYSTEM }]),
          'gen_ai.tool.definitions': TOOLS,
          'gen_ai.input.messages': JSON.stringify(input),
          'gen_ai.output.messages': JSON.stringify(output),
          'gen_ai.response.id': `chatcmpl-${Math.floor(next() * 1e15).toString(36)}`,
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.response.finish_reasons': [finish],
          'gen_ai.usage.input_tokens': usage[0],
          'gen_ai.usage.output_tokens': usage[1],
        },
      },
      under(root),
    );
    const http = tracer.startSpan(
      'POST',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'POST',
          'url.full': 'https://api.openai.com/v1/chat/completions',
          'server.address': 'api.openai.com',
          'server.port': 443,
          'http.response.status_code': 200,
          'network.protocol.version': '1.1',
        },
      },
      under(span),
    );
    http.end();
    span.end();
  };
  chat(history, [toolCall], [412 + Math.floor(next() * 200), 24], 'tool_calls');
  const tool = tracer.startSpan(
    'execute_tool get_order_status',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_order_status',
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.id': callId,
        'gen_ai.tool.call.arguments': args,
        'gen_ai.tool.call.result': result,
      },
    },
    under(root),
  );
  tool.end();
  chat([...history, toolCall, toolResult], [{ role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' }], [640 + Math.floor(next() * 200), 180], 'stop');
  root.setStatus({ code: SpanStatusCode.UNSET });
  root.end();
}
