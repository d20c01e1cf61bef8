import { describe, expect, it } from 'vitest';
import { createGenAiMapper, type JsonValue, type MappedTrace, type ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

/**
 * Trace metadata of what the app set on its spans (user, session, tags, environment, service
 * version, prompt, agent version), through the whole mapper, one trace per convention, exact.
 */

const context = { maxFieldBytes: 32 * 1024 };
const map = (spans: ReadableSpanLike[], options: Parameters<typeof createGenAiMapper>[0] = {}): MappedTrace => createGenAiMapper(options).mapTrace(spans, context);

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROOT = 'a1a1a1a1a1a1a1a1';
const CHILD = 'b2b2b2b2b2b2b2b2';
const GRANDCHILD = 'c3c3c3c3c3c3c3c3';

interface SpanSpec {
  name: string;
  id: string;
  parent?: string;
  at: number;
  kind?: number;
  attributes: Record<string, unknown>;
  resource?: Record<string, unknown>;
}

function span({ name, id, parent, at, kind = 0, attributes, resource = { 'service.name': 'support-bot' } }: SpanSpec): ReadableSpanLike {
  return {
    name,
    kind,
    spanContext: () => ({ traceId: TRACE, spanId: id, traceFlags: 1 }),
    parentSpanContext: parent ? { traceId: TRACE, spanId: parent, traceFlags: 1, isRemote: false } : undefined,
    startTime: [1_795_000_000 + at, 0],
    endTime: [1_795_000_030 - at, 0],
    status: { code: 0 },
    attributes,
    events: [],
    resource: { attributes: resource },
    instrumentationScope: { name: 'test' },
  };
}

const HEADER = { otel_trace_id: TRACE, otel_root_span_id: ROOT, service_name: 'support-bot' };

describe('golden: trace context, one trace per convention', () => {
  it('Langfuse SDK: user, session and tags on the root; the linked prompt on the generation; the environment', () => {
    const trace = map([
      span({
        name: 'handle-ticket',
        id: ROOT,
        at: 0,
        attributes: {
          'langfuse.trace.name': 'handle-ticket',
          'user.id': 'user-7',
          'session.id': 'ticket-77',
          'langfuse.trace.tags': ['support', 'eu'],
          'langfuse.environment': 'production',
          'langfuse.version': '3.1.0',
        },
      }),
      span({
        name: 'chat gpt-4o',
        id: CHILD,
        parent: ROOT,
        at: 1,
        kind: 2,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 20,
          'langfuse.observation.type': 'generation',
          'langfuse.observation.prompt.name': 'ticket-answer',
          'langfuse.observation.prompt.version': 12,
          'langfuse.environment': 'production',
        },
      }),
    ]);
    expect(trace.header.metadata).toEqual({
      ...HEADER,
      input_tokens: 100,
      output_tokens: 20,
      total_tokens: 120,
      models: 'gpt-4o',
      user_id: 'user-7',
      session_id: 'ticket-77',
      tags: ['support', 'eu'],
      environment: 'production',
      service_version: '3.1.0',
      prompt_name: 'ticket-answer',
      prompt_version: '12',
    });
  });

  it('Traceloop SDK: association properties (ids, the others as tags) on every span, the managed prompt, cache-creation tokens', () => {
    const association = {
      'traceloop.association.properties.user_id': 'u-100',
      'traceloop.association.properties.session_id': 'sess-100',
      'traceloop.association.properties.customer_id': 'CUS_a1b2',
    };
    const trace = map([
      span({ name: 'answer.workflow', id: ROOT, at: 0, attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.workflow.name': 'answer', ...association } }),
      span({
        name: 'anthropic.chat',
        id: CHILD,
        parent: ROOT,
        at: 1,
        kind: 2,
        attributes: {
          'llm.request.type': 'chat',
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-sonnet-4',
          'gen_ai.usage.prompt_tokens': 1200,
          'gen_ai.usage.completion_tokens': 80,
          'gen_ai.usage.cache_read_input_tokens': 200,
          'gen_ai.usage.cache_creation_input_tokens': 900,
          'llm.usage.total_tokens': 1280,
          'traceloop.prompt.key': 'order_status',
          'traceloop.prompt.version': 3,
          'traceloop.workflow.name': 'answer',
          ...association,
        },
      }),
    ]);
    expect(trace.header.metadata).toEqual({
      ...HEADER,
      input_tokens: 1200,
      output_tokens: 80,
      total_tokens: 1280,
      cache_read_tokens: 200,
      cache_creation_tokens: 900,
      models: 'claude-sonnet-4',
      conversation_id: 'sess-100',
      user_id: 'u-100',
      session_id: 'sess-100',
      tags: ['customer_id:CUS_a1b2'],
      prompt_name: 'order_status',
      prompt_version: '3',
    });
  });

  it('OpenInference: user.id, session.id and tag.tags on the chain, the template version on the LLM span, cache writes', () => {
    const trace = map([
      span({
        name: 'RunnableSequence',
        id: ROOT,
        at: 0,
        attributes: { 'openinference.span.kind': 'CHAIN', 'user.id': 'oi-user', 'session.id': 'oi-session', 'tag.tags': ['rag', 'v2'], metadata: '{"team":"search"}' },
      }),
      span({
        name: 'ChatOpenAI',
        id: CHILD,
        parent: ROOT,
        at: 1,
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o-mini',
          'llm.token_count.prompt': 500,
          'llm.token_count.completion': 50,
          'llm.token_count.total': 550,
          'llm.token_count.prompt_details.cache_write': 300,
          'llm.prompt_template.version': 'v2.1',
          'user.id': 'oi-user',
          'session.id': 'oi-session',
        },
      }),
    ]);
    expect(trace.header.metadata).toEqual({
      ...HEADER,
      input_tokens: 500,
      output_tokens: 50,
      total_tokens: 550,
      cache_creation_tokens: 300,
      models: 'gpt-4o-mini',
      conversation_id: 'oi-session',
      user_id: 'oi-user',
      session_id: 'oi-session',
      tags: ['rag', 'v2'],
      prompt_version: 'v2.1',
    });
  });

  it('Vercel AI SDK: metadata userId, sessionId, tags and Langfuse prompt; ai 6 cache writes', () => {
    const metadata = {
      'ai.telemetry.functionId': 'faq',
      'ai.telemetry.metadata.userId': 'vercel-user',
      'ai.telemetry.metadata.sessionId': 'vercel-session',
      'ai.telemetry.metadata.tags': ['faq', 'web'],
      'ai.telemetry.metadata.langfusePrompt': '{"name":"faq-answer","version":5,"isFallback":false}',
    };
    const trace = map([
      span({ name: 'ai.generateText', id: ROOT, at: 0, attributes: { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'gpt-4o', 'ai.usage.inputTokens': 40, 'ai.usage.outputTokens': 4, ...metadata } }),
      span({
        name: 'ai.generateText.doGenerate',
        id: CHILD,
        parent: ROOT,
        at: 1,
        attributes: {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.id': 'gpt-4o',
          'ai.usage.inputTokens': 40,
          'ai.usage.outputTokens': 4,
          'ai.usage.inputTokenDetails.cacheWriteTokens': 32,
          ...metadata,
        },
      }),
    ]);
    expect(trace.header.metadata).toEqual({
      ...HEADER,
      input_tokens: 40,
      output_tokens: 4,
      total_tokens: 44,
      cache_creation_tokens: 32,
      models: 'gpt-4o',
      agent_name: 'faq',
      conversation_id: 'vercel-session',
      user_id: 'vercel-user',
      session_id: 'vercel-session',
      tags: ['faq', 'web'],
      prompt_name: 'faq-answer',
      prompt_version: '5',
    });
  });

  it('current conventions and the resource: enduser.id, prompt name, agent version, environment, service version, cache creation', () => {
    const resource = { 'service.name': 'support-bot', 'service.version': '2.4.0', 'deployment.environment.name': 'staging' };
    const trace = map([
      span({
        name: 'invoke_agent Helper',
        id: ROOT,
        at: 0,
        resource,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Helper', 'gen_ai.agent.version': '1.2.0', 'enduser.id': 'end-9' },
      }),
      span({
        name: 'chat claude-sonnet-4',
        id: CHILD,
        parent: ROOT,
        at: 1,
        kind: 2,
        resource,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'claude-sonnet-4',
          'gen_ai.prompt.name': 'helper-system',
          'gen_ai.usage.input_tokens': 2000,
          'gen_ai.usage.output_tokens': 100,
          'gen_ai.usage.cache_read.input_tokens': 1500,
          'gen_ai.usage.cache_creation.input_tokens': 400,
        },
      }),
    ]);
    expect(trace.header.metadata).toEqual({
      ...HEADER,
      input_tokens: 2000,
      output_tokens: 100,
      total_tokens: 2100,
      cache_read_tokens: 1500,
      cache_creation_tokens: 400,
      models: 'claude-sonnet-4',
      agent_name: 'Helper',
      user_id: 'end-9',
      environment: 'staging',
      service_version: '2.4.0',
      prompt_name: 'helper-system',
      agent_version: '1.2.0',
    });
    const chat = trace.spans.find((s) => s.name === 'chat claude-sonnet-4');
    expect((chat?.output as { usage: JsonValue }).usage).toEqual({ input_tokens: 2000, output_tokens: 100, cache_read_tokens: 1500, cache_creation_tokens: 400 });
  });

  it('a root that is not GenAI, and a transport span the filter folds away, still say whose the trace is', () => {
    const trace = map([
      span({ name: 'POST /chat', id: ROOT, at: 0, kind: 1, attributes: { 'http.route': '/chat', 'user.id': 'web-user' } }),
      span({ name: 'chat gpt-4o', id: CHILD, parent: ROOT, at: 1, kind: 2, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } }),
      span({ name: 'POST', id: GRANDCHILD, parent: CHILD, at: 2, kind: 2, attributes: { 'http.request.method': 'POST', 'session.id': 'from-transport' } }),
    ]);
    expect(trace.spans.map((s) => s.name)).toEqual(['POST /chat', 'chat gpt-4o']);
    expect(trace.header.metadata).toEqual({ ...HEADER, models: 'gpt-4o', user_id: 'web-user', session_id: 'from-transport' });
  });
});

