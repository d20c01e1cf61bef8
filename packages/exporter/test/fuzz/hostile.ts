// A seeded generator of span trees: real-ish GenAI runs (semantic conventions, OpenInference,
// OpenLLMetry, the Vercel AI SDK, Azure agents) and plain web requests, with hostile values mixed
// in. Spans are plain objects shaped like the SDK's ReadableSpan, so anything can be put in them.
import type { ReadableSpanLike, SpanContext, SpanEventLike } from '../../src/otel/types.js';

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  hex(chars: number): string {
    let out = '';
    for (let i = 0; i < chars; i += 1) out += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return out;
  }

  /** Picks one thunk and calls only that one: the others cost nothing and draw nothing. */
  make<T>(makers: ReadonlyArray<() => T>): T {
    return this.pick(makers)();
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type FuzzSpan = Mutable<ReadableSpanLike> & {
  attributes: Record<string, unknown>;
  events: SpanEventLike[];
  /** What the generator meant: ids the exporter can hold, or not (dropped as malformed by design). */
  fuzz: { validIds: boolean; traceKey: string };
};

export interface FuzzTrace {
  /** The OTel trace id as given to the spans (may be garbage, but a non-empty string). */
  traceId: string;
  spans: FuzzSpan[];
  /** Spans to export after the others (late children of an uploaded root). */
  late: FuzzSpan[];
  kind: string;
  hostile: string[];
}

// ---------------------------------------------------------------------------------------------
// Hostile values

/** What the Nexus database refuses in text: a NUL, or a surrogate without its pair. */
export const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every string in a value, object keys included (iteratively: fuzzed values nest deep). */
export function* allStrings(value: unknown): Generator<string> {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') yield item;
    else if (Array.isArray(item)) stack.push(...item);
    else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        yield key;
        stack.push(child);
      }
    }
  }
}

export const LONE_HIGH = '\ud83d';
export const LONE_LOW = '\ude00';
const NON_BMP = '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 𠜎𠜱 🏳️‍🌈';

/** A multi-megabyte string of some flavour; lengths are in UTF-16 units. */
function hugeString(rng: Rng, maxMb: number): string {
  const length = rng.int(512 * 1024, maxMb * 1024 * 1024);
  switch (rng.int(0, 5)) {
    case 0:
      return 'a'.repeat(length);
    case 1:
      return '😀'.repeat(Math.floor(length / 2)); // non-BMP all the way
    case 2: {
      // valid JSON messages, megabytes of them
      const message = JSON.stringify({ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(1000) }] });
      return `[${Array.from({ length: Math.max(1, Math.floor(length / (message.length + 1))) }, () => message).join(',')}]`;
    }
    case 3:
      // a secret at the very end of a huge text: scrubbing must still run in linear time
      return `${'lorem ipsum '.repeat(Math.floor(length / 12))} Authorization: Bearer abcdef0123456789abcdef0123456789`;
    case 4:
      return `${'b'.repeat(length)}${LONE_HIGH}`; // a lone surrogate at the end of a huge string
    default:
      return `${'\u0000'.repeat(16)}${'c'.repeat(length)}`;
  }
}

const VALID_MESSAGES = JSON.stringify([
  { role: 'system', parts: [{ type: 'text', content: 'You are a helpful agent.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris? 🌧️' }] },
]);

/** Content attributes that do not parse, parse into nonsense, or parse into hostile text. */
function badJson(rng: Rng): string {
  const cut = VALID_MESSAGES.slice(0, rng.int(1, VALID_MESSAGES.length - 1));
  return rng.pick([
    cut,
    cut,
    '[',
    '{',
    '{{{{',
    '[{"role":',
    '{"role":"user","parts":',
    'null',
    'true',
    '42',
    'NaN',
    '"just a string"',
    '"\\"twice\\" encoded"',
    '[1,2,3]',
    '[null,null]',
    '{"parts":5}',
    '[{"role":5,"parts":"x"}]',
    '[{"role":"user","parts":[{"type":7,"content":{"nested":[1,{"a":null}]}}]}]',
    '[{"role":"user","content":[{"type":"text","text":null}]}]',
    '[{"__proto__":{"polluted":true},"role":"user","parts":[{"type":"text","content":"proto"}]}]',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '[{"role":"user","parts":[{"type":"text","content":"lone \\ud800 escape"}]}]',
    '[{"role":"user","parts":[{"type":"text","content":"nul \\u0000 escape"}]}]',
    '[{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"get_weather","arguments":"{\\"city\\":"}]}]',
    '[{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":{"temp":1e400}}]}]',
    `[{"role":"user","parts":[{"type":"text","content":"${'\\ud83d'.repeat(3)}${'\\ude00'.repeat(2)}"}]}]`,
    '\ufeff[{"role":"user","parts":[]}]',
    '   ',
    '',
  ]);
}

