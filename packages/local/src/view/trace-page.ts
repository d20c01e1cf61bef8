// GET /view/traces/:id: the trace's header and metadata, then its span tree as a waterfall, each
// span with its bar on the trace's time axis, its status and error, and its input and output.
import type { Reply } from '../reply.js';
import type { StoredSpan, StoredTrace } from '../store.js';
import { durationBetween, formatCount, formatDuration, formatTime, metadataText, prettyValue, previewValue } from './format.js';
import { html, type Html } from './html.js';
import { page } from './layout.js';
import { barOf, spanRows, timeAxis, type SpanRow, type TimeAxis } from './span-tree.js';

const MAX_INDENT = 14; // deeper spans stop moving right, so the names stay readable

function fact(label: string, value: Html | string, wide = false): Html {
  return html`<div class="fact${wide ? ' wide' : ''}"><div class="label">${label}</div><div class="value">${value}</div></div>`;
}

/** Which account sent it, without printing a whole API key on the page. */
function maskedKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 4)}…${key.slice(-4)}` : key;
}

function header(trace: StoredTrace): Html {
  const errors = trace.spans.filter((span) => span.status === 'error').length;
  const spans = `${formatCount(trace.spans.length)}${errors > 0 ? ` (${formatCount(errors)} error${errors === 1 ? '' : 's'})` : ''}`;
  return html`<div class="crumbs"><a href="/view">Traces</a> / <span class="mono">${trace.id}</span></div>
<div class="page-head"><h1>${trace.name}</h1><span class="badge ${trace.status}">${trace.status}</span></div>
<div class="facts">
  ${fact('Agent', trace.agentName, true)}
  ${fact('Started (UTC)', formatTime(trace.startedAt), true)}
  ${fact('Ended (UTC)', trace.endedAt === null ? 'running' : formatTime(trace.endedAt), true)}
  ${fact('Duration', trace.endedAt === null ? '—' : formatDuration(durationBetween(trace.startedAt, trace.endedAt)))}
  ${fact('Spans', spans)}
  ${fact('API key', html`<span class="mono">${maskedKey(trace.key)}</span>`)}
</div>`;
}

function metadataSection(metadata: unknown): Html {
  let content: Html;
  if (metadata === null || metadata === undefined) {
    content = html`<div class="empty">No metadata</div>`;
  } else if (typeof metadata === 'object' && !Array.isArray(metadata)) {
    const entries = Object.entries(metadata as Record<string, unknown>);
    content = html`<table class="meta"><tbody>${entries.map(
      ([key, value]) => html`<tr><td class="key" title="${key}">${key}</td><td class="val">${metadataText(value)}</td></tr>`,
    )}</tbody></table>`;
  } else {
    content = html`<table class="meta single"><tbody><tr><td class="val">${prettyValue(metadata)}</td></tr></tbody></table>`;
  }
  return html`<section class="panel section"><div class="section-head"><h2>Metadata</h2></div>${content}</section>`;
}

/** `execute_tool code_interpreter` → the GenAI operation muted, its subject in full. */
function spanName(name: string): Html {
  const match = /^([a-z]+_[a-z_]+|chat|embeddings) (.+)$/.exec(name);
  return match ? html`<span class="op">${match[1]}</span> ${match[2]}` : html`${name}`;
}

function barKind(span: StoredSpan): string {
  if (span.status === 'error') return 'error';
  if (span.name.startsWith('execute_tool')) return 'tool';
  if (/^(chat|text_completion|generate_content|embeddings)\b/.test(span.name)) return 'model';
  return '';
}

/**
 * Shown whenever a text is stored, as the real share page does: in strict mode an `input: null`
 * is stored as the text "null" and shows as null.
 */
function io(label: string, stored: string | null, value: unknown): Html | null {
  if (!stored) return null;
  const text = prettyValue(value) ?? 'null';
  return html`<details class="io"><summary><span class="io-label">${label}</span><span class="io-preview">${previewValue(value)}</span></summary><pre>${text}</pre></details>`;
}

function spanItem(axis: TimeAxis | null, { span, depth, orphan }: SpanRow): Html {
  const bar = axis ? barOf(axis, span) : null;
  const duration = span.endedAt === null ? null : durationBetween(span.startedAt, span.endedAt);
  const indent = Math.min(depth, MAX_INDENT);
  const when = bar ? `starts +${formatDuration(bar.offsetMs)}` : `starts ${span.startedAt}`;
  const body = [
    // Any non-empty text, as on the share page: an `error: null` stored as "null" shows "null".
    span.error ? html`<div class="err-text">${span.error}</div>` : null,
    io('Input', span.inputText, span.input),
    io('Output', span.outputText, span.output),
  ].filter((part): part is Html => part !== null);
  return html`<li class="span ${span.status}" id="span-${span.id}" style="--depth:${indent}">
  <div class="span-row">
    <div class="label" title="${span.name}">${depth > 0 ? html`<span class="guide">└</span>` : null}<span class="dot ${span.status}" title="${span.status}"></span><span class="span-name">${spanName(span.name)}</span>${orphan ? html`<span class="tag" title="parent_span_id ${span.parentSpanId ?? ''} is not a span of this trace">orphan</span>` : null}</div>
    <div class="track">${bar ? html`<div class="bar ${barKind(span)}${bar.open ? ' open' : ''}" style="left:${bar.left}%;width:${bar.width}%" title="${when}, ${bar.open ? 'not ended' : formatDuration(duration)}"></div>` : null}</div>
    <div class="dur">${span.endedAt === null ? 'running' : formatDuration(duration)}<small>${bar ? `+${formatDuration(bar.offsetMs)}` : ''}</small></div>
  </div>
  ${body.length > 0 ? html`<div class="span-body">${body}</div>` : null}
</li>`;
}

function axisRow(axis: TimeAxis | null): Html {
  const range = axis ? axis.end - axis.start : 0;
  const ticks = axis ? [0, 0.25, 0.5, 0.75, 1].map((f) => html`<span class="tick" style="left:${f * 100}%">${formatDuration(range * f)}</span>`) : [];
  return html`<div class="axis"><span>Span</span><div class="ticks">${ticks}</div><span class="right">Duration</span></div>`;
}

function spansSection(trace: StoredTrace): Html {
  const axis = timeAxis(trace);
  const rows = spanRows(trace.spans);
  const content =
    rows.length === 0
      ? html`<div class="empty">No spans</div>`
      : html`${axisRow(axis)}<ol class="tree">${rows.map((row) => spanItem(axis, row))}</ol>`;
  return html`<section class="panel section"><div class="section-head"><h2>Spans</h2><span class="count">${formatCount(rows.length)}</span></div>${content}</section>`;
}

export function tracePage(trace: StoredTrace): Reply {
  const body = html`${header(trace)}
${metadataSection(trace.metadata)}
${spansSection(trace)}`;
  return page(200, trace.name, body);
}
