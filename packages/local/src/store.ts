// The in-memory "database": agents, traces and spans per API key, kept as the text the real server
// stores (JSON fields as JSON text, the span error through String()); answers are read from it.
import { randomUUID } from 'node:crypto';
import type { PlanUsage } from './keys.js';
import { inTimeRange, newestFirst } from './order.js';
import { REAL_ROW_LIMIT_BYTES, ROW_LIMIT_BYTES, checkRow } from './row-limit.js';
import { jsonAnswer } from './stored-text.js';
import { compareText, utcMonthWindow } from './time.js';
import type { SpanStatus, TraceStatus } from './validate.js';

export interface StoredSpan {
  id: string;
  traceId: string;
  parentSpanId: string | null;
  name: string;
  status: 'ok' | 'error';
  startedAt: string;
  endedAt: string | null;
  /** The stored JSON text, or null when the field was absent (strict: JSON null is the text "null"). */
  inputText: string | null;
  outputText: string | null;
  /** What GET answers: the stored text parsed, null for no text. */
  input: unknown;
  output: unknown;
  /** As stored and answered (strict: an `error: null` is the string "null"). */
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
  /** The stored JSON text, or null when absent (strict: `metadata: null` is the text "null"). */
  metadataText: string | null;
  /** What GET answers: the stored text parsed. */
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
  /** As it is to be stored (see stored-text.ts). */
  metadataText: string | null;
}

export interface NewSpan {
  name: string;
  status: SpanStatus;
  startedAt: string;
  endedAt: string | null;
  parentSpanId: string | null;
  /** As they are to be stored (see stored-text.ts). */
  inputText: string | null;
  outputText: string | null;
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

export interface StoreOptions {
  /** The real server's row limit, list order and time filters (see server.ts `strict`). */
  strict: boolean;
}

interface SpanRecord extends Omit<StoredSpan, 'input' | 'output'> {
  seq: number;
}

interface TraceRecord extends Omit<StoredTrace, 'spans' | 'metadata'> {
  seq: number;
  spans: SpanRecord[];
}

interface Account {
  agents: Set<string>;
  traces: TraceRecord[];
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
    inputText: span.inputText,
    outputText: span.outputText,
    input: jsonAnswer(span.inputText),
    output: jsonAnswer(span.outputText),
    error: span.error,
    createdAt: span.createdAt,
  };
}

export class Store {
  private readonly all = new Map<string, TraceRecord>();
  private readonly accounts = new Map<string, Account>();
  private seq = 0;
  private readonly strict: boolean;

  constructor(options: StoreOptions) {
    this.strict = options.strict;
  }

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

  /**
   * Creates the agent on first use of its name (per key). Strict: the agent is inserted before the
   * trace, as on the real server, so a trace refused for its size still leaves its new agent behind.
   */
  createTrace(key: string, input: NewTrace, createdAt: number): TraceRecord {
    const id = randomUUID();
    const account = this.account(key);
    if (this.strict) {
      account.agents.add(input.agentName);
      checkRow([input.name, input.metadataText], REAL_ROW_LIMIT_BYTES);
    } else {
      checkRow([id, input.agentName, input.name, input.status, input.startedAt, input.endedAt, input.metadataText], ROW_LIMIT_BYTES);
    }
    const record: TraceRecord = {
      id,
      key,
      agentName: input.agentName,
      name: input.name,
      status: input.status,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      metadataText: input.metadataText,
      createdAt,
      seq: ++this.seq,
      spans: [],
    };
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
    if (this.strict) {
      checkRow([input.name, input.inputText, input.outputText, input.error], REAL_ROW_LIMIT_BYTES);
    } else {
      const { parentSpanId, name, status, startedAt, endedAt, inputText, outputText, error } = input;
      checkRow([id, record.id, parentSpanId, name, status, startedAt, endedAt, inputText, outputText, error], ROW_LIMIT_BYTES);
    }
    const span: SpanRecord = {
      id,
      traceId: record.id,
      parentSpanId: input.parentSpanId,
      name: input.name,
      status: input.status,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
      inputText: input.inputText,
      outputText: input.outputText,
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
   * `after` is a keyset cursor: the traces that sort after the cursor trace, whether or not the
   * cursor itself matches the filters. Strict: the cursor is one more WHERE condition, so `total`
   * counts only what follows it; the route has already refused an unknown cursor. Lenient: `total`
   * ignores the cursor, and an unknown cursor gives an empty page. `limit` never changes `total`.
   */
  list(key: string, query: ListQuery): { total: number; items: TraceRecord[] } {
    const account = this.accounts.get(key);
    if (!account) return { total: 0, items: [] };
    const order = newestFirst(this.strict);
    const inRange = inTimeRange(this.strict);
    const matches = account.traces.filter(
      (trace) =>
        (query.agentName === undefined || trace.agentName === query.agentName) &&
        (query.statuses === undefined || query.statuses.includes(trace.status)) &&
        inRange(trace.startedAt, query.since, query.until),
    );
    matches.sort(order);
    if (query.after === undefined) return { total: matches.length, items: matches.slice(0, query.limit) };
    const cursor = this.find(key, query.after);
    const page = cursor ? matches.filter((trace) => order(trace, cursor) > 0) : [];
    return { total: this.strict ? page.length : matches.length, items: page.slice(0, query.limit) };
  }

  /** Every key's traces in the list's order (newest first), as plain copies: the trace view's list. */
  snapshotNewestFirst(): StoredTrace[] {
    return [...this.all.values()].sort(newestFirst(this.strict)).map((record) => this.snapshotTrace(record));
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
      metadata: jsonAnswer(record.metadataText),
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
