// Conformance with the real (open-source) Nexus server: one test per behaviour measured on it or
// read in its source (src/routes/api.ts), in the default strict mode, and where lenient mode
// differs, one test that `strict: false` keeps this server's older behaviour.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNexusLocal, type NexusLocal } from '../src/index.js';
import { ISO, T0, call, createSpan, createTrace, generateKey, spanBody, traceBody, type Answer } from './helpers.js';

let strict: NexusLocal; // started without options: strict is the default
let lenient: NexusLocal;
const key = generateKey();

beforeAll(async () => {
  strict = await startNexusLocal();
  lenient = await startNexusLocal({ strict: false });
});
afterAll(async () => {
  await Promise.all([strict.close(), lenient.close()]);
});
afterEach(() => {
  strict.clear();
  lenient.clear();
});

interface SpanItem {
  id: string;
  input: unknown;
  output: unknown;
  error: unknown;
}

async function spansOf(local: NexusLocal, traceId: string): Promise<SpanItem[]> {
  const res = await call(local, 'GET', `/api/v1/traces/${traceId}`, { key });
  expect(res.status).toBe(200);
  return (res.body as { spans: SpanItem[] }).spans;
}

async function listIds(local: NexusLocal, query: string): Promise<string[]> {
  const res = await call(local, 'GET', `/api/v1/traces${query}`, { key });
  expect(res.status, query).toBe(200);
  return (res.body as { id: string }[]).map((t) => t.id);
}

function postSpan(local: NexusLocal, traceId: string, body: Record<string, unknown>): Promise<Answer> {
  return call(local, 'POST', `/api/v1/traces/${traceId}/spans`, { key, body: spanBody(body) });
}

async function viewPage(local: NexusLocal, traceId: string): Promise<string> {
  return (await fetch(local.viewUrl(traceId))).text();
}

describe('JSON null in error, input, output and metadata', () => {
  it('stores a span error sent as null as the text "null", which GET returns as the string "null"', async () => {
    const traceId = await createTrace(strict, key);
    const spanId = await createSpan(strict, key, traceId, { status: 'error', error: null });
    expect(strict.trace(traceId)?.spans[0]).toMatchObject({ id: spanId, error: 'null' });
    expect((await spansOf(strict, traceId))[0]?.error).toBe('null');
  });

  it('stores input and output sent as null as the text "null", which GET parses back to null', async () => {
    const traceId = await createTrace(strict, key);
    await createSpan(strict, key, traceId, { input: null, output: null });
    await createSpan(strict, key, traceId, { started_at: ISO(T0 + 1) }); // absent: no text at all
    const [sentNull, absent] = strict.trace(traceId)?.spans ?? [];
    expect(sentNull).toMatchObject({ inputText: 'null', outputText: 'null', input: null, output: null });
    expect(absent).toMatchObject({ inputText: null, outputText: null, input: null, output: null });
    const [first] = await spansOf(strict, traceId);
    expect(first).toMatchObject({ input: null, output: null });
  });

  it('stores trace metadata sent as null as the text "null", which GET parses back to null', async () => {
    const traceId = await createTrace(strict, key, { metadata: null });
    expect(strict.trace(traceId)).toMatchObject({ metadataText: 'null', metadata: null });
    const got = await call(strict, 'GET', `/api/v1/traces/${traceId}`, { key });
    expect((got.body as { metadata: unknown }).metadata).toBeNull();
    const textual = await startNexusLocal({ metadataAs: 'text' });
    try {
      const id = await createTrace(textual, key, { metadata: null });
      const asText = await call(textual, 'GET', `/api/v1/traces/${id}`, { key });
      expect((asText.body as { metadata: unknown }).metadata).toBe('null'); // the stored text itself
    } finally {
      await textual.close();
    }
  });

  it('shows the stored "null" on the trace view page, as the share page does: an Error block and an Input block', async () => {
    const traceId = await createTrace(strict, key);
    const spanId = await createSpan(strict, key, traceId, { status: 'error', error: null, input: null });
    const html = await viewPage(strict, traceId);
    const item = html.slice(html.indexOf(`id="span-${spanId}"`)).split('</li>')[0] ?? '';
    expect(item).toContain('<div class="err-text">null</div>');
    expect(item).toMatch(/<span class="io-label">Input<\/span>.*<pre>null<\/pre>/s);
    expect(item).not.toContain('Output'); // absent: nothing stored, nothing shown
  });

  it('strict: false keeps null as no value: error, input, output and metadata stay null, the page shows no block', async () => {
    const traceId = await createTrace(lenient, key, { metadata: null });
    await createSpan(lenient, key, traceId, { status: 'error', error: null, input: null, output: null });
    expect(lenient.trace(traceId)).toMatchObject({ metadataText: null, metadata: null });
    expect(lenient.trace(traceId)?.spans[0]).toMatchObject({ error: null, inputText: null, outputText: null });
    expect((await spansOf(lenient, traceId))[0]?.error).toBeNull();
    const html = await viewPage(lenient, traceId);
    expect(html).not.toContain('class="err-text"');
    expect(html).not.toContain('<details class="io">');
  });
});

