// GET /view: every key's traces, newest first, with the dashboard's search box.
import type { Reply } from '../reply.js';
import type { StoredTrace } from '../store.js';
import { durationBetween, formatCount, formatDuration, formatTime, metadataText } from './format.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { matchesSearch } from './list-query.js';
import { tracePath } from './url.js';

/** Rows drawn at most: a bench run can leave thousands of traces; the search narrows them. */
export const LIST_LIMIT = 200;

const ID_KEYS = ['agent_id', 'conversation_id', 'thread_id', 'run_id', 'response_id'] as const;
const MAX_ID_CHIPS = 2;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function chip(label: string, value: string, title = `${label}: ${value}`): Html {
  return html`<span class="chip" title="${title}">${label} <b>${value}</b></span>`;
}

/** The few metadata keys worth a glance in a list: tokens, models, cost, then the first ids. */
function metadataChips(metadata: unknown): Html[] {
  if (!isRecord(metadata)) return [];
  const chips: Html[] = [];
  const num = (key: string): number | null => (typeof metadata[key] === 'number' ? (metadata[key] as number) : null);
  const input = num('input_tokens');
  const output = num('output_tokens');
  const total = num('total_tokens') ?? (input !== null || output !== null ? (input ?? 0) + (output ?? 0) : null);
  if (total !== null) {
    const split = input !== null || output !== null ? `${formatCount(input ?? 0)} in · ${formatCount(output ?? 0)} out` : '';
    chips.push(html`<span class="chip" title="${split}"><b>${formatCount(total)}</b> tokens</span>`);
  }
  if (metadata.models !== undefined) chips.push(chip('model', metadataText(metadata.models)));
  const tools = num('tool_calls');
  if (tools !== null) chips.push(html`<span class="chip"><b>${formatCount(tools)}</b> tool call${tools === 1 ? '' : 's'}</span>`);
  const cost = num('estimated_cost_usd');
  if (cost !== null) chips.push(html`<span class="chip" title="estimated cost"><b>$${String(cost)}</b></span>`);
  for (const key of ID_KEYS.filter((k) => metadata[k] !== undefined).slice(0, MAX_ID_CHIPS)) {
    chips.push(chip(key, metadataText(metadata[key])));
  }
  return chips;
}

function row(trace: StoredTrace): Html {
  return html`<tr>
  <td class="name"><a href="${tracePath(trace.id)}" title="${trace.name}">${trace.name}</a><span class="id">${trace.id}</span></td>
  <td class="agent">${trace.agentName}</td>
  <td><span class="badge ${trace.status}">${trace.status}</span></td>
  <td class="when">${formatTime(trace.startedAt)}</td>
  <td class="num">${trace.endedAt === null ? html`<span class="faint">running</span>` : formatDuration(durationBetween(trace.startedAt, trace.endedAt))}</td>
  <td class="num">${trace.spans.length}</td>
  <td><div class="chips">${metadataChips(trace.metadata)}</div></td>
</tr>`;
}

/** `all` in the API's list order (Store.snapshotNewestFirst). */
export function listPage(all: readonly StoredTrace[], query: string): Reply {
  const matches = all.filter((trace) => matchesSearch(trace, query));
  const shown = matches.slice(0, LIST_LIMIT);
  const count = query.trim() === '' ? `${formatCount(all.length)} traces` : `${formatCount(matches.length)} of ${formatCount(all.length)} traces`;
  const empty = all.length === 0 ? 'No traces yet. Point an exporter at this server and run your agent.' : 'No trace matches this search.';
  const body = html`<div class="page-head">
  <h1>Traces</h1><span class="count">${count}</span>
  <form class="search" method="get" action="/view" role="search">
    <input type="search" name="q" value="${query}" placeholder="Search name, agent or metadata" aria-label="Search traces">
    <button type="submit">Search</button>
  </form>
</div>
<div class="panel">
${
  shown.length === 0
    ? html`<div class="empty">${empty}</div>`
    : html`<table class="traces">
  <thead><tr><th>Trace</th><th>Agent</th><th>Status</th><th>Started (UTC)</th><th class="num">Duration</th><th class="num">Spans</th><th>Metadata</th></tr></thead>
  <tbody>
${shown.map(row)}
  </tbody>
</table>`
}
${matches.length > shown.length ? html`<div class="more">Showing the newest ${LIST_LIMIT} of ${formatCount(matches.length)}: search to narrow the list.</div>` : null}
</div>`;
  return page(200, query.trim() === '' ? 'Traces' : `Traces matching ${query}`, body);
}
