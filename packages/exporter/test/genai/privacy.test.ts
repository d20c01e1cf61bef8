import { describe, expect, it } from 'vitest';
import { TRUNCATION_MARKER } from '../../src/map/field-limit.js';
import type { JsonValue, MappedSpan, MappedTrace } from '../../src/map/types.js';
import type { Message } from '../../src/genai/messages/model.js';
import { stripContent } from '../../src/genai/privacy/content.js';
import { applyPrivacy, type RedactField } from '../../src/genai/privacy/redact.js';
import { scrubSecrets, secretKeyKind } from '../../src/genai/privacy/scrub-secrets.js';

const NEXUS_KEY = `nxs_${'0123456789abcdef'.repeat(4)}`;
const OPENAI_KEY = 'sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL';
const OPENAI_PROJECT_KEY = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Ab3dEf6hIj9kLm2nOp5qRs8tUv1w';
const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlX2J5dGVz-_x';
const AZURE_HEX_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const AZURE_84_KEY = 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAB12CDEFAZSeGh7i8j9k';
const STORAGE_KEY = `${'Zm9vYmFyYmF6'.repeat(7)}Zm9vYmFy+/==`;
const SB_KEY = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=';
const SAS_SIG = 'k7Yp%2Bq9Zx3%2FW1vB6nM0cR4tL8sD2fG5hJ7kA9eQ%3D';

const STORAGE_CONN = `DefaultEndpointsProtocol=https;AccountName=contosodata;AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net`;
const SERVICE_BUS_CONN = `Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${SB_KEY}`;
const APP_INSIGHTS_CONN =
  'InstrumentationKey=00000000-1111-2222-3333-444444444444;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=55555555-6666-7777-8888-999999999999';

/** Every secret this test plants, each with the marker that must replace it. */
const SECRETS: Array<{ text: string; secret: string; marker: string }> = [
  { text: `Authorization: Bearer ${JWT}`, secret: JWT, marker: '[REDACTED:bearer]' },
  { text: `curl -H "authorization: bearer ${JWT}"`, secret: JWT, marker: '[REDACTED:bearer]' },
  { text: 'Authorization: Basic dXNlcjpwYXNzd29yZA==', secret: 'dXNlcjpwYXNzd29yZA==', marker: '[REDACTED:authorization]' },
  { text: `token BEARER ${JWT} was sent`, secret: JWT, marker: '[REDACTED:bearer]' },
  { text: `NEXUS_API_KEY=${NEXUS_KEY}`, secret: NEXUS_KEY, marker: '[REDACTED:nexus_key]' },
  { text: `key ${OPENAI_KEY} in the log`, secret: OPENAI_KEY, marker: '[REDACTED:openai_key]' },
  { text: `OPENAI_API_KEY=${OPENAI_PROJECT_KEY}`, secret: OPENAI_PROJECT_KEY, marker: '[REDACTED:openai_key]' },
  { text: `api-key: ${AZURE_HEX_KEY}`, secret: AZURE_HEX_KEY, marker: '[REDACTED:azure_key]' },
  { text: `{"api-key":"${AZURE_84_KEY}"}`, secret: AZURE_84_KEY, marker: '[REDACTED:azure_key]' },
  { text: `Ocp-Apim-Subscription-Key: ${AZURE_HEX_KEY}`, secret: AZURE_HEX_KEY, marker: '[REDACTED:azure_key]' },
  { text: `conn=${STORAGE_CONN}`, secret: STORAGE_KEY, marker: '[REDACTED:connection_string]' },
  { text: `"${SERVICE_BUS_CONN}"`, secret: SB_KEY, marker: '[REDACTED:connection_string]' },
  { text: `AccountKey=${STORAGE_KEY}`, secret: STORAGE_KEY, marker: '[REDACTED:azure_key]' },
  { text: `SharedAccessKey=${SB_KEY}`, secret: SB_KEY, marker: '[REDACTED:azure_key]' },
  {
    text: `https://contosodata.blob.core.windows.net/c/b.txt?sv=2022-11-02&sp=r&se=2030-01-01T00:00:00Z&sig=${SAS_SIG}`,
    secret: SAS_SIG,
    marker: '[REDACTED:azure_key]',
  },
  {
    text: `SharedAccessSignature sr=https%3A%2F%2Fcontoso.servicebus.windows.net&sig=${SAS_SIG}&se=1700000000&skn=Root`,
    secret: SAS_SIG,
    marker: '[REDACTED:azure_key]',
  },
  { text: 'postgres://admin:s3cr3t-Pa55@db.example.com:5432/app', secret: 's3cr3t-Pa55', marker: '[REDACTED:password]' },
];

