// The in-memory "database": agents, traces and spans per API key, plus the row-size limit.
import { randomUUID } from 'node:crypto';
import type { PlanUsage } from './keys.js';
import { compareInstants, compareText, parseInstant, utcMonthWindow } from './time.js';
import type { SpanStatus, TraceStatus } from './validate.js';

export interface StoredSpan {
  id: string;
  traceId: string;
  parentSpanId: string | null;
  name: string;
  status: 'ok' | 'error';
  startedAt: string;
  endedAt: string | null;
  input: unknown;
  output: unknown;
  error: string | null;
  createdAt: number;
}

export interface StoredTrace {
  id: string;
  key: string;
  agentName: string;
  name: string;
  status: 'running' | 'success' | 'error' | 'timeout';
  startedAt: string;
  endedAt: string | null;
  metadataText: string | null;
  metadata: unknown;
  createdAt: number;
  spans: StoredSpan[];
}

export interface NewTrace {
  agentName: string;
  name: string;
  status: TraceStatus;
  startedAt: string;
  endedAt: string | null;
  /** Any JSON; undefined and null are both stored as no metadata. */
  metadata: unknown;
}

export interface NewSpan {
  name: string;
  status: SpanStatus;
  startedAt: string;
  endedAt: string | null;
  parentSpanId: string | null;
  input: unknown;
  output: unknown;
  error: string | null;
}

export interface ListQuery {
  agentName?: string;
  statuses?: readonly TraceStatus[];
  since?: string;
  until?: string;
  limit: number;
  after?: string;
}

/**
 * The hosted database refuses rows from about 2.2 MB (1–2 MB inputs are stored). We refuse a row
 * whose text columns exceed 2 MiB (assumption: the exact threshold is not documented).
 */
export const ROW_LIMIT_BYTES = 2 * 1024 * 1024;

export class RowTooLargeError extends Error {
  constructor(bytes: number) {
    super(`row of ${bytes} bytes exceeds ${ROW_LIMIT_BYTES}`);
    this.name = 'RowTooLargeError';
  }
}

interface SpanRecord extends StoredSpan {
  seq: number;
}

interface TraceRecord extends Omit<StoredTrace, 'spans'> {
  seq: number;
  spans: SpanRecord[];
}

interface Account {
  agents: Set<string>;
  traces: TraceRecord[];
}

function rowBytes(columns: readonly (string | null)[]): number {
  let total = 0;
  for (const column of columns) if (column !== null) total += Buffer.byteLength(column, 'utf8');
  return total;
}

function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function checkRow(columns: readonly (string | null)[]): void {
  const bytes = rowBytes(columns);
  if (bytes > ROW_LIMIT_BYTES) throw new RowTooLargeError(bytes);
}

/** Newest first by started_at as an instant; equal instants put the later-created trace first. */
function newestFirst(a: TraceRecord, b: TraceRecord): number {
  const ia = parseInstant(a.startedAt);
  const ib = parseInstant(b.startedAt);
  if (ia && ib) {
    const byTime = compareInstants(ib, ia);
    if (byTime !== 0) return byTime;
  } else if (ia || ib) {
    return ia ? -1 : 1; // unparseable dates (regex-valid, e.g. month 13) sort as oldest
  }
  return b.seq - a.seq;
}

/** As the API orders spans: started_at compared as text, then creation order. */
function spanOrder(a: SpanRecord, b: SpanRecord): number {
  return compareText(a.startedAt, b.startedAt) || a.seq - b.seq;
}

function snapshotSpan(span: SpanRecord): StoredSpan {
  return {
    id: span.id,
    traceId: span.traceId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    status: span.status,
    startedAt: span.startedAt,
    endedAt: span.endedAt,
    input: structuredClone(span.input),
    output: structuredClone(span.output),
    error: span.error,
    createdAt: span.createdAt,
  };
}

export class Store {
  private readonly all = new Map<string, TraceRecord>();
  private readonly accounts = new Map<string, Account>();
  private seq = 0;

  private account(key: string): Account {
    let account = this.accounts.get(key);
    if (!account) {
      account = { agents: new Set(), traces: [] };
      this.accounts.set(key, account);
    }
    return account;
  }

  usage(key: string, agentName: string, now: Date): PlanUsage {
    const account = this.accounts.get(key);
    if (!account) return { agentExists: false, agentCount: 0, tracesThisMonth: 0 };
    const [from, to] = utcMonthWindow(now);
    let tracesThisMonth = 0;
    for (const trace of account.traces) if (trace.createdAt >= from && trace.createdAt < to) tracesThisMonth++;
    return { agentExists: account.agents.has(agentName), agentCount: account.agents.size, tracesThisMonth };
  }