function deepJson(rng: Rng): string {
  const depth = rng.pick([100, 1_000, 5_000, 20_000]);
  return rng.chance(0.5) ? `${'['.repeat(depth)}"deep"${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function deepObject(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { nested: value };
  return value;
}

/** A value of the wrong type for a known key, or a number JSON cannot hold. */
function wrongType(rng: Rng): unknown {
  return rng.make<unknown>([
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => Number.NEGATIVE_INFINITY,
    () => -0,
    () => 1e308,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => -42,
    () => 0.5,
    () => 'lots',
    () => '',
    () => ' 12 ',
    () => '1e400',
    () => null,
    () => undefined,
    () => true,
    () => [],
    () => [1, 'two', null],
    () => [Number.NaN, Number.POSITIVE_INFINITY],
    () => [{ role: 'user', content: 'an array of objects' }, { nested: { deeper: [1, 2] } }],
    () => ({ object: 'where a string belongs', n: Number.NaN }),
    () => [[['nested', ['arrays']]]],
    () => BigInt(2) ** BigInt(70),
    () => new Date(Number.NaN),
    () => new Date(0),
    () => new Uint8Array([0, 1, 2]),
    () => Symbol('sym'),
    () => () => 'a function',
    () => deepObject(200),
  ]);
}

/** Short hostile text: lone surrogates, NUL, non-BMP, control characters, secrets, markup. */
function hostileText(rng: Rng): string {
  return rng.pick([
    `lone high ${LONE_HIGH} in the middle`,
    `${LONE_LOW} lone low first`,
    `ends on a high ${LONE_HIGH}`,
    `${LONE_HIGH}${LONE_HIGH}${LONE_LOW}`,
    `nul\u0000inside`,
    '\u0000',
    `${NON_BMP}`,
    `control \u0001\u0007\u001b[31m\u007f\u0085 characters`,
    '\ufffe\uffff noncharacters',
    '\u202e right-to-left override',
    '<script>alert(1)</script>',
    "'; DROP TABLE spans; --",
    'key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z and nxs_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    '%s%n%x {{template}} ${injection}',
    '\\u0000 written out as text',
    ' ',
    '',
  ]);
}

const CONTENT_KEYS = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.event.content',
  'input.value',
  'output.value',
  'llm.input_messages.0.message.content',
  'ai.prompt',
  'ai.prompt.messages',
  'ai.response.text',
  'ai.response.toolCalls',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'traceloop.entity.input',
  'traceloop.entity.output',
  'gen_ai.prompt.0.content',
  'gen_ai.completion.0.content',
];

const KNOWN_KEYS = [
  ...CONTENT_KEYS,
  'gen_ai.operation.name',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.response.id',
  'gen_ai.response.finish_reasons',
  'gen_ai.agent.name',
  'gen_ai.agent.id',
  'gen_ai.conversation.id',
  'gen_ai.thread.id',
  'gen_ai.thread.run.id',
  'gen_ai.thread.run.status',
  'gen_ai.tool.name',
  'gen_ai.tool.call.id',
  'gen_ai.tool.type',
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.total_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'llm.token_count.total',
  'llm.usage.total_tokens',
  'ai.usage.promptTokens',
  'ai.usage.completionTokens',
  'ai.model.id',
  'ai.operationId',
  'openinference.span.kind',
  'traceloop.span.kind',
  'error.type',
  'http.request.method',
  'url.full',
  'http.response.status_code',
  'az.namespace',
  'nexus_otel.evaluation',
  'session.id',
];

const HOSTILE_KEYS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  `key${LONE_HIGH}`,
  'key\u0000nul',
  `${NON_BMP} key`,
  'a.'.repeat(500),
  'authorization',
  'http.request.header.api-key',
  'password',
];

export type Mutation = (span: FuzzSpan, rng: Rng) => string;

/** Each mutation damages one span and returns its label (reported in the figures). */
export const MUTATIONS: Record<string, Mutation> = {
  hugeAttribute(span, rng) {
    span.attributes[rng.pick(rng.chance(0.7) ? CONTENT_KEYS : KNOWN_KEYS)] = hugeString(rng, 3);
    return 'huge string attribute';
  },
  badJson(span, rng) {
    const count = rng.int(1, 4);
    for (let i = 0; i < count; i += 1) span.attributes[rng.pick(CONTENT_KEYS)] = badJson(rng);
    return 'invalid or cut-short JSON content';
  },
  deepNesting(span, rng) {
    if (rng.chance(0.6)) span.attributes[rng.pick(CONTENT_KEYS)] = deepJson(rng);
    else span.attributes[rng.pick(KNOWN_KEYS)] = deepObject(rng.pick([50, 500, 5_000]));
    return 'deep nesting';
  },
  wrongTypes(span, rng) {
    const count = rng.int(1, 6);
    for (let i = 0; i < count; i += 1) span.attributes[rng.pick(KNOWN_KEYS)] = wrongType(rng);
    return 'wrong types under known keys, NaN, Infinity';
  },
  hostileText(span, rng) {
    const count = rng.int(1, 4);
    for (let i = 0; i < count; i += 1) span.attributes[rng.pick(rng.chance(0.5) ? CONTENT_KEYS : KNOWN_KEYS)] = hostileText(rng);
    span.attributes[rng.pick(CONTENT_KEYS)] = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: hostileText(rng) }] }]);
    return 'lone surrogates, NUL, non-BMP text';
  },
  hostileKeys(span, rng) {
    const count = rng.int(1, 5);
    for (let i = 0; i < count; i += 1) span.attributes[rng.pick(HOSTILE_KEYS)] = rng.chance(0.5) ? hostileText(rng) : wrongType(rng);
    return 'hostile attribute keys';
  },
  manyAttributes(span, rng) {
    const count = rng.pick([1_000, 10_000, 30_000]);
    for (let i = 0; i < count; i += 1) span.attributes[`attr.${i}`] = i % 3 === 0 ? `value ${i}` : i % 3 === 1 ? i : [i, `${i}`];
    return 'huge attribute count';
  },
  hostileName(span, rng) {
    span.name = rng.make<unknown>([
      () => '',
      () => '   ',
      () => `name ${LONE_HIGH}`,
      () => 'nul\u0000name',
      () => `${'n'.repeat(1023)}😀 split at 1024`,
      () => 'x'.repeat(rng.int(2_000, 3 * 1024 * 1024)),
      () => NON_BMP,
      () => 42,
      () => null,
      () => undefined,
    ]) as string;
    return 'hostile span name';
  },
  hostileStatus(span, rng) {
    span.status = {
      code: rng.pick([2, 2, 2, 1, 0, 42, -1]),
      message: rng.make<unknown>([
        () => `failed ${LONE_LOW}`,
        () => 'boom\u0000',
        () => 'e'.repeat(rng.int(70_000, 2 * 1024 * 1024)),
        () => 42,
        () => ({ not: 'a string' }),
        () => undefined,
        () => '',
      ]) as string,
    };
    return 'hostile status';
  },
  hostileTimes(span, rng) {
    const now = Math.floor(Date.now() / 1000);
    const times: Array<[number, number]> = [
      [now - 10, 0],
      [Number.NaN, 0],
      [0, 0],
      [-5, 0],
      [1e12, 0],
      [now, 2e9],
      [now, -1],
      [Number.POSITIVE_INFINITY, 0],
      [now + 86_400 * 365 * 100, 0],
    ];
    const choice = rng.int(0, 2);
    if (choice === 0) {
      // end before start
      const end = span.startTime;
      span.startTime = [end[0] + rng.int(1, 3600), end[1]];
      span.endTime = end;
    } else if (choice === 1) {
      span.startTime = rng.pick(times);
    } else {
      span.endTime = rng.pick(times);
    }
    return 'end before start or garbage times';
  },
  hostileEvents(span, rng) {
    const at = span.startTime;
    const count = rng.pick([1, 3, 20, 3_000]);
    for (let i = 0; i < count; i += 1) {
      span.events.push({
        name: rng.pick(['gen_ai.user.message', 'gen_ai.choice', 'gen_ai.content.prompt', 'gen_ai.content.completion', 'exception', 'gen_ai.tool.message', `event ${LONE_HIGH}`, '']),
        time: rng.chance(0.9) ? at : ([Number.NaN, 0] as [number, number]),
        attributes: rng.make<Record<string, unknown> | undefined>([
          () => undefined,
          () => ({ 'gen_ai.event.content': badJson(rng) }),
          () => ({ 'gen_ai.prompt': hostileText(rng), 'gen_ai.completion': wrongType(rng) }),
          () => ({ 'exception.type': hostileText(rng), 'exception.message': count < 5 && rng.chance(0.2) ? hugeString(rng, 1) : hostileText(rng) }),
          () => ({ content: wrongType(rng), 'gen_ai.system': 'openai' }),
        ]),
      });
    }
    return 'hostile events';
  },
  brokenShape(span, rng) {
    // Not what the SDK makes, but what a hand-built span or a buggy bridge can hand over.
    const loose = span as unknown as Record<string, unknown>;
    rng.make<void>([
      () => void (loose['status'] = rng.pick([undefined, null, 'ERROR', { message: 'no code' }])),
      () => void (loose['attributes'] = rng.pick([undefined, null, 'attributes', 42])),
      () => void (loose['events'] = rng.pick<unknown>([undefined, null, 'events', [null, 5, 'x', { name: 'gen_ai.choice' }]])),
      () => void (loose['startTime'] = rng.pick<unknown>([undefined, null, 'yesterday', [1], Date.now()])),
      () => void (loose['endTime'] = rng.pick<unknown>([undefined, null, [Number.NaN], ['1', '2']])),
      () => void (loose['resource'] = rng.pick<unknown>([undefined, null, { attributes: null }, {}])),
      () => void (loose['kind'] = rng.pick<unknown>([undefined, 'SERVER', -1])),
    ]);
    return 'span fields of the wrong shape';
  },
  secrets(span, rng) {
    span.attributes[rng.pick(CONTENT_KEYS)] = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: `my key is nxs_${rng.hex(64)} and Authorization: Bearer ${rng.hex(40)}` }] },
    ]);
    span.attributes['http.request.header.authorization'] = `Bearer ${rng.hex(40)}`;
    return 'secrets';
  },
};

const MUTATION_NAMES = Object.keys(MUTATIONS);

// ---------------------------------------------------------------------------------------------
// Real-ish span trees

interface Builder {
  rng: Rng;
  traceId: string;
  spans: FuzzSpan[];
  clock: number;
  resource: Record<string, unknown>;
  traceKey: string;
}

function hr(millis: number): [number, number] {
  return [Math.floor(millis / 1000), Math.round((millis % 1000) * 1e6)];
}

function addSpan(b: Builder, name: string, parent: FuzzSpan | undefined, attributes: Record<string, unknown>, durationMs = b.rng.int(1, 2_000)): FuzzSpan {
  const spanId = b.rng.hex(16);
  const start = b.clock;
  b.clock += b.rng.int(0, 50);
  const context: SpanContext = { traceId: b.traceId, spanId, traceFlags: 1 };
  const parentContext: SpanContext | undefined = parent ? { traceId: b.traceId, spanId: parent.spanContext().spanId, traceFlags: 1 } : undefined;
  const span: FuzzSpan = {
    name,
    kind: b.rng.int(0, 4),
    spanContext: () => context,
    parentSpanContext: parentContext,
    startTime: hr(start),
    endTime: hr(start + durationMs),
    status: { code: 0 },
    attributes,
    events: [],
    resource: { attributes: b.resource },
    instrumentationScope: { name: 'fuzz', version: '1.0.0' },
    fuzz: { validIds: true, traceKey: b.traceKey },
  };
  b.spans.push(span);
  return span;
}

function messages(rng: Rng, role: string, text: string): string {
  return JSON.stringify([{ role, parts: [{ type: 'text', content: `${text} #${rng.int(0, 1e6)}` }] }]);
}

function semconvAgent(b: Builder): void {
  const { rng } = b;
  const root = addSpan(b, 'invoke_agent support-bot', undefined, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'support-bot',
    'gen_ai.agent.id': `asst_${rng.hex(12)}`,
    'gen_ai.conversation.id': `conv_${rng.hex(12)}`,
    'gen_ai.provider.name': 'openai',
  }, 5_000);
  const calls = rng.int(1, 4);
  for (let i = 0; i < calls; i += 1) {
    const chat = addSpan(b, 'chat gpt-4o', root, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-11-20',
      'gen_ai.response.id': `chatcmpl-${rng.hex(20)}`,
      'gen_ai.usage.input_tokens': rng.int(10, 5000),
      'gen_ai.usage.output_tokens': rng.int(1, 800),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.input.messages': messages(rng, 'user', 'What is the weather?'),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'tool_call', id: `call_${i}`, name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
      ]),
    });
    addSpan(b, 'POST', chat, { 'http.request.method': 'POST', 'url.full': 'https://api.openai.com/v1/chat/completions', 'http.response.status_code': 200 });
    if (rng.chance(0.7)) {
      addSpan(b, 'execute_tool get_weather', root, {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': `call_${i}`,
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
        'gen_ai.tool.call.result': '{"temp":12,"sky":"rain"}',
      });
    }
  }
}