describe('golden: trace context is not content, and passes privacy like all metadata', () => {
  const spans = (): ReadableSpanLike[] => [
    span({
      name: 'chat gpt-4o',
      id: ROOT,
      at: 0,
      kind: 2,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hello"}]}]',
        'user.id': 'alice@example.com',
        'session.id': 'postgres://admin:hunter2@db/app',
        'tag.tags': ['beta'],
        'traceloop.association.properties.api_key': 'sk-proj-abcdefghijklmnopqrstuv1234',
        'gen_ai.prompt.name': 'greeting',
        'traceloop.prompt.template': 'Say hello to {name}',
        'traceloop.prompt.template_variables.name': 'Alice Smith',
      },
    }),
  ];

  it('stays with captureContent: false; the managed prompt template and its variables do not', () => {
    const on = map(spans());
    const off = map(spans(), { captureContent: false });
    expect(off.header.metadata).toEqual(on.header.metadata);
    expect(off.header.metadata).toMatchObject({ user_id: 'alice@example.com', prompt_name: 'greeting', tags: ['beta', 'api_key:[REDACTED:openai_key]'] });
    expect(JSON.stringify(on.spans)).toContain('Alice Smith');
    expect(JSON.stringify(off)).not.toContain('Alice Smith');
    expect(JSON.stringify(off)).not.toContain('Say hello to');
  });

  it('secrets in it are scrubbed, as in any metadata value', () => {
    const { metadata } = map(spans()).header;
    expect(metadata['session_id']).toBe('postgres://admin:[REDACTED:password]@db/app');
    expect(metadata['tags']).toEqual(['beta', 'api_key:[REDACTED:openai_key]']);
    expect(JSON.stringify(metadata)).not.toContain('hunter2');
    expect(JSON.stringify(metadata)).not.toContain('sk-proj-');
  });

  it('the redact hook sees each value with its metadata key, and can hash a user id', () => {
    const seen: string[] = [];
    const trace = map(spans(), {
      redact: (value, field) => {
        if (field.kind === 'metadata') seen.push(`${field.key ?? ''}=${value}`);
        return field.kind === 'metadata' && field.key === 'user_id' ? `hash(${value.length})` : value;
      },
    });
    expect(trace.header.metadata['user_id']).toBe('hash(17)');
    expect(seen).toEqual(
      expect.arrayContaining(['user_id=alice@example.com', 'session_id=postgres://admin:[REDACTED:password]@db/app', 'tags=beta', 'tags=api_key:[REDACTED:openai_key]', 'prompt_name=greeting']),
    );
  });
});