  /** Creates the agent on first use of its name (per key). */
  createTrace(key: string, input: NewTrace, createdAt: number): TraceRecord {
    const id = randomUUID();
    const metadataText = jsonText(input.metadata);
    checkRow([id, input.agentName, input.name, input.status, input.startedAt, input.endedAt, metadataText]);
    const record: TraceRecord = {
      id,
      key,
      agentName: input.agentName,
      name: input.name,
      status: input.status,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      metadataText,
      metadata: metadataText === null ? null : (JSON.parse(metadataText) as unknown),
      createdAt,
      seq: ++this.seq,
      spans: [],
    };
    const account = this.account(key);
    account.agents.add(input.agentName);
    account.traces.push(record);
    this.all.set(id, record);
    return record;
  }

  /** A key only ever sees its own traces: another key's id behaves like an unknown one. */
  find(key: string, id: string): TraceRecord | undefined {
    const record = this.all.get(id);
    return record && record.key === key ? record : undefined;
  }

  patchTrace(record: TraceRecord, changes: { status?: TraceStatus; endedAt?: string }): void {
    if (changes.status !== undefined) record.status = changes.status;
    if (changes.endedAt !== undefined) record.endedAt = changes.endedAt;
  }

  /** `id` lets the OTLP route give spans their ids before inserting them (children may come first). */
  addSpan(record: TraceRecord, input: NewSpan, createdAt: number, id: string = randomUUID()): SpanRecord {
    checkRow([
      id,
      record.id,
      input.parentSpanId,
      input.name,
      input.status,
      input.startedAt,
      input.endedAt,
      jsonText(input.input),
      jsonText(input.output),
      input.error,
    ]);
    const span: SpanRecord = {
      id,
      traceId: record.id,
      parentSpanId: input.parentSpanId,
      name: input.name,
      status: input.status,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      input: input.input === undefined ? null : input.input,
      output: input.output === undefined ? null : input.output,
      error: input.error,
      createdAt,
      seq: ++this.seq,
    };
    record.spans.push(span);
    return span;
  }

  orderedSpans(record: TraceRecord): SpanRecord[] {
    return [...record.spans].sort(spanOrder);
  }

  /**
   * `total` counts every match before `after`/`limit`. `after` is a keyset cursor: traces that sort
   * after the cursor trace, whether or not the cursor itself matches the filters; an unknown cursor
   * gives an empty page (assumption, like `WHERE … < (SELECT … WHERE id = ?)` yielding nothing).
   */
  list(key: string, query: ListQuery): { total: number; items: TraceRecord[] } {
    const account = this.accounts.get(key);
    if (!account) return { total: 0, items: [] };
    const since = query.since === undefined ? null : parseInstant(query.since);
    const until = query.until === undefined ? null : parseInstant(query.until);
    const matches = account.traces.filter((trace) => {
      if (query.agentName !== undefined && trace.agentName !== query.agentName) return false;
      if (query.statuses && !query.statuses.includes(trace.status)) return false;
      if (query.since !== undefined || query.until !== undefined) {
        const started = parseInstant(trace.startedAt);
        if (!started) return false;
        if (since && compareInstants(started, since) < 0) return false;
        if (until && compareInstants(started, until) > 0) return false;
      }
      return true;
    });
    matches.sort(newestFirst);
    let page = matches;
    if (query.after !== undefined) {
      const cursor = this.find(key, query.after);
      page = cursor ? matches.filter((trace) => newestFirst(trace, cursor) > 0) : [];
    }
    return { total: matches.length, items: page.slice(0, query.limit) };
  }

  /** Every key's traces in creation order, as plain copies. */
  snapshot(): StoredTrace[] {
    return [...this.all.values()].map((record) => this.snapshotTrace(record));
  }

  snapshotById(id: string): StoredTrace | undefined {
    const record = this.all.get(id);
    return record ? this.snapshotTrace(record) : undefined;
  }

  private snapshotTrace(record: TraceRecord): StoredTrace {
    return {
      id: record.id,
      key: record.key,
      agentName: record.agentName,
      name: record.name,
      status: record.status,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      metadataText: record.metadataText,
      metadata: structuredClone(record.metadata),
      createdAt: record.createdAt,
      spans: this.orderedSpans(record).map(snapshotSpan),
    };
  }

  counts(): { traces: number; spans: number } {
    let spans = 0;
    for (const record of this.all.values()) spans += record.spans.length;
    return { traces: this.all.size, spans };
  }

  clear(): void {
    this.all.clear();
    this.accounts.clear();
  }
}

export type { TraceRecord, SpanRecord };