describe('NUL, lone surrogates and bytes that are not UTF-8', () => {
  const NUL = 'a\u0000b';
  const LONE = 'cut \ud83d';

  it('stores a NUL or a lone surrogate in any string: 201, and GET returns it as sent', async () => {
    const created = await call(strict, 'POST', '/api/v1/traces', { key, body: traceBody({ name: `run ${NUL}`, metadata: { id: LONE } }) });
    expect(created.status).toBe(201);
    const traceId = (created.body as { trace_id: string }).trace_id;
    const span = await postSpan(strict, traceId, { name: `step ${NUL}`, input: { text: LONE, [`k${NUL}`]: 1 }, error: `boom ${NUL}` });
    expect(span.status).toBe(201);
    expect(strict.trace(traceId)).toMatchObject({ name: `run ${NUL}`, metadata: { id: LONE } });
    const [got] = await spansOf(strict, traceId);
    expect(got).toMatchObject({ input: { text: LONE, [`k${NUL}`]: 1 }, error: `boom ${NUL}` });
  });

  it('stores a body whose bytes are not UTF-8, with U+FFFD in their place', async () => {
    const traceId = await createTrace(strict, key);
    const bytes = Buffer.concat([
      Buffer.from('{"name":"step '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","status":"ok","started_at":"2026-03-10T12:00:00.000Z"}'),
    ]);
    const res = await fetch(`${strict.url}/api/v1/traces/${traceId}/spans`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: bytes });
    expect(res.status).toBe(201);
    expect(strict.trace(traceId)?.spans[0]?.name).toBe('step \ufffd\ufffd');
  });

  it('strict: false refuses them: 400 Validation failed naming the field, or Invalid JSON body for bad bytes', async () => {
    const traceId = await createTrace(lenient, key);
    const nul = await postSpan(lenient, traceId, { name: `step ${NUL}` });
    expect(nul.status).toBe(400);
    expect(nul.body).toMatchObject({ error: 'Validation failed', fields: { name: expect.stringMatching(/NUL/) } });
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    const res = await fetch(`${lenient.url}/api/v1/traces/${traceId}/spans`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: bytes });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Invalid JSON body' });
    expect(lenient.trace(traceId)?.spans).toEqual([]);
  });
});

describe('size of a row', () => {
  const MB21 = 'x'.repeat(2_100_000);

  it('stores a 2.1 MB input, and a trace with 2.1 MB of metadata: 201', async () => {
    const traceId = await createTrace(strict, key);
    expect((await postSpan(strict, traceId, { input: MB21 })).status).toBe(201);
    expect(strict.trace(traceId)?.spans[0]?.input).toBe(MB21);
    const trace = await call(strict, 'POST', '/api/v1/traces', { key, body: traceBody({ metadata: { blob: MB21 } }) });
    expect(trace.status).toBe(201);
  });

  it('answers a plain-text 500 "Internal Server Error" to a span of 1.2 MB input + 1.2 MB output, and stores nothing', async () => {
    const traceId = await createTrace(strict, key);
    const res = await postSpan(strict, traceId, { input: 'i'.repeat(1_200_000), output: 'o'.repeat(1_200_000) });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('Internal Server Error');
    expect(strict.trace(traceId)?.spans).toEqual([]);
  });

  it('answers 500 to a trace whose metadata text is over the limit; its new agent is created all the same', async () => {
    const free = generateKey();
    const server = await startNexusLocal({ keys: { [free]: { plan: 'free' } } });
    try {
      const big = await call(server, 'POST', '/api/v1/traces', { key: free, body: traceBody({ agent_id: 'first', metadata: { blob: 'm'.repeat(2_300_000) } }) });
      expect(big.status).toBe(500);
      expect(big.text).toBe('Internal Server Error');
      expect(server.traces()).toEqual([]);
      // The real server inserts the agent before the trace: the free plan's one agent is taken.
      const other = await call(server, 'POST', '/api/v1/traces', { key: free, body: traceBody({ agent_id: 'second' }) });
      expect(other.status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('strict: false refuses the 2.1 MB input and metadata too (its 2 MiB limit counts every column)', async () => {
    const traceId = await createTrace(lenient, key);
    expect((await call(lenient, 'POST', `/api/v1/traces/${traceId}/spans`, { key, body: spanBody({ input: MB21 }) })).status).toBe(500);
    expect((await call(lenient, 'POST', '/api/v1/traces', { key, body: traceBody({ metadata: { blob: MB21 } }) })).status).toBe(500);
  });
});

describe('free plan at its monthly limit', () => {
  async function newAgentAtLimit(options: { strict?: boolean }): Promise<Answer> {
    const free = generateKey();
    const server = await startNexusLocal({ keys: { [free]: { plan: 'free' } }, freeTraceLimit: 1, ...options });
    try {
      await createTrace(server, free, { agent_id: 'first' });
      return await call(server, 'POST', '/api/v1/traces', { key: free, body: traceBody({ agent_id: 'second' }) });
    } finally {
      await server.close();
    }
  }

  it('answers 429 to a new agent name: the monthly check comes before the agent check', async () => {
    const res = await newAgentAtLimit({});
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error: 'Monthly trace limit reached', limit: 1, current: 1 });
  });

  it('strict: false checks the agent first: 403', async () => {
    const res = await newAgentAtLimit({ strict: false });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'Free plan limited to 1 agent' });
  });
});