describe('golden fixtures: only the keys the fixtures carry attributes for were added, the rest is byte-identical', () => {
  const metadataOf = (file: string): string => JSON.stringify(map(loadFixture(file).spans).header.metadata);

  it('03 invoke_agent: gen_ai.agent.version → agent_version', () => {
    expect(metadataOf('semconv/03-semconv-invoke-agent-span.json')).toBe(
      JSON.stringify({
        otel_trace_id: '5b8efff798038103d269b633813fc60c',
        otel_root_span_id: 'eee19b7ec3c1b174',
        service_name: 'tutor-app',
        input_tokens: 182,
        output_tokens: 41,
        total_tokens: 223,
        cache_read_tokens: 0,
        models: 'gpt-4o',
        agent_id: 'asst_5j66UpCpwteGg4YSxUnt7lPY',
        agent_name: 'Math Tutor',
        conversation_id: 'conv_5j66UpCpwteGg4YSxUnt7lPY',
        agent_version: '1.0.0',
      }),
    );
  });

  it('04 OpenLLMetry legacy: traceloop.association.properties.session_id → session_id (conversation_id as before)', () => {
    expect(metadataOf('semconv/04-openllmetry-legacy-chat-span.json')).toBe(
      JSON.stringify({
        otel_trace_id: '0af7651916cd43dd8448eb211c80319c',
        service_name: 'weather-bot',
        input_tokens: 70,
        output_tokens: 17,
        total_tokens: 87,
        models: 'gpt-4o-mini-2024-07-18',
        conversation_id: 'sess_42',
        tool_calls: 1,
        tool_calls_function: 1,
        session_id: 'sess_42',
      }),
    );
  });

  it('05 Vercel AI SDK: ai.telemetry.metadata.userId / sessionId → user_id / session_id', () => {
    expect(metadataOf('semconv/05-vercel-ai-sdk-generatetext-spans.json')).toBe(
      JSON.stringify({
        otel_trace_id: '7d2c5a1e9f304b6c8a1d2e3f4a5b6c7d',
        service_name: 'next-app',
        input_tokens: 24,
        output_tokens: 8,
        total_tokens: 32,
        cache_read_tokens: 0,
        reasoning_tokens: 0,
        models: 'gpt-4o-mini-2024-07-18',
        agent_name: 'capital-lookup',
        conversation_id: 'sess_42',
        response_id: 'resp_68f1c0ffee',
        user_id: 'user_123',
        session_id: 'sess_42',
      }),
    );
  });

  it.each(['content-on', 'content-off'])('Azure ai-projects 2.10.0 v2 (%s): gen_ai.agent.version → agent_version', (variant) => {
    const metadata = JSON.parse(metadataOf(`azure/captured-ai-projects-2.10.0-v2-${variant}.json`)) as Record<string, JsonValue>;
    const { otel_trace_id: _id, otel_root_span_id: _root, ...rest } = metadata;
    expect(JSON.stringify(rest)).toBe(
      JSON.stringify({
        service_name: 'fixture-app',
        input_tokens: 1472,
        output_tokens: 105,
        total_tokens: 1577,
        models: 'gpt-4o-2024-11-20',
        agent_id: 'weather-math-agent:1',
        agent_name: 'weather-math-agent',
        conversation_id: 'conv_0001abcdef',
        response_id: 'resp_0001abcdef, resp_0002abcdef, resp_0003abcdef',
        tool_calls: 2,
        tool_calls_code_interpreter: 1,
        tool_calls_function: 1,
        agent_version: '1',
      }),
    );
  });

  it('a fixture without such attributes gets none of the keys (01 chat span)', () => {
    expect(metadataOf('semconv/01-semconv-chat-span.json')).toBe(
      JSON.stringify({
        otel_trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        service_name: 'weather-bot',
        input_tokens: 97,
        output_tokens: 52,
        total_tokens: 149,
        models: 'gpt-4-0613',
        response_id: 'chatcmpl-call_VSPygqKTWdrhaFErNvMV18Yl',
      }),
    );
  });
});