function openInference(b: Builder): void {
  const { rng } = b;
  const root = addSpan(b, 'agent', undefined, { 'openinference.span.kind': 'AGENT', 'input.value': 'plan a trip', 'output.value': 'done' }, 4_000);
  for (let i = 0, n = rng.int(1, 3); i < n; i += 1) {
    addSpan(b, 'ChatCompletion', root, {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Where to?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Lisbon',
      'llm.token_count.prompt': rng.int(1, 900),
      'llm.token_count.completion': rng.int(1, 300),
      'llm.token_count.total': rng.int(2, 1200),
    });
  }
}

function openLlmetry(b: Builder): void {
  const { rng } = b;
  const root = addSpan(b, 'workflow.run', undefined, { 'traceloop.span.kind': 'workflow', 'traceloop.entity.name': 'run' }, 3_000);
  addSpan(b, 'openai.chat', root, {
    'gen_ai.system': 'OpenAI',
    'llm.request.type': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.prompt.0.role': 'user',
    'gen_ai.prompt.0.content': 'hello',
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': 'hi there',
    'gen_ai.usage.prompt_tokens': rng.int(1, 100),
    'gen_ai.usage.completion_tokens': rng.int(1, 100),
    'llm.usage.total_tokens': rng.int(2, 200),
  });
}