describe('scrubSecrets', () => {
  it.each([
    [`Authorization: Bearer ${JWT}`, 'Authorization: Bearer [REDACTED:bearer]'],
    [`{"Authorization":"Bearer ${JWT}"}`, '{"Authorization":"Bearer [REDACTED:bearer]"}'],
    ['authorization: bearer abcdefghijklmnopqrstuvwx', 'authorization: bearer [REDACTED:bearer]'],
    ['Proxy-Authorization: Basic dXNlcjpwYXNz', 'Proxy-Authorization: Basic [REDACTED:authorization]'],
    ['Authorization: 9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'Authorization: [REDACTED:authorization]'],
    [`sent with BeArEr ${JWT}.`, 'sent with BeArEr [REDACTED:bearer].'],
    [`key ${NEXUS_KEY} here`, 'key [REDACTED:nexus_key] here'],
    [`key ${NEXUS_KEY.toUpperCase().replace('NXS_', 'nxs_')}`, 'key [REDACTED:nexus_key]'],
    [OPENAI_KEY, '[REDACTED:openai_key]'],
    [`OPENAI_API_KEY=${OPENAI_PROJECT_KEY}`, 'OPENAI_API_KEY=[REDACTED:openai_key]'],
    [`api-key: ${AZURE_HEX_KEY}`, 'api-key: [REDACTED:azure_key]'],
    [`{"api-key": "${AZURE_84_KEY}"}`, '{"api-key": "[REDACTED:azure_key]"}'],
    [`Ocp-Apim-Subscription-Key=${AZURE_HEX_KEY}`, 'Ocp-Apim-Subscription-Key=[REDACTED:azure_key]'],
    ['x-api-key: abcdef1234567890', 'x-api-key: [REDACTED:api_key]'],
    [STORAGE_CONN, '[REDACTED:connection_string]'],
    [`export CONN="${SERVICE_BUS_CONN}"`, 'export CONN="[REDACTED:connection_string]"'],
    ['Endpoint=https://contoso.azconfig.io;Id=abc-0;Secret=c2VjcmV0MTIzNDU2Nzg5MA==', '[REDACTED:connection_string]'],
    [`AccountName=contosodata;AccountKey=${STORAGE_KEY}`, '[REDACTED:connection_string]'],
    [`key=AccountKey=${STORAGE_KEY}`, 'key=AccountKey=[REDACTED:azure_key]'],
    [`SharedAccessKey=${SB_KEY}`, 'SharedAccessKey=[REDACTED:azure_key]'],
    [`https://a.blob.core.windows.net/c?sv=2022-11-02&sig=${SAS_SIG}&se=x`, 'https://a.blob.core.windows.net/c?sv=2022-11-02&sig=[REDACTED:azure_key]&se=x'],
    ['postgres://admin:s3cr3t@db.example.com:5432/app', 'postgres://admin:[REDACTED:password]@db.example.com:5432/app'],
    ['redis://:p@ss@cache:6379', 'redis://:[REDACTED:password]@cache:6379'],
    ['amqps://svc:pa%40ss@broker/vhost', 'amqps://svc:[REDACTED:password]@broker/vhost'],
    ['Server=tcp:x.database.windows.net;User ID=me;Password=hunter2!;Encrypt=true', 'Server=tcp:x.database.windows.net;User ID=me;Password=[REDACTED:password];Encrypt=true'],
    ['{"password": "hunter2"}', '{"password": "[REDACTED:password]"}'],
    ['?user=me&pwd=hunter2&x=1', '?user=me&pwd=[REDACTED:password]&x=1'],
  ])('%s', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it('leaves non-secrets alone', () => {
    const untouched = [
      'trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7',
      'run 123e4567-e89b-12d3-a456-426614174000 thread_abc123',
      'The bearer of bad news; bearer bonds; the bearer instruments. Bearer authentication is a scheme.',
      'Authorization: the user must sign in first',
      'authorization=required',
      'open the task-list, then the disk-usage-report-for-2024 and risk-assessment-12345678901234567890',
      'sk-learn is a library',
      'see https://example.com/path?x=1 and http://localhost:3000/a and http://[::1]:8080/',
      'password: must be at least 12 characters',
      'the api-key header is required',
      'Endpoint=https://contoso.openai.azure.com/;Deployment=gpt-4o',
      APP_INSIGHTS_CONN,
      'nxs_short',
      '',
      'bearer',
    ];
    for (const text of untouched) expect(scrubSecrets(text), text).toBe(text);
  });

  it('is idempotent: a marker is never scrubbed again', () => {
    for (const { text } of SECRETS) {
      const once = scrubSecrets(text);
      expect(scrubSecrets(once)).toBe(once);
    }
    expect(scrubSecrets(`Authorization: Bearer ${NEXUS_KEY}`)).toBe('Authorization: Bearer [REDACTED:nexus_key]');
    expect(scrubSecrets(`https://u:${NEXUS_KEY}@host`)).toBe('https://u:[REDACTED:nexus_key]@host');
  });

  it('scrubs a 1 MB string quickly (no catastrophic backtracking)', () => {
    const MB = 1 << 20;
    const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
    const realistic = fill(
      `The assistant called https://api.example.com/v1/items?x=1 for trace 4bf92f3577b34da6a3ce929d0e0e4736 with Authorization: Bearer ${JWT} and api-key: ${AZURE_HEX_KEY}; ${OPENAI_KEY} `,
    );
    // Inputs built to make a careless pattern backtrack: long runs right after each trigger.
    const hostile = [
      fill('a'),
      `Bearer ${fill('a')}`,
      `https://u:${fill('x')}`,
      fill('://a:'),
      `nxs_${fill('a')}`,
      `sk-${fill('a-')}`,
      `password=${fill('x')}`,
      `Endpoint=${fill('a;')}`,
      fill('authorization: '),
      fill('{"api-key":"'),
    ];
    scrubSecrets(realistic); // warm up the regex compiler
    let start = performance.now();
    const out = scrubSecrets(realistic);
    const realisticMillis = performance.now() - start;
    expect(out).not.toContain(JWT);
    expect(out).not.toContain(AZURE_HEX_KEY);
    expect(out).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(realisticMillis).toBeLessThan(5_000); // typically ~20 ms; catastrophic backtracking takes minutes. Generous: CI machines are loaded, and speed lives in the bench
    for (const text of hostile) {
      start = performance.now();
      scrubSecrets(text);
      expect(performance.now() - start, text.slice(0, 20)).toBeLessThan(5_000);
    }
  });

  it('names credential keys, not look-alikes', () => {
    expect(secretKeyKind('Authorization')).toBe('authorization');
    expect(secretKeyKind('http.request.header.authorization')).toBe('authorization');
    expect(secretKeyKind('api-key')).toBe('api_key');
    expect(secretKeyKind('x-api-key')).toBe('api_key');
    expect(secretKeyKind('Ocp-Apim-Subscription-Key')).toBe('azure_key');
    expect(secretKeyKind('client_secret')).toBe('secret');
    expect(secretKeyKind('password')).toBe('password');
    for (const key of ['gen_ai.usage.input_tokens', 'token', 'max_tokens', 'key', 'gen_ai.agent.id', 'secretary', 'content']) {
      expect(secretKeyKind(key), key).toBeUndefined();
    }
  });
});

function span(overrides: Partial<MappedSpan>): MappedSpan {
  return {
    localId: '00f067aa0ba902b7',
    sourceId: '00f067aa0ba902b7',
    parentLocalId: null,
    name: 'chat gpt-4o',
    status: 'ok',
    startedAt: '2025-01-01T00:00:00.000000Z',
    endedAt: '2025-01-01T00:00:01.000000Z',
    input: null,
    output: null,
    error: null,
    ...overrides,
  };
}

function trace(overrides: { name?: string; metadata?: Record<string, JsonValue>; spans?: MappedSpan[] } = {}): MappedTrace {
  return {
    header: {
      name: overrides.name ?? 'invoke_agent billing',
      status: 'success',
      startedAt: '2025-01-01T00:00:00.000000Z',
      endedAt: '2025-01-01T00:00:02.000000Z',
      metadata: overrides.metadata ?? { 'otel.trace_id': '4bf92f3577b34da6a3ce929d0e0e4736' },
      serviceName: 'billing',
    },
    spans: overrides.spans ?? [span({})],
  };
}

/** A trace with `text` in every outgoing field, input/output nested inside objects and arrays. */
function traceWith(text: string): MappedTrace {
  return trace({
    name: `trace ${text}`,
    metadata: { note: text, nested: { deeper: [1, true, null, { value: text }] } },
    spans: [
      span({
        name: `span ${text}`,
        input: { messages: [{ role: 'user', parts: [{ type: 'text', content: `please use ${text}` }] }] },
        output: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'fetch', arguments: { url: text, n: 3 } }] }],
        error: `HttpError: failed with ${text}`,
      }),
      span({ localId: 'b7ad6b7169203331', sourceId: 'b7ad6b7169203331', input: text, output: `result: ${text}` }),
    ],
  });
}