describe('a bad body for an unknown trace', () => {
  const unknown = '00000000-0000-0000-0000-000000000000';
  const badBodies: [string, { raw?: string; body?: unknown }][] = [
    ['invalid JSON', { raw: '{oops' }],
    ['failing validation', { body: { status: 'nope' } }],
  ];

  it.each(badBodies)('span POST with %s → 404 Trace not found (the trace is looked up first)', async (_what, opts) => {
    const res = await call(strict, 'POST', `/api/v1/traces/${unknown}/spans`, { key, ...opts });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Trace not found' });
  });

  it.each(badBodies)('PATCH with %s → 404 Trace not found (the trace is looked up first)', async (_what, opts) => {
    const res = await call(strict, 'PATCH', `/api/v1/traces/${unknown}`, { key, ...opts });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Trace not found' });
  });

  it('strict: false checks the body first: 400 for the span POST and the PATCH', async () => {
    const span = await call(lenient, 'POST', `/api/v1/traces/${unknown}/spans`, { key, raw: '{oops' });
    expect(span.status).toBe(400);
    expect(span.body).toEqual({ error: 'Invalid JSON body' });
    const patch = await call(lenient, 'PATCH', `/api/v1/traces/${unknown}`, { key, body: {} });
    expect(patch.status).toBe(400);
    expect(patch.body).toEqual({ error: 'No fields to update' });
  });
});