function vercel(b: Builder): void {
  const { rng } = b;
  const root = addSpan(b, 'ai.generateText', undefined, {
    'ai.operationId': 'ai.generateText',
    'ai.model.id': 'gpt-4o',
    'ai.prompt': JSON.stringify({ prompt: 'Write a haiku' }),
    'ai.response.text': 'Autumn moonlight',
    'ai.usage.promptTokens': rng.int(1, 50),
    'ai.usage.completionTokens': rng.int(1, 50),
  }, 2_000);
  addSpan(b, 'ai.generateText.doGenerate', root, {
    'ai.operationId': 'ai.generateText.doGenerate',
    'gen_ai.system': 'openai.chat',
    'gen_ai.request.model': 'gpt-4o',
    'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Write a haiku' }] }]),
    'ai.response.text': 'Autumn moonlight',
    'gen_ai.usage.input_tokens': rng.int(1, 50),
    'gen_ai.usage.output_tokens': rng.int(1, 50),
  });
}

function azureRun(b: Builder): void {
  const { rng } = b;
  const root = addSpan(b, 'process_thread_run', undefined, {
    'gen_ai.operation.name': 'process_thread_run',
    'gen_ai.system': 'az.ai.agents',
    'gen_ai.thread.id': `thread_${rng.hex(20)}`,
    'gen_ai.thread.run.id': `run_${rng.hex(20)}`,
    'gen_ai.thread.run.status': rng.pick(['completed', 'failed', 'expired', 'cancelled']),
    'gen_ai.agent.id': `asst_${rng.hex(20)}`,
    'az.namespace': 'Microsoft.CognitiveServices',
  }, 6_000);
  root.events.push({
    name: 'gen_ai.run_step.tool_calls',
    time: root.startTime,
    attributes: {
      'gen_ai.event.content': JSON.stringify({ tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] }),
    },
  });
  addSpan(b, 'HTTP POST', root, { 'http.request.method': 'POST', 'url.full': `https://x.services.ai.azure.com/api/projects/p/threads/thread_${rng.hex(8)}/runs` });
}