describe('applyPrivacy', () => {
  const options = { maxFieldBytes: 32 * 1024 };

  it.each(SECRETS.map((s) => [s.text, s] as const))('scrubs %s in every field', (_text, { text, secret, marker }) => {
    const out = applyPrivacy(traceWith(text), options);
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(out.header.name).toContain(marker);
    expect(out.header.metadata['note']).toContain(marker);
    expect(JSON.stringify(out.header.metadata['nested'])).toContain(marker);
    const [first, second] = out.spans as [MappedSpan, MappedSpan];
    expect(first.name).toContain(marker);
    expect(JSON.stringify(first.input)).toContain(marker);
    expect(JSON.stringify(first.output)).toContain(marker);
    expect(first.error).toContain(marker);
    expect(second.input).toContain(marker);
    expect(second.output).toContain(marker);
  });

  it('keeps structure, numbers, booleans, nulls, object keys and non-secret strings as they were', () => {
    const input = traceWith(`Authorization: Bearer ${JWT}`);
    const out = applyPrivacy(input, options);
    const scrubbed = 'Authorization: Bearer [REDACTED:bearer]';
    expect(out.header).toEqual({
      ...input.header,
      name: `trace ${scrubbed}`,
      metadata: { note: scrubbed, nested: { deeper: [1, true, null, { value: scrubbed }] } },
    });
    expect(out.spans[0]?.output).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'fetch', arguments: { url: scrubbed, n: 3 } }] },
    ]);
    const plain = trace({ spans: [span({ input: { id: '4bf92f3577b34da6a3ce929d0e0e4736', uuid: '123e4567-e89b-12d3-a456-426614174000' } })] });
    expect(applyPrivacy(plain, options)).toEqual(plain);
  });

  it('redacts the whole value under a key that names a credential', () => {
    const input = trace({
      metadata: { 'http.request.header.authorization': ['Token abc'], password: 'hunter2', empty_password: '' },
      spans: [span({ input: { headers: { 'api-key': 'not-hex-but-still-a-key', 'content-type': 'application/json' }, client_secret: { nested: 'x' }, password: '' } })],
    });
    const out = applyPrivacy(input, options);
    expect(out.header.metadata).toEqual({
      'http.request.header.authorization': ['[REDACTED:authorization]'],
      password: '[REDACTED:password]',
      empty_password: '',
    });
    expect(out.spans[0]?.input).toEqual({
      headers: { 'api-key': '[REDACTED:api_key]', 'content-type': 'application/json' },
      client_secret: { nested: '[REDACTED:secret]' },
      password: '', // empty: nothing to hide, and no marker that reads like data
    });
  });

  it('passes every outgoing string, already scrubbed, to the hook with its field kind and nearest key', () => {
    const seen: Array<[string, RedactField]> = [];
    const out = applyPrivacy(traceWith(NEXUS_KEY), {
      ...options,
      redact: (value, field) => {
        seen.push([value, field]);
        return value.toUpperCase();
      },
    });
    const M = '[REDACTED:nexus_key]';
    expect(seen).toEqual([
      [`trace ${M}`, { kind: 'trace_name' }],
      [M, { kind: 'metadata', key: 'note' }],
      [M, { kind: 'metadata', key: 'value' }],
      [`span ${M}`, { kind: 'span_name' }],
      ['user', { kind: 'input', key: 'role' }],
      ['text', { kind: 'input', key: 'type' }],
      [`please use ${M}`, { kind: 'input', key: 'content' }],
      ['assistant', { kind: 'output', key: 'role' }],
      ['tool_call', { kind: 'output', key: 'type' }],
      ['call_1', { kind: 'output', key: 'id' }],
      ['fetch', { kind: 'output', key: 'name' }],
      [M, { kind: 'output', key: 'url' }],
      [`HttpError: failed with ${M}`, { kind: 'error' }],
      ['chat gpt-4o', { kind: 'span_name' }],
      [M, { kind: 'input' }],
      [`result: ${M}`, { kind: 'output' }],
    ]);
    expect(out.header.name).toBe('TRACE [REDACTED:NEXUS_KEY]');
    expect(out.spans[1]?.output).toBe('RESULT: [REDACTED:NEXUS_KEY]');
    expect(out.header.metadata['otel.trace_id']).toBeUndefined(); // traceWith replaced the metadata
  });

  it('survives a hook that throws or returns a non-string: the scrubbed value is kept', () => {
    const input = traceWith(OPENAI_KEY);
    const throwing = applyPrivacy(input, { ...options, redact: () => { throw new Error('boom'); } });
    expect(throwing).toEqual(applyPrivacy(input, options));
    const wrongType = applyPrivacy(input, { ...options, redact: (() => 42) as unknown as (v: string) => string });
    expect(wrongType).toEqual(applyPrivacy(input, options));
    let calls = 0;
    const sometimes = applyPrivacy(input, {
      ...options,
      redact: (value) => {
        calls += 1;
        if (calls % 2 === 0) throw new Error('every other one');
        return `<${value}>`;
      },
    });
    expect(sometimes.header.name).toBe('<trace [REDACTED:openai_key]>');
    expect(JSON.stringify(sometimes)).not.toContain(OPENAI_KEY);
  });

  it('scrub: false sends secrets as they are, but still runs the hook', () => {
    const input = traceWith(NEXUS_KEY);
    expect(applyPrivacy(input, { ...options, scrub: false })).toEqual(input);
    const hooked = applyPrivacy(input, { ...options, scrub: false, redact: (v) => v.replaceAll(NEXUS_KEY, '<key>') });
    expect(hooked.header.name).toBe('trace <key>');
    expect(JSON.stringify(hooked)).not.toContain(NEXUS_KEY);
  });

  it('cuts input and output past maxFieldBytes, after scrubbing, with the visible marker', () => {
    const big = `Bearer ${JWT} ${'x'.repeat(5000)}`;
    const out = applyPrivacy(trace({ spans: [span({ input: big, output: { text: big }, error: big })] }), { maxFieldBytes: 1024 });
    const [mapped] = out.spans as [MappedSpan];
    expect(typeof mapped.input).toBe('string');
    expect(mapped.input as string).toMatch(/^Bearer \[REDACTED:bearer\] x+/);
    expect(mapped.input as string).toContain(TRUNCATION_MARKER);
    expect(Buffer.byteLength(mapped.input as string)).toBeLessThanOrEqual(1024);
    expect(mapped.output as string).toContain(TRUNCATION_MARKER);
    expect(mapped.output as string).toContain('[REDACTED:bearer]');
    expect(mapped.error).not.toContain(TRUNCATION_MARKER); // errors are not Nexus input/output fields
    const small = applyPrivacy(trace({ spans: [span({ input: 'short', output: 7 })] }), { maxFieldBytes: 1024 });
    expect(small.spans[0]).toMatchObject({ input: 'short', output: 7 });
  });

  it('does not mutate the input trace', () => {
    const input = traceWith(`Authorization: Bearer ${JWT}`);
    const before = structuredClone(input);
    deepFreeze(input);
    const out = applyPrivacy(input, { ...options, redact: (v) => `${v}!` });
    expect(input).toEqual(before);
    expect(out).not.toBe(input);
    expect(out.header).not.toBe(input.header);
    expect(out.spans[0]).not.toBe(input.spans[0]);
  });

  it('never throws on hostile values: deep nesting, a __proto__ key', () => {
    let deep: JsonValue = `sk-proj-${'a1'.repeat(20)}`;
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    const withProto = JSON.parse(`{"__proto__": {"polluted": "${NEXUS_KEY}"}, "a": 1}`) as JsonValue;
    const out = applyPrivacy(trace({ spans: [span({ input: deep, output: withProto })] }), { maxFieldBytes: 1 << 20 });
    expect(JSON.stringify(out.spans[0]?.input)).not.toContain('a1a1a1a1a1a1a1a1a1a1a1');
    const output = out.spans[0]?.output as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.keys(output)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(output)).toBe('{"__proto__":{"polluted":"[REDACTED:nexus_key]"},"a":1}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('past 64 levels a subtree is sent as one scrubbed JSON string', () => {
    let deep: JsonValue = { auth: `Bearer ${JWT}` };
    for (let i = 0; i < 100; i += 1) deep = { d: deep };
    const out = applyPrivacy(trace({ spans: [span({ input: deep })] }), { maxFieldBytes: 1 << 20 });
    const text = JSON.stringify(out.spans[0]?.input);
    expect(text).not.toContain(JWT);
    expect(text).toContain('[REDACTED:bearer]');
    let node = out.spans[0]?.input;
    let levels = 0;
    while (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      node = node['d'] as JsonValue;
      levels += 1;
    }
    expect(typeof node).toBe('string');
    expect(levels).toBeLessThanOrEqual(64);
  });
});

