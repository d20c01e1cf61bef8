// The trace view as a browser gets it: plain HTTP, assertions on the HTML.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNexusLocal, type NexusLocal, type StoredSpan } from '../src/index.js';
import { spanRows } from '../src/view/span-tree.js';
import { ISO, T0, call, createSpan, createTrace, generateKey } from './helpers.js';

let local: NexusLocal;
const key = generateKey();

beforeAll(async () => {
  local = await startNexusLocal();
});
afterAll(() => local.close());
afterEach(() => local.clear());

async function get(path: string): Promise<{ status: number; headers: Headers; html: string }> {
  const res = await fetch(`${local.url}${path}`, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** Trace ids in the order the list shows them. */
const listedIds = (html: string): string[] => [...html.matchAll(/href="\/view\/traces\/([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));

/** [span id, depth] in the order the tree shows them. */
const treeRows = (html: string): [string, number][] =>
  [...html.matchAll(/id="span-([^"]+)" style="--depth:(\d+)"/g)].map((m) => [m[1]!, Number(m[2])]);

describe('GET / and GET /view', () => {
  it('redirects / to /view, a self-contained HTML page that no script can run in', async () => {
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/view');

    const res = await get('/view');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.html).toMatch(/^<!DOCTYPE html>/);
    expect(res.html).not.toMatch(/<script|<link rel="stylesheet"|src="http/);
    expect(res.html).toContain('No traces yet');
  });

  it('lists every key’s traces newest first, with agent, status, duration, span count and metadata', async () => {
    const other = generateKey();
    const old = await createTrace(local, key, { name: 'old run', started_at: ISO(T0) });
    const newest = await createTrace(local, other, {
      agent_id: 'support-bot',
      name: 'weather-math-scenario',
      status: 'success',
      started_at: ISO(T0 + 60_000),
      ended_at: ISO(T0 + 60_088),
      metadata: { input_tokens: 1472, output_tokens: 105, total_tokens: 1577, models: 'gpt-4o-2024-11-20', agent_id: 'weather-math-agent:1', response_id: 'resp_1' },
    });
    await createSpan(local, other, newest);
    await createSpan(local, other, newest);
    const middle = await createTrace(local, key, { name: 'middle run', status: 'error', started_at: ISO(T0 + 30_000) });

    const { html } = await get('/view');
    expect(listedIds(html)).toEqual([newest, middle, old]);
    const row = html.slice(html.indexOf(`/view/traces/${newest}`), html.indexOf(`/view/traces/${middle}`));
    expect(row).toContain('weather-math-scenario');
    expect(row).toContain('<td class="agent">support-bot</td>');
    expect(row).toContain('<span class="badge success">success</span>');
    expect(row).toContain('2026-03-10 12:01:00.000');
    expect(row).toContain('88 ms');
    expect(row).toMatch(/<td class="num">2<\/td>/);
    expect(row).toContain('<b>1,577</b> tokens');
    expect(row).toContain('gpt-4o-2024-11-20');
    expect(row).toContain('weather-math-agent:1');
    expect(html).toContain('<span class="badge error">error</span>');
    expect(html).toContain('3 traces');
    expect(local.requests.filter((r) => r.path.startsWith('/view'))).toHaveLength(0); // not API traffic
  });

  it('searches like the dashboard: a substring of the name, the agent or the metadata text, ASCII case folded', async () => {
    const byName = await createTrace(local, key, { name: 'Checkout Flow', agent_id: 'agent-a' });
    const byAgent = await createTrace(local, key, { name: 'run', agent_id: 'Billing-Bot' });
    const byMetadata = await createTrace(local, key, { name: 'run', agent_id: 'agent-a', metadata: { response_id: 'resp_0002abcdef' } });
    await createTrace(local, key, { name: 'unrelated', agent_id: 'agent-a', metadata: { models: 'gpt-4o' } });

    const search = async (q: string): Promise<string[]> => listedIds((await get(`/view?q=${encodeURIComponent(q)}`)).html).sort();
    expect(await search('checkout')).toEqual([byName]);
    expect(await search('billing-BOT')).toEqual([byAgent]);
    expect(await search('0002abc')).toEqual([byMetadata]);
    expect(await search('response_id')).toEqual([byMetadata]); // the JSON text, keys included
    expect(await search('nothing like it')).toEqual([]);
    expect(await search('  ')).toHaveLength(4);

    const { html } = await get('/view?q=checkout');
    expect(html).toContain('1 of 4 traces');
    expect(html).toContain('value="checkout"'); // the box keeps the query
    expect((await get('/view?q=zzz')).html).toContain('No trace matches this search.');
  });
});

describe('GET /view/traces/:id', () => {
  it('shows the header, the metadata as a table, and the span tree nested by parent and ordered by start', async () => {
    const id = await createTrace(local, key, {
      agent_id: 'support-bot',
      name: 'answer question',
      status: 'success',
      started_at: ISO(T0),
      ended_at: ISO(T0 + 1000),
      metadata: { otel_trace_id: '5d476546ddac3d88d49330a8937f6b34', tool_calls: 2 },
    });
    const root = await createSpan(local, key, id, { name: 'invoke_agent support-bot', started_at: ISO(T0), ended_at: ISO(T0 + 1000) });
    // Created out of start order: the tree still follows started_at.
    const second = await createSpan(local, key, id, { name: 'chat gpt-4o', parent_span_id: root, started_at: ISO(T0 + 500), ended_at: ISO(T0 + 750) });
    const first = await createSpan(local, key, id, {
      name: 'execute_tool get_weather',
      parent_span_id: root,
      started_at: ISO(T0 + 100),
      ended_at: ISO(T0 + 300),
      input: { location: 'Seattle, WA' },
      output: 'cloudy, 12C',
    });
    const grandchild = await createSpan(local, key, id, { name: 'HTTP GET', parent_span_id: first, started_at: ISO(T0 + 150), ended_at: ISO(T0 + 200) });
    const failed = await createSpan(local, key, id, {
      name: 'execute_tool lookup',
      parent_span_id: root,
      status: 'error',
      started_at: ISO(T0 + 800),
      ended_at: ISO(T0 + 900),
      error: 'lookup failed: 503',
    });

    const res = await get(`/view/traces/${id}`);
    expect(res.status).toBe(200);
    const { html } = res;
    expect(html).toContain('<h1>answer question</h1>');
    expect(html).toContain('support-bot');
    expect(html).toContain('2026-03-10 12:00:00.000');
    expect(html).toContain('2026-03-10 12:00:01.000');
    expect(html).toContain('1.00 s');
    expect(html).toContain('5 (1 error)');
    expect(html).toMatch(/<td class="key" title="otel_trace_id">otel_trace_id<\/td><td class="val">5d476546ddac3d88d49330a8937f6b34<\/td>/);
    expect(html).toMatch(/<td class="key" title="tool_calls">tool_calls<\/td><td class="val">2<\/td>/);

    expect(treeRows(html)).toEqual([
      [root, 0],
      [first, 1],
      [grandchild, 2],
      [second, 1],
      [failed, 1],
    ]);
    // Bars are placed on the trace's axis (0–1000 ms): the tool call runs from 10% for 20%.
    const item = (span: string): string => html.slice(html.indexOf(`id="span-${span}"`)).split('</li>')[0]!;
    expect(item(root)).toContain('style="left:0%;width:100%"');
    expect(item(first)).toContain('style="left:10%;width:20%"');
    expect(item(first)).toContain('200 ms');
    expect(item(first)).toMatch(/<details class="io"><summary><span class="io-label">Input<\/span>.*<pre>\{\n {2}&quot;location&quot;: &quot;Seattle, WA&quot;\n\}<\/pre><\/details>/s);
    expect(item(first)).toMatch(/<span class="io-label">Output<\/span>.*<pre>cloudy, 12C<\/pre>/s);
    expect(item(second)).not.toContain('<details'); // nothing to show, no empty boxes
    expect(item(failed)).toContain('<span class="dot error" title="error"></span>');
    expect(item(failed)).toContain('<div class="err-text">lookup failed: 503</div>');
  });

  it('shows an error block only for a non-empty error text, as the share page does', async () => {
    const id = await createTrace(local, key);
    const empty = await createSpan(local, key, id, { status: 'error', error: '' });
    const zero = await createSpan(local, key, id, { status: 'error', error: 0, started_at: ISO(T0 + 1) });
    const { html } = await get(`/view/traces/${id}`);
    const item = (span: string): string => html.slice(html.indexOf(`id="span-${span}"`)).split('</li>')[0]!;
    expect(item(empty)).not.toContain('err-text');
    expect(item(zero)).toContain('<div class="err-text">0</div>'); // String(0): the text "0"
  });

  it('shows a span whose parent is not in the trace once, at the top level, flagged', async () => {
    const id = await createTrace(local, key);
    const orphan = await createSpan(local, key, id, { name: 'lost', parent_span_id: 'not-a-span', started_at: ISO(T0 + 1) });
    const a = await createSpan(local, key, id, { name: 'a', started_at: ISO(T0 + 2) });
    const b = await createSpan(local, key, id, { name: 'b', parent_span_id: a, started_at: ISO(T0 + 3) });
    const { html } = await get(`/view/traces/${id}`);
    expect(treeRows(html)).toEqual([
      [orphan, 0],
      [a, 0],
      [b, 1],
    ]);
    expect(html.match(/>orphan<\/span>/g)).toHaveLength(1);
  });

  it('draws spans in a parent cycle once each (parent ids are free text)', () => {
    const span = (id: string, parentSpanId: string | null): StoredSpan => ({
      id,
      traceId: 't',
      parentSpanId,
      name: id,
      status: 'ok',
      startedAt: ISO(T0),
      endedAt: null,
      inputText: null,
      outputText: null,
      input: null,
      output: null,
      error: null,
      createdAt: 0,
    });
    const rows = spanRows([span('root', null), span('x', 'y'), span('y', 'x'), span('self', 'self'), span('kid', 'root')]);
    expect(rows.map((r) => [r.span.id, r.depth, r.orphan])).toEqual([
      ['root', 0, false],
      ['kid', 1, false],
      ['self', 0, true],
      ['x', 0, true],
      ['y', 1, false],
    ]);
  });

  it('escapes untrusted text everywhere: names, agent, input, output, error, metadata', async () => {
    const evil = '<script>alert("x")</script>';
    const id = await createTrace(local, key, {
      agent_id: `agent ${evil}`,
      name: `run ${evil}`,
      metadata: { [`key ${evil}`]: `value ${evil}`, models: evil },
    });
    await createSpan(local, key, id, {
      name: `execute_tool ${evil}`,
      status: 'error',
      input: { code: evil, "quote'": '"&' },
      output: evil,
      error: evil,
    });
    for (const path of [`/view/traces/${id}`, '/view', `/view?q=${encodeURIComponent(evil)}`]) {
      const { html } = await get(path);
      expect(html, path).not.toMatch(/<script/i);
      expect(html, path).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
    const { html } = await get(`/view/traces/${id}`);
    expect(html).toContain('&quot;quote&#39;&quot;: &quot;\\&quot;&amp;&quot;');
    expect(html).toContain('title="execute_tool &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
    // A search for it still finds the trace (the query is escaped in the box, not altered).
    expect(listedIds((await get(`/view?q=${encodeURIComponent(evil)}`)).html)).toEqual([id]);
  });

  it('answers 404 pages for an unknown or undecodable trace id and unknown view pages', async () => {
    for (const path of ['/view/traces/00000000-0000-0000-0000-000000000000', '/view/traces/%E0%A4%A', '/view/nothing']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.html).toContain('Not found');
      expect(res.html).toContain('href="/view"');
    }
    // Other methods are not view routes: the API's own 404.
    const post = await call(local, 'POST', '/view', { key });
    expect(post.status).toBe(404);
  });

  it('viewUrl names the list and a trace page on this server', async () => {
    const id = await createTrace(local, key, { name: 'linked' });
    expect(local.viewUrl()).toBe(`${local.url}/view`);
    expect(local.viewUrl(id)).toBe(`${local.url}/view/traces/${id}`);
    const res = await fetch(local.viewUrl(id));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<h1>linked</h1>');
  });
});