function webRequest(b: Builder): void {
  const { rng } = b;
  const root = addSpan(b, 'GET /orders', undefined, { 'http.request.method': 'GET', 'url.path': '/orders' }, 800);
  for (let i = 0, n = rng.int(1, 5); i < n; i += 1) addSpan(b, rng.pick(['pg.query', 'redis GET', 'render']), root, { 'db.system': 'postgresql' });
}

const KINDS: Record<string, (b: Builder) => void> = { semconvAgent, openInference, openLlmetry, vercel, azureRun, webRequest };
const KIND_NAMES = Object.keys(KINDS);

// ---------------------------------------------------------------------------------------------
// Structural hostility: ids, parents, duplicates, cycles

let garbageCounter = 0;

/** A trace id that is not 32 hex digits but is a non-empty string: held and uploaded like any other. */
function garbageTraceId(rng: Rng): string {
  garbageCounter += 1;
  const n = garbageCounter;
  return rng.pick([
    `zz-not-hex-${n}`,
    `${'F'.repeat(31)}${n}`,
    `${'0'.repeat(30)}${String(n).padStart(2, '0')}`.slice(-32),
    `t${n}${LONE_HIGH}`,
    `t${n}\u0000nul`,
    `${'x'.repeat(300)}${n}`,
    `😀-${n}`,
    ` ${n} `,
  ]);
}

