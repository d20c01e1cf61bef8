import { describe, expect, it } from 'vitest';
import { readTraceContext } from '../../src/genai/read/trace-context.js';
import { MAX_TAGS, contextMetadata } from '../../src/genai/context-rollup.js';
import type { ReadableSpanLike } from '../../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

interface SpanSpec {
  id?: string;
  parent?: string;
  /** Seconds after the trace's start. */
  at?: number;
  attributes?: Record<string, unknown>;
  resource?: Record<string, unknown>;
}

function span({ id = '00f067aa0ba902b7', parent, at = 0, attributes = {}, resource = { 'service.name': 'app' } }: SpanSpec): ReadableSpanLike {
  return {
    name: 'work',
    kind: 0,
    spanContext: () => ({ traceId: TRACE, spanId: id, traceFlags: 1 }),
    parentSpanContext: parent ? { traceId: TRACE, spanId: parent, traceFlags: 1, isRemote: false } : undefined,
    startTime: [1_795_000_000 + at, 0],
    endTime: [1_795_000_010, 0],
    status: { code: 0 },
    attributes,
    events: [],
    resource: { attributes: resource },
  };
}

const read = (attributes: Record<string, unknown>, resource?: Record<string, unknown>) =>
  readTraceContext(span({ attributes, ...(resource ? { resource } : {}) }));