describe('stripContent', () => {
  const messages: Message[] = [
    { role: 'system', parts: [{ type: 'text', content: 'You are a billing assistant.' }] },
    { role: 'user', name: 'Jane Doe', parts: [{ type: 'text', content: 'What is my balance?' }, { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0KGgo=' }] },
    {
      role: 'assistant',
      parts: [
        { type: 'reasoning', content: 'The user wants the balance.' },
        { type: 'tool_call', id: 'call_42', name: 'get_balance', arguments: { account: 'ACC-123' } },
        { type: 'tool_call', id: null, name: 'lookup', arguments: 'raw args' },
      ],
      finish_reason: 'tool_call',
    },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_42', response: { balance: 1234.5 } }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'ci_1', content: { code: 'print(1)' } }, { type: 'uri', uri: 'https://x/y.png', name: 'y.png' }], finish_reason: 'stop' },
  ];

  it('keeps roles, part types, tool call ids and names, finish reasons; nothing else', () => {
    expect(stripContent(messages)).toEqual([
      { role: 'system', parts: [{ type: 'text' }] },
      { role: 'user', parts: [{ type: 'text' }, { type: 'blob' }] },
      { role: 'assistant', parts: [{ type: 'reasoning' }, { type: 'tool_call', id: 'call_42', name: 'get_balance' }, { type: 'tool_call', name: 'lookup' }], finish_reason: 'tool_call' },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_42' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'ci_1' }, { type: 'uri', name: 'y.png' }], finish_reason: 'stop' },
    ]);
  });

  it('leaves no content behind and does not touch its input', () => {
    const before = structuredClone(messages);
    const text = JSON.stringify(stripContent(messages));
    for (const content of ['billing assistant', 'balance?', 'iVBOR', 'image/png', 'wants', 'ACC-123', 'raw args', '1234', 'print', 'https://', 'Jane']) {
      expect(text).not.toContain(content);
    }
    expect(messages).toEqual(before);
  });

  it('tolerates malformed messages', () => {
    const hostile = [{ role: 5, parts: 'nope' }, { parts: [null, 3, { type: 7, id: 9 }] }, null] as unknown as Message[];
    expect(stripContent(hostile)).toEqual([
      { role: 'user', parts: [] },
      { role: 'user', parts: [{ type: 'unknown' }, { type: 'unknown' }, { type: 'unknown' }] },
      { role: 'user', parts: [] },
    ]);
    expect(stripContent(undefined as unknown as Message[])).toEqual([]);
  });
});

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}