export interface GeneratedRun {
  traces: FuzzTrace[];
  /** Spans whose ids cannot be held (no trace id, no span id, a spanContext that throws). */
  malformed: FuzzSpan[];
  spans: number;
  mutations: Record<string, number>;
}

/** Builds traces until `targetSpans` is reached. */
export function generate(seed: number, targetSpans: number): GeneratedRun {
  const rng = new Rng(seed);
  garbageCounter = 0;
  const traces: FuzzTrace[] = [];
  const malformed: FuzzSpan[] = [];
  const mutations: Record<string, number> = {};
  let spans = 0;
  let clock = Date.now() - 3_600_000;

  const newBuilder = (traceId: string, traceKey: string): Builder => {
    const resource: Record<string, unknown> = { 'service.name': 'fuzz-agent' };
    if (rng.chance(0.03)) resource['service.name'] = rng.pick<unknown>(['', '   ', `svc${LONE_HIGH}`, 'svc\u0000', 42, null, 's'.repeat(5_000), NON_BMP]);
    clock += rng.int(1, 500);
    return { rng, traceId, spans: [], clock, resource, traceKey };
  };

  // A few special shapes first: a deep chain, a wide fan, parent cycles.
  const special = (kind: string, build: (b: Builder) => void): void => {
    const traceId = rng.hex(32);
    const b = newBuilder(traceId, traceId);
    build(b);
    traces.push({ traceId, spans: b.spans, late: [], kind, hostile: [kind] });
    spans += b.spans.length;
  };
  special('deep chain (1,500 levels)', (b) => {
    let parent = addSpan(b, 'invoke_agent deep', undefined, { 'gen_ai.operation.name': 'invoke_agent' });
    for (let i = 0; i < 1_500; i += 1) parent = addSpan(b, `level ${i}`, parent, { 'gen_ai.operation.name': i % 2 ? 'chat' : 'execute_tool', 'gen_ai.tool.name': 'recurse' });
  });
  special('wide fan (800 children)', (b) => {
    const root = addSpan(b, 'invoke_agent wide', undefined, { 'gen_ai.operation.name': 'invoke_agent' });
    for (let i = 0; i < 800; i += 1) addSpan(b, `chat ${i}`, root, { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': i });
  });
  for (let i = 0; i < 5; i += 1) {
    special('parent cycle, no root', (b) => {
      const a = addSpan(b, 'chat a', undefined, { 'gen_ai.operation.name': 'chat' });
      const c = addSpan(b, 'chat b', a, { 'gen_ai.operation.name': 'chat' });
      addSpan(b, 'chat c', c, { 'gen_ai.operation.name': 'chat' });
      // a's parent is c: a → c → b → a
      a.parentSpanContext = { traceId: b.traceId, spanId: c.spanContext().spanId, traceFlags: 1 };
      const self = addSpan(b, 'chat self-parent', undefined, { 'gen_ai.operation.name': 'chat' });
      self.parentSpanContext = { traceId: b.traceId, spanId: self.spanContext().spanId, traceFlags: 1 };
    });
  }

  while (spans < targetSpans) {
    const garbage = rng.chance(0.04);
    const traceId = garbage ? garbageTraceId(rng) : rng.hex(32);
    const b = newBuilder(traceId, traceId);
    const kind = rng.pick(KIND_NAMES);
    (KINDS[kind] as (b: Builder) => void)(b);
    const hostile: string[] = garbage ? ['garbage trace id'] : [];

    // Hostile values on some spans.
    for (const span of b.spans) {
      if (!rng.chance(0.35)) continue;
      const names: string[] = [];
      for (let m = 0, n = rng.int(1, 3); m < n; m += 1) {
        let name = rng.pick(MUTATION_NAMES);
        // The costly ones are rarer: megabytes and tens of thousands of attributes.
        if ((name === 'hugeAttribute' || name === 'manyAttributes') && !rng.chance(0.1)) name = 'badJson';
        if (name === 'hostileEvents' && !rng.chance(0.5)) name = 'wrongTypes';
        names.push(name);
      }
      // A broken shape last: the other mutations write into attributes and events.
      names.sort((a, b) => Number(a === 'brokenShape') - Number(b === 'brokenShape'));
      for (const name of names) {
        const label = (MUTATIONS[name] as Mutation)(span, rng);
        mutations[label] = (mutations[label] ?? 0) + 1;
        hostile.push(label);
      }
    }

    // Structural damage to the tree.
    const late: FuzzSpan[] = [];
    if (b.spans.length > 1 && rng.chance(0.05)) {
      // a missing parent: a child names a span that never comes
      const orphan = rng.pick(b.spans.slice(1));
      orphan.parentSpanContext = { traceId, spanId: rng.hex(16), traceFlags: 1 };
      hostile.push('missing parent');
    }
    if (b.spans.length > 1 && rng.chance(0.05)) {
      // a duplicate span id
      const [first, ...rest] = b.spans as [FuzzSpan, ...FuzzSpan[]];
      const dup = rng.pick(rest);
      const context = { ...dup.spanContext(), spanId: rng.chance(0.5) ? first.spanContext().spanId : (rng.pick(b.spans).spanContext().spanId) };
      dup.spanContext = () => context;
      hostile.push('duplicate span id');
    }
    if (b.spans.length > 1 && rng.chance(0.03)) {
      // a remote parent (a span from another process) makes a second local root
      const remote = rng.pick(b.spans.slice(1));
      remote.parentSpanContext = { traceId, spanId: rng.hex(16), traceFlags: 1, isRemote: true };
      hostile.push('remote parent');
    }
    if (b.spans.length > 1 && rng.chance(0.03)) {
      // 1.x-style parent id instead of parentSpanContext
      const old = rng.pick(b.spans.slice(1));
      old.parentSpanId = old.parentSpanContext?.spanId;
      old.parentSpanContext = undefined;
      hostile.push('1.x parentSpanId');
    }
    if (b.spans.length > 1 && rng.chance(0.05)) {
      // garbage span ids that are still strings
      const span = rng.pick(b.spans);
      const context = { ...span.spanContext(), spanId: rng.pick([`not-hex-${rng.hex(4)}`, `${LONE_LOW}${rng.hex(4)}`, `\u0000${rng.hex(4)}`, 'x'.repeat(200) + rng.hex(4)]) };
      span.spanContext = () => context;
      hostile.push('garbage span id');
    }
    if (b.spans.length > 2 && rng.chance(0.1)) {
      // children that come after the root was uploaded
      const count = rng.int(1, Math.min(3, b.spans.length - 1));
      for (let i = 0; i < count; i += 1) {
        const span = b.spans[b.spans.length - 1 - i] as FuzzSpan;
        late.push(span);
      }
      hostile.push('late children');
    }
    if (rng.chance(0.01)) {
      // spans without usable ids inside an otherwise fine trace: dropped as malformed, by design
      const bad = rng.pick(b.spans);
      const kind = rng.int(0, 3);
      if (kind === 0) bad.spanContext = () => ({ traceId: '', spanId: rng.hex(16), traceFlags: 1 });
      else if (kind === 1) bad.spanContext = () => ({ traceId, spanId: '', traceFlags: 1 });
      else if (kind === 2) bad.spanContext = () => ({ traceId: 42 as unknown as string, spanId: rng.hex(16), traceFlags: 1 });
      else
        bad.spanContext = () => {
          throw new Error('spanContext is broken');
        };
      bad.fuzz.validIds = false;
      malformed.push(bad);
      hostile.push('span without valid ids');
    }

    const lateSet = new Set(late);
    traces.push({ traceId, spans: b.spans.filter((span) => !lateSet.has(span)), late, kind, hostile });
    spans += b.spans.length;
  }
  return { traces, malformed, spans, mutations };
}