describe('readTraceContext: each convention', () => {
  it('OTel / OpenInference: user.id, session.id, tag.tags, llm.prompt_template.version', () => {
    expect(
      read({ 'user.id': 'u-1', 'session.id': 's-1', 'tag.tags': ['beta', 'eu'], 'llm.prompt_template.version': 'v3', 'openinference.span.kind': 'CHAIN' }),
    ).toEqual({ userId: 'u-1', sessionId: 's-1', tags: ['beta', 'eu'], promptVersion: 'v3' });
  });

  it('OTel: enduser.id when there is no user.id; user.id first when both are there', () => {
    expect(read({ 'enduser.id': 'end-1' })).toEqual({ userId: 'end-1' });
    expect(read({ 'enduser.id': 'end-1', 'user.id': 'u-1' })).toEqual({ userId: 'u-1' });
  });

  it('semconv: gen_ai.prompt.name and gen_ai.agent.version', () => {
    expect(read({ 'gen_ai.prompt.name': 'analyze-code', 'gen_ai.agent.version': '2025-05-01', 'gen_ai.agent.name': 'Reviewer' })).toEqual({
      promptName: 'analyze-code',
      agentVersion: '2025-05-01',
    });
  });

  it('Langfuse SDK: user.id/session.id, langfuse.trace.tags, the observation prompt, langfuse.environment and langfuse.version', () => {
    expect(
      read({
        'user.id': 'lf-user',
        'session.id': 'lf-session',
        'langfuse.trace.tags': ['prod-canary', 'checkout'],
        'langfuse.observation.prompt.name': 'support-answer',
        'langfuse.observation.prompt.version': 7,
        'langfuse.environment': 'staging',
        'langfuse.version': '1.4.2',
      }),
    ).toEqual({
      userId: 'lf-user',
      sessionId: 'lf-session',
      tags: ['prod-canary', 'checkout'],
      promptName: 'support-answer',
      promptVersion: '7',
      environment: 'staging',
      serviceVersion: '1.4.2',
    });
  });

  it("Langfuse: the older langfuse.user.id / langfuse.session.id / langfuse.prompt.*, and the integrations' metadata keys", () => {
    expect(read({ 'langfuse.user.id': 'old-user', 'langfuse.session.id': 'old-session', 'langfuse.prompt.name': 'p', 'langfuse.prompt.version': 2 })).toEqual({
      userId: 'old-user',
      sessionId: 'old-session',
      promptName: 'p',
      promptVersion: '2',
    });
    expect(
      read({
        'langfuse.observation.metadata.langfuse_user_id': 'meta-user',
        'langfuse.observation.metadata.langfuse_session_id': 'meta-session',
        'langfuse.observation.metadata.langfuse_tags': '["from-openai-integration"]',
        'langfuse.trace.metadata.langfuse_tags': ['from-trace-metadata'],
      }),
    ).toEqual({ userId: 'meta-user', sessionId: 'meta-session', tags: ['from-trace-metadata', 'from-openai-integration'] });
    expect(read({ 'langfuse.trace.metadata.langfuse_user_id': 'trace-meta', 'langfuse.observation.metadata.langfuse_user_id': 'obs-meta' })).toEqual({
      userId: 'trace-meta',
    });
  });

  it('Traceloop: association properties (ids by name, the others as key:value tags) and the managed prompt', () => {
    expect(
      read({
        'traceloop.association.properties.user_id': 'tl-user',
        'traceloop.association.properties.session_id': 'tl-session',
        'traceloop.association.properties.chat_id': 'chat-9',
        'traceloop.association.properties.customer_id': 'CUS_1',
        'traceloop.association.properties.premium': true,
        'traceloop.association.properties.tier': 3,
        'traceloop.association.properties.thread_id': 'thread-1',
        'traceloop.prompt.key': 'order_status',
        'traceloop.prompt.version': 3,
        'traceloop.prompt.version_name': 'shorter',
        'traceloop.span.kind': 'workflow',
      }),
    ).toEqual({
      userId: 'tl-user',
      sessionId: 'tl-session',
      // thread_id is read as the conversation id (openllmetry reader), not made a tag.
      tags: ['chat_id:chat-9', 'customer_id:CUS_1', 'premium:true', 'tier:3'],
      promptName: 'order_status',
      promptVersion: '3',
    });
    expect(read({ 'traceloop.association.properties.userId': 'camel', 'traceloop.association.properties.sessionId': 'camel-s' })).toEqual({
      userId: 'camel',
      sessionId: 'camel-s',
    });
  });

  it('Vercel AI SDK: metadata userId / sessionId / tags / langfusePrompt (ai ≤ 6), and ai 7 Legacy context', () => {
    expect(
      read({
        'ai.operationId': 'ai.generateText',
        'ai.telemetry.metadata.userId': 'user_123',
        'ai.telemetry.metadata.sessionId': 'sess_42',
        'ai.telemetry.metadata.tags': ['vercel', 'prod'],
        'ai.telemetry.metadata.langfusePrompt': '{"name":"capital","version":4,"isFallback":false}',
      }),
    ).toEqual({ userId: 'user_123', sessionId: 'sess_42', tags: ['vercel', 'prod'], promptName: 'capital', promptVersion: '4' });
    expect(read({ 'ai.operationId': 'ai.generateText', 'ai.settings.context.user_id': 'ctx-user', 'ai.settings.runtimeContext.session-id': 'rt-session' })).toEqual({
      userId: 'ctx-user',
      sessionId: 'rt-session',
    });
  });

  it('the resource: deployment.environment.name, then its deprecated name, then langfuse.environment; service.version', () => {
    expect(read({}, { 'deployment.environment.name': 'production', 'deployment.environment': 'old', 'service.version': '2.3.0' })).toEqual({
      environment: 'production',
      serviceVersion: '2.3.0',
    });
    expect(read({}, { 'deployment.environment': 'old' })).toEqual({ environment: 'old' });
    expect(read({}, { 'langfuse.environment': 'lf-env' })).toEqual({ environment: 'lf-env' });
    // The resource wins over the span's Langfuse attributes.
    expect(read({ 'langfuse.environment': 'span-env', 'langfuse.version': 'span-v' }, { 'deployment.environment.name': 'res-env', 'service.version': 'res-v' })).toEqual({
      environment: 'res-env',
      serviceVersion: 'res-v',
    });
  });

  it('tags: a JSON array, a comma list or an array; trimmed, blanks and non-text items dropped, each once', () => {
    expect(read({ 'tag.tags': '["a", " b ", ""]' }).tags).toEqual(['a', 'b']);
    expect(read({ 'tag.tags': 'x, y ,,z' }).tags).toEqual(['x', 'y', 'z']);
    expect(read({ 'tag.tags': ['a', 2, ' ', null, { o: 1 }], 'langfuse.trace.tags': ['a', 'c'] }).tags).toEqual(['a', '2', 'c']);
  });

  it('what is not an id is not read: blanks, objects, booleans, NaN; a span without any gives an empty reading', () => {
    expect(read({ 'user.id': '  ', 'session.id': { id: 1 }, 'gen_ai.prompt.name': true, 'langfuse.observation.prompt.version': Number.NaN })).toEqual({});
    expect(read({ 'http.method': 'GET' })).toEqual({});
    expect(readTraceContext({ ...span({}), attributes: null, resource: null } as unknown as ReadableSpanLike)).toEqual({});
  });

  it('numbers are ids as text (a numeric user id)', () => {
    expect(read({ 'user.id': 42, 'session.id': 7 })).toEqual({ userId: '42', sessionId: '7' });
  });
});