describe('GET /api/v1/traces query', () => {
  it('answers 400 {"error":"Invalid cursor: trace not found"} to an unknown after cursor, or another key\'s trace', async () => {
    await createTrace(strict, key);
    const others = await createTrace(strict, generateKey());
    for (const after of ['00000000-0000-0000-0000-000000000000', others]) {
      const res = await call(strict, 'GET', `/api/v1/traces?after=${after}`, { key });
      expect(res.status, after).toBe(400);
      expect(res.body).toEqual({ error: 'Invalid cursor: trace not found' });
    }
  });

  it('strict: false answers an unknown cursor with 200 []', async () => {
    await createTrace(lenient, key);
    expect(await listIds(lenient, '?after=00000000-0000-0000-0000-000000000000')).toEqual([]);
  });

  it('answers status=running with 400 Invalid query parameters: only ok and error filter', async () => {
    await createTrace(strict, key, { status: 'running' });
    const res = await call(strict, 'GET', '/api/v1/traces?status=running', { key });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Invalid query parameters', fields: { status: 'Must be one of: ok, error' } });
  });

  it('strict: false filters status=running', async () => {
    const running = await createTrace(lenient, key, { status: 'running' });
    await createTrace(lenient, key, { status: 'success' });
    expect(await listIds(lenient, '?status=running')).toEqual([running]);
  });

  it('reads limit=5abc as 5 (parseInt) and answers since in month 13 with 200 []', async () => {
    for (let i = 0; i < 6; i++) await createTrace(strict, key, { started_at: ISO(T0 + i) });
    expect(await listIds(strict, '?limit=5abc')).toHaveLength(5);
    expect(await listIds(strict, `?since=${encodeURIComponent('2026-13-01T00:00:00Z')}`)).toEqual([]);
  });

  it('strict: false refuses limit=5abc and since in month 13 with 400', async () => {
    await createTrace(lenient, key);
    for (const query of ['?limit=5abc', `?since=${encodeURIComponent('2026-13-01T00:00:00Z')}`]) {
      const res = await call(lenient, 'GET', `/api/v1/traces${query}`, { key });
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ error: 'Validation failed' });
    }
  });

  // Same-format times would sort alike either way: these differ as text and as instants.
  async function mixedTimes(local: NexusLocal): Promise<{ utc: string; fraction: string; offset: string; twins: [string, string] }> {
    const utc = await createTrace(local, key, { started_at: '2026-05-01T10:00:00Z' });
    const fraction = await createTrace(local, key, { started_at: '2026-05-01T10:00:00.500Z' }); // later instant, smaller text
    const offset = await createTrace(local, key, { started_at: '2026-05-01T12:00:00+05:00' }); // 07:00Z, largest text
    const twinA = await createTrace(local, key, { started_at: '2026-04-01T00:00:00.000Z' });
    const twinB = await createTrace(local, key, { started_at: '2026-04-01T00:00:00.000Z' });
    return { utc, fraction, offset, twins: [twinA, twinB] };
  }

  it('compares since/until and orders the list as text: started_at DESC, then id DESC', async () => {
    const { utc, fraction, offset, twins } = await mixedTimes(strict);
    const byIdDesc = [...twins].sort().reverse();
    expect(await listIds(strict, '')).toEqual([offset, utc, fraction, ...byIdDesc]);
    expect(await listIds(strict, `?since=${encodeURIComponent('2026-05-01T10:00:00Z')}`)).toEqual([offset, utc]);
    expect(await listIds(strict, `?until=${encodeURIComponent('2026-05-01T10:00:00Z')}`)).toEqual([utc, fraction, ...byIdDesc]);
  });

  it('strict: false compares instants: newest instant first, the later-created first on a tie', async () => {
    const { utc, fraction, offset, twins } = await mixedTimes(lenient);
    expect(await listIds(lenient, '')).toEqual([fraction, utc, offset, twins[1], twins[0]]);
    expect(await listIds(lenient, `?since=${encodeURIComponent('2026-05-01T10:00:00Z')}`)).toEqual([fraction, utc]);
  });
});

describe('GET /api/v1/traces/:id', () => {
  it('lists spans without a trace_id field', async () => {
    const traceId = await createTrace(strict, key);
    await createSpan(strict, key, traceId);
    const [span] = await spansOf(strict, traceId);
    expect(Object.keys(span ?? {})).toEqual(['id', 'parent_span_id', 'name', 'status', 'started_at', 'ended_at', 'input', 'output', 'error']);
  });

  it('strict: false lists spans with their trace_id', async () => {
    const traceId = await createTrace(lenient, key);
    await createSpan(lenient, key, traceId);
    const [span] = await spansOf(lenient, traceId);
    expect(span).toMatchObject({ trace_id: traceId });
  });
});

describe('more of the real server, read in its source', () => {
  it('ended_at: null is no end time on POST, and no change on PATCH ("No fields to update" alone)', async () => {
    const traceId = await createTrace(strict, key, { ended_at: null });
    await createSpan(strict, key, traceId, { ended_at: null });
    expect(strict.trace(traceId)).toMatchObject({ endedAt: null, spans: [{ endedAt: null }] });
    const alone = await call(strict, 'PATCH', `/api/v1/traces/${traceId}`, { key, body: { ended_at: null } });
    expect(alone.status).toBe(400);
    expect(alone.body).toEqual({ error: 'No fields to update' });
    const withStatus = await call(strict, 'PATCH', `/api/v1/traces/${traceId}`, { key, body: { status: 'success', ended_at: null } });
    expect(withStatus.status).toBe(200);
    expect(strict.trace(traceId)).toMatchObject({ status: 'success', endedAt: null });
  });

  it('trims the key after "Bearer ", so two spaces still authenticate; strict: false refuses them', async () => {
    const headers = { authorization: `Bearer  ${key}` };
    expect((await call(strict, 'GET', '/api/v1/traces', { key: null, headers })).status).toBe(200);
    expect((await call(lenient, 'GET', '/api/v1/traces', { key: null, headers })).status).toBe(401);
  });
});
