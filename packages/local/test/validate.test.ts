// Lenient mode's refusal of text it assumes the database refuses: NUL, lone surrogates, bytes that
// are not UTF-8. The real server stores all of them (strict mode: see real-server.test.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNexusLocal, type NexusLocal } from '../src/index.js';
import { MESSAGE_UNSTORABLE, decodeBody, findUnstorable, isUnstorable, parseJsonObject } from '../src/validate.js';
import { call, createTrace, generateKey, spanBody, traceBody } from './helpers.js';

let local: NexusLocal;
const key = generateKey();

beforeAll(async () => {
  local = await startNexusLocal({ strict: false });
});
afterAll(() => local.close());
afterEach(() => local.clear());

const LONE_HIGH = '\ud83d';
const LONE_LOW = '\ude00';
const PAIR = '\ud83d\ude00'; // 😀

describe('isUnstorable / findUnstorable', () => {
  it.each([
    ['a\u0000b', true],
    [`x${LONE_HIGH}`, true],
    [`${LONE_HIGH}x`, true],
    [`${LONE_LOW}x`, true],
    [`${PAIR}${LONE_LOW}`, true],
    [`${LONE_HIGH}${LONE_HIGH}${LONE_LOW}`, true],
    [PAIR, false],
    ['\ufffd replacement character', false],
    ['𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 中文 and é', false],
    ['\\u0000 as six plain characters', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(isUnstorable(text)).toBe(expected);
  });

  it('names the path of the first refused value or key', () => {
    expect(findUnstorable({ input: { messages: [{ content: 'ok' }, { content: `bad${LONE_LOW}` }] } })).toBe('input.messages[1].content');
    expect(findUnstorable({ metadata: { ['k\u0000']: 1 } })).toBe('metadata.k\u0000');
    expect(findUnstorable({ name: 'fine', n: 1, b: true, x: null, list: [PAIR] })).toBeUndefined();
  });

  it('walks a body nested 100,000 deep without overflowing the stack', () => {
    let deep: unknown = `bottom${LONE_HIGH}`;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findUnstorable({ input: deep })).toMatch(/^input(\[0\]){100000}$/);
  });
});

describe('decodeBody', () => {
  it('passes well-formed UTF-8 through, and makes any other bytes unparseable', () => {
    const good = Buffer.from(JSON.stringify({ name: `é ${PAIR}` }), 'utf8');
    expect(decodeBody(good)).toBe(good.toString('utf8'));
    for (const bad of [
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"a":"\xff"}
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d]), // a cut two-byte sequence
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // CESU-8 lone surrogate
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), // overlong '/'
    ]) {
      const parsed = parseJsonObject(decodeBody(bad));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(JSON.parse(parsed.reply.body)).toEqual({ error: 'Invalid JSON body' });
    }
  });
});

describe('in lenient mode, the REST routes refuse text the database refuses', () => {
  const refusedBodies: Array<[string, string]> = [
    ['a NUL escape in a span name', '"name":"step\\u0000"'],
    ['a lone high surrogate escape in input', '"input":{"text":"cut \\ud83d"}'],
    ['a lone low surrogate escape in output', '"output":["\\ude00"]'],
    ['a NUL in an object key of input', '"input":{"k\\u0000":1}'],
    ['a NUL in the error', '"error":"boom\\u0000"'],
  ];

  it.each(refusedBodies)('POST spans with %s → 400 Validation failed naming the field; nothing stored', async (_what, field) => {
    const traceId = await createTrace(local, key);
    const name = field.startsWith('"name"') ? '' : '"name":"step",';
    const raw = `{${name}"status":"ok","started_at":"2026-03-10T12:00:00.000Z",${field}}`;
    const res = await call(local, 'POST', `/api/v1/traces/${traceId}/spans`, { key, raw });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'Validation failed' });
    expect(Object.values((res.body as { fields: Record<string, string> }).fields)).toEqual([MESSAGE_UNSTORABLE]);
    expect(local.trace(traceId)?.spans).toEqual([]);
  });

  it('POST traces with a lone surrogate in metadata or a NUL in the name → 400; nothing stored', async () => {
    const metadata = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ metadata: { otel_trace_id: `ab${LONE_HIGH}` } }) });
    expect(metadata.status).toBe(400);
    expect(metadata.body).toEqual({ error: 'Validation failed', fields: { 'metadata.otel_trace_id': MESSAGE_UNSTORABLE } });
    const name = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ name: 'run\u0000' }) });
    expect(name.body).toEqual({ error: 'Validation failed', fields: { name: MESSAGE_UNSTORABLE } });
    expect(local.traces()).toEqual([]);
  });

  it('keeps non-BMP text, U+FFFD and a literal backslash-u sequence as sent', async () => {
    const traceId = await createTrace(local, key, { name: `run ${PAIR}` });
    const input = { text: `𝔘𝔫𝔦 ${PAIR} \ufffd \\u0000 中文` };
    const res = await call(local, 'POST', `/api/v1/traces/${traceId}/spans`, { key, body: spanBody({ name: `step ${PAIR}`, input }) });
    expect(res.status).toBe(201);
    expect(local.trace(traceId)?.spans[0]).toMatchObject({ name: `step ${PAIR}`, input });
    expect(local.trace(traceId)?.name).toBe(`run ${PAIR}`);
  });

  it('POST with bytes that are not UTF-8 → 400 Invalid JSON body; nothing stored', async () => {
    const traceId = await createTrace(local, key);
    const bytes = Buffer.concat([Buffer.from('{"name":"step '), Buffer.from([0xff, 0xfe]), Buffer.from('","status":"ok","started_at":"2026-03-10T12:00:00.000Z"}')]);
    const res = await fetch(`${local.url}/api/v1/traces/${traceId}/spans`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: bytes });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Invalid JSON body' });
    expect(local.trace(traceId)?.spans).toEqual([]);
  });

  it('checks auth first: a bad key with a refused body is still a 401', async () => {
    const res = await call(local, 'POST', '/api/v1/traces', { key: 'nope', raw: '{"name":"\\u0000"}' });
    expect(res.status).toBe(401);
  });
});