describe('contextMetadata: one value per trace', () => {
  const ROOT = 'aaaaaaaaaaaaaaaa';

  it('the root wins over its children, even over an earlier child', () => {
    const root = span({ id: ROOT, at: 5, attributes: { 'user.id': 'root-user', 'gen_ai.agent.version': '2' }, resource: { 'deployment.environment.name': 'prod' } });
    const child = span({ id: 'bbbbbbbbbbbbbbbb', parent: ROOT, at: 1, attributes: { 'user.id': 'child-user', 'gen_ai.agent.version': '1' }, resource: { 'deployment.environment.name': 'dev' } });
    expect(contextMetadata([child, root], root)).toEqual({ user_id: 'root-user', environment: 'prod', agent_version: '2' });
  });

  it('without a value on the root, the earliest span that has one; without a root, the earliest span', () => {
    const root = span({ id: ROOT, at: 0 });
    const late = span({ id: 'bbbbbbbbbbbbbbbb', parent: ROOT, at: 9, attributes: { 'session.id': 'late' } });
    const early = span({ id: 'cccccccccccccccc', parent: ROOT, at: 3, attributes: { 'session.id': 'early' } });
    expect(contextMetadata([root, late, early], root)).toEqual({ session_id: 'early' });
    expect(contextMetadata([late, early], undefined)).toEqual({ session_id: 'early' });
  });

  it('prompt name and version come from the same span: the first that names a prompt', () => {
    const root = span({ id: ROOT, at: 0, attributes: { 'llm.prompt_template.version': 'v9' } });
    const named = span({ id: 'bbbbbbbbbbbbbbbb', parent: ROOT, at: 2, attributes: { 'langfuse.observation.prompt.name': 'answer', 'langfuse.observation.prompt.version': 2 } });
    const other = span({ id: 'cccccccccccccccc', parent: ROOT, at: 4, attributes: { 'gen_ai.prompt.name': 'summarize' } });
    expect(contextMetadata([root, named, other], root)).toEqual({ prompt_name: 'answer', prompt_version: '2' });
    // A named prompt without a version stays without one (no other prompt's version).
    expect(contextMetadata([root, other], root)).toEqual({ prompt_name: 'summarize' });
    // No prompt named anywhere: the version alone.
    expect(contextMetadata([root], root)).toEqual({ prompt_version: 'v9' });
  });

  it("tags: every span's, the root's first then by start time, each once", () => {
    const root = span({ id: ROOT, at: 1, attributes: { 'langfuse.trace.tags': ['b', 'a'] } });
    const second = span({ id: 'bbbbbbbbbbbbbbbb', parent: ROOT, at: 3, attributes: { 'tag.tags': ['c', 'a'] } });
    const first = span({ id: 'cccccccccccccccc', parent: ROOT, at: 2, attributes: { 'traceloop.association.properties.tenant': 'acme' } });
    expect(contextMetadata([second, first, root], root)).toEqual({ tags: ['b', 'a', 'tenant:acme', 'c'] });
  });

  it(`tags stop at ${MAX_TAGS}`, () => {
    const attributes = Object.fromEntries(Array.from({ length: MAX_TAGS + 10 }, (_, i) => [`traceloop.association.properties.k${i}`, `v${i}`]));
    const tags = contextMetadata([span({ attributes })], undefined)['tags'] as string[];
    expect(tags).toHaveLength(MAX_TAGS);
    expect(tags[0]).toBe('k0:v0');
    expect(tags.at(-1)).toBe(`k${MAX_TAGS - 1}:v${MAX_TAGS - 1}`);
  });

  it('keys in a fixed order, absent when no span sets them', () => {
    const root = span({
      id: ROOT,
      attributes: { 'gen_ai.agent.version': '3', 'gen_ai.prompt.name': 'p', 'langfuse.trace.tags': ['t'], 'session.id': 's', 'user.id': 'u' },
      resource: { 'service.version': '1.0.0', 'deployment.environment.name': 'prod' },
    });
    expect(Object.keys(contextMetadata([root], root))).toEqual(['user_id', 'session_id', 'tags', 'environment', 'service_version', 'prompt_name', 'agent_version']);
    expect(contextMetadata([span({ attributes: { 'http.method': 'GET' } })], undefined)).toEqual({});
    expect(contextMetadata([], undefined)).toEqual({});
  });
});
