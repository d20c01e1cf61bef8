import { isRetryable, type Cancelled, type NexusClient } from '../nexus/client.js';
import { selectUploadable, viewOf } from './select.js';
import { agentLimitKey, type Blocks } from './blocks.js';
import { spanBody } from './span-body.js';
import type { HeldRecord, TraceState } from '../assemble/trace-state.js';
import type { TraceStore } from '../assemble/trace-store.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { DropReason, Reporter } from '../diag/reporter.js';
import type { MappedSpan, MappedTrace, TraceMapper } from '../map/types.js';
import type { PatchTraceBody } from '../nexus/api-types.js';
import type { Failure } from '../nexus/outcome.js';

export interface JobDeps {
  client: NexusClient;
  store: TraceStore;
  reporter: Reporter;
  mapper: TraceMapper;
  blocks: Blocks;
  config: ResolvedConfig;
  now: () => number;
  /** Set when shutdown's deadline passed: stop retrying. */
  aborted: () => boolean;
  /** A flush is running: upload incomplete traces and orphans now. */
  forcing: () => boolean;
  /** Shutdown's final flush is running: a trace still without its root will never get it. */
  ending: () => boolean;
}

/** `deferred`: a transient failure outlasted the retries; what is left stays held for a later job. */
export type JobResult = 'done' | 'deferred';

/**
 * One upload pass over a trace: create the Nexus trace if it is not there yet (`running`, with its
 * final metadata), then its spans parents-first, siblings concurrently, then a PATCH with the final
 * status and end once every span is in. Every failure is settled here; nothing is thrown.
 */
export async function runTraceJob(trace: TraceState, deps: JobDeps): Promise<JobResult> {
  try {
    return await uploadOnce(trace, deps);
  } finally {
    trace.inFlight.clear();
  }
}

async function uploadOnce(trace: TraceState, deps: JobDeps): Promise<JobResult> {
  const { store, reporter, config } = deps;
  const now = deps.now();
  const cancelled: Cancelled = () => trace.dropped || deps.aborted();
  if (deps.forcing()) trace.forced = true;

  if (deps.blocks.authBlocked(now)) {
    store.dropHeld(trace, 'unauthorized', 'Nexus refused the API key');
    return 'done';
  }
  if (trace.readyAt !== undefined && now - trace.readyAt > config.deliveryTimeoutMillis) {
    store.dropHeld(trace, 'delivery_timeout', `not delivered within deliveryTimeoutMillis (${config.deliveryTimeoutMillis} ms)`);
    return 'done';
  }

  const chosen = selectUploadable(trace, now, config.maxTraceWaitMillis);
  // On their way to Nexus: a cap that evicts this trace meanwhile takes only what came after them.
  for (const held of chosen) trace.inFlight.add(held.localId);
  // The records joined now; others may arrive while this job runs and must not be released with them.
  const records = new Map<string, HeldRecord[]>();
  for (const held of chosen) {
    const list = trace.records.get(held.localId);
    if (list) records.set(held.localId, [...list]);
  }
  const release = (localId: string, dropped?: DropReason): void => {
    store.release(trace, localId, dropped);
    const done = records.get(localId);
    if (done) store.releaseRecords(trace, localId, done);
  };
  let mapped: MappedTrace | undefined;
  if (chosen.length > 0) {
    try {
      const recordsBySpan = new Map([...records].map(([id, list]) => [id, list.map((held) => held.record)]));
      mapped = deps.mapper.mapTrace(chosen.map(viewOf), { maxFieldBytes: config.maxFieldBytes, records: recordsBySpan });
    } catch (error) {
      for (const held of chosen) release(held.localId, 'malformed_span');
      reporter.drop('malformed_span', chosen.length, `the mapper failed on trace ${trace.traceId}: ${String(error).slice(0, 200)}`);
      return 'done';
    }
    for (const warning of mapped.warnings ?? []) reporter.once(`mapping:${warning}`, 'warn', warning);
  }

  // The Nexus agent of the trace: limits of the free plan are per agent name.
  const agent = config.agent ?? mapped?.header.serviceName ?? 'unknown_service';
  if (config.agent === undefined && agent.startsWith('unknown_service')) {
    // The SDK's default resource: every trace of every such app would land under one agent, silently.
    reporter.once('unknown-service', 'warn', `traces go to the Nexus agent ${JSON.stringify(agent.slice(0, 100))}: the app sets no service name. Name it with NEXUS_AGENT or the agent option, or a service.name on the provider's resource (OTEL_SERVICE_NAME is read by NodeSDK and the register entry, not by a bare NodeTracerProvider).`);
  }
  if (mapped && trace.nexusTraceId === undefined) {
    const created = await createTrace(trace, mapped, agent, deps, cancelled);
    if (created !== 'created') return created;
  }
  // The final status goes last, after the spans: a trace cut short reads `running`, not `success`.
  if (mapped && mapped.header.status !== 'running') queuePatch(trace, mapped);
  if (deps.ending()) endIfRunning(trace, now);

  let outcome: JobResult = 'done';
  if (mapped && trace.nexusTraceId !== undefined) {
    const rejected = new Map<string, DropReason>();
    const failedSources = await uploadSpans(trace, mapped.spans, agent, deps, cancelled, rejected);
    if (failedSources === 'gone') return 'done';
    if (mapped.folded) settleFolded(trace, mapped, failedSources, rejected, deps.reporter);
    for (const held of chosen) {
      if (!failedSources.has(held.localId)) release(held.localId, rejected.get(held.localId));
    }
    if (failedSources.size > 0) outcome = 'deferred';
  }

  if (outcome === 'done' && trace.pendingPatch && trace.nexusTraceId !== undefined) {
    const result = await deps.client.patchTrace(trace.nexusTraceId, trace.pendingPatch, cancelled);
    if (result.ok) {
      trace.sentStatus = trace.pendingPatch.status ?? trace.sentStatus;
      trace.sentEndedAt = trace.pendingPatch.ended_at ?? trace.sentEndedAt;
      trace.pendingPatch = undefined;
    } else if (isRetryable(result.failure)) {
      outcome = 'deferred';
    } else {
      settleFailure(result.failure, deps, 'a trace update', agent);
      trace.pendingPatch = undefined;
    }
  }
  return outcome;
}

async function createTrace(trace: TraceState, mapped: MappedTrace, agent: string, deps: JobDeps, cancelled: Cancelled): Promise<'created' | JobResult> {
  const { store, blocks, reporter } = deps;
  const limit = blocks.limitBlocked(deps.now(), agent);
  if (limit) {
    store.dropHeld(trace, limit, 'Nexus refuses new traces on this plan until the limit lifts');
    return 'done';
  }
  const { header } = mapped;
  // Created `running`, whatever the outcome: an upload cut short (exit, kill, a flush deadline) must
  // not leave a finished-looking trace with half its spans. Metadata cannot change later, so it is
  // final now; alerts fire on the PATCH and quote its `error`.
  const metadata = deps.ending() && header.status === 'running' ? { ...header.metadata, error: PROCESS_ENDED } : header.metadata;
  const body = { agent_id: agent, name: header.name, status: 'running' as const, started_at: header.startedAt, metadata };
  const result = await deps.client.createTrace(body, trace.traceId, trace.createUncertain, cancelled);
  if (result.ok) {
    reporter.forget(...blocks.lifted(agent));
    trace.nexusTraceId = result.value;
    trace.createUncertain = false;
    trace.sentStatus = 'running';
    trace.sentEndedAt = null;
    return 'created';
  }
  if (isRetryable(result.failure)) {
    if (trace.dropped) return 'done';
    trace.createUncertain = trace.createUncertain || result.failure.kind === 'unknown';
    return 'deferred';
  }
  settleFailure(result.failure, deps, 'a trace', agent);
  store.dropHeld(trace, dropReasonOf(result.failure), 'refused by Nexus, as said above');
  return 'done';
}

/**
 * The process is ending and the trace's root never ended here: it never will. `timeout` is the honest
 * end (the outcome is unknown), rather than a trace left `running` forever.
 */
export function endIfRunning(trace: TraceState, now: number): void {
  if (trace.nexusTraceId === undefined && trace.held.size === 0) return;
  if ((trace.pendingPatch?.status ?? trace.sentStatus ?? 'running') !== 'running') return;
  trace.pendingPatch = { ...trace.pendingPatch, status: 'timeout', ended_at: trace.pendingPatch?.ended_at ?? new Date(now).toISOString() };
}

/** The trace's final status and end, if they differ from what Nexus has. */
function queuePatch(trace: TraceState, mapped: MappedTrace): void {
  const { status, endedAt } = mapped.header;
  const patch: PatchTraceBody = { ...trace.pendingPatch };
  const current = patch.status ?? trace.sentStatus;
  if (current === 'running' || (status === 'error' && current !== 'error')) patch.status = status;
  const lastEnd = patch.ended_at ?? trace.sentEndedAt;
  if (endedAt && (!lastEnd || endedAt > lastEnd)) patch.ended_at = endedAt;
  if (patch.status !== undefined || patch.ended_at !== undefined) trace.pendingPatch = patch;
}

/**
 * Posts spans parents-first: each span starts as soon as its parent has its Nexus id, so a trace
 * costs one round trip per level. Returns the local ids of held spans that must be retried later,
 * or 'gone' when the trace no longer exists in Nexus.
 */
async function uploadSpans(
  trace: TraceState,
  spans: MappedSpan[],
  agent: string,
  deps: JobDeps,
  cancelled: Cancelled,
  /** Filled with the held spans Nexus refused for good (by source id), and why. */
  rejected: Map<string, DropReason>,
): Promise<Set<string> | 'gone'> {
  const { client, store } = deps;
  const traceId = trace.nexusTraceId as string;
  const todo = uniqueIds(spans).filter((span) => !trace.nexusSpanIds.has(span.localId));
  const inBatch = new Set(todo.map((span) => span.localId));
  const children = new Map<string, MappedSpan[]>();
  const starters: Array<[MappedSpan, string | null]> = [];
  for (const span of todo) {
    const parent = span.parentLocalId;
    if (parent !== null && inBatch.has(parent) && parent !== span.localId) {
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    } else {
      starters.push([span, parent === null ? null : (trace.nexusSpanIds.get(parent) ?? null)]);
    }
  }

  const failedSources = new Set<string>();
  let gone: 'trace_not_found' | 'unauthorized' | undefined;
  const claimed = (): ReadonlySet<string> => new Set(trace.nexusSpanIds.values());

  const post = async (span: MappedSpan, nexusParentId: string | null): Promise<void> => {
    if (gone || cancelled()) {
      markFailed(span);
      return;
    }
    const body = spanBody(span, nexusParentId, deps.config.maxSpanBytes);
    const uncertain = trace.uncertainSpans.has(span.localId);
    let result = await client.createSpan(traceId, body, claimed(), uncertain, cancelled, () => jsonBytes(body) > SUSPECT_BODY_BYTES);
    if (!result.ok && result.failure.kind === 'body_rejected') {
      // The server cannot store this row: cut it down once; if even that fails, it is this span's problem.
      const smaller = spanBody(span, nexusParentId, SHRUNK_SPAN_BYTES);
      deps.reporter.once('body-rejected', 'warn', `Nexus answered ${result.failure.message} twice to a span of ${jsonBytes(body)} bytes; it is sent again cut to ${SHRUNK_SPAN_BYTES} bytes (lower maxSpanBytes / NEXUS_MAX_SPAN_BYTES to avoid this).`);
      result = await client.createSpan(traceId, smaller, claimed(), false, cancelled, () => true);
    }
    let childParent: string | null = nexusParentId;
    if (result.ok) {
      trace.nexusSpanIds.set(span.localId, result.value);
      trace.uncertainSpans.delete(span.localId);
      childParent = result.value;
    } else if (isRetryable(result.failure)) {
      if (result.failure.kind === 'unknown') trace.uncertainSpans.add(span.localId);
      markFailed(span);
      return;
    } else if (result.failure.kind === 'not_found') {
      gone = 'trace_not_found';
      return;
    } else if (result.failure.kind === 'body_rejected') {
      rejected.set(span.sourceId, 'span_rejected');
      deps.reporter.drop('span_rejected', 1, `Nexus answered ${result.failure.message} to the span even cut to ${SHRUNK_SPAN_BYTES} bytes`);
    } else {
      settleFailure(result.failure, deps, 'a span', agent);
      rejected.set(span.sourceId, dropReasonOf(result.failure));
      deps.reporter.drop(dropReasonOf(result.failure), 1, 'refused by Nexus, as said above');
      if (result.failure.kind === 'unauthorized') {
        gone = 'unauthorized';
        return;
      }
      // The span is lost, not its children: they nest under its parent instead.
    }
    await Promise.all((children.get(span.localId) ?? []).map((child) => post(child, childParent)));
  };

  const markFailed = (span: MappedSpan): void => {
    failedSources.add(span.sourceId);
    for (const child of children.get(span.localId) ?? []) markFailed(child);
  };

  await Promise.all(starters.map(([span, parent]) => post(span, parent)));
  if (gone) {
    const count = trace.held.size;
    store.forget(trace, gone);
    deps.reporter.drop(gone, count, gone === 'unauthorized' ? 'Nexus refused the API key' : 'the trace no longer exists in Nexus');
    return 'gone';
  }
  return failedSources;
}

/**
 * A folded span shares the fate of the span it was folded into. In Nexus: its local id stands for
 * that Nexus span (children arriving later nest under it) and it is released as delivered. Not
 * there yet: it stays held and is folded again on the retry. Refused for good: dropped for the
 * same reason.
 */
function settleFolded(trace: TraceState, mapped: MappedTrace, failedSources: Set<string>, rejected: Map<string, DropReason>, reporter: Reporter): void {
  const sourceOf = new Map(mapped.spans.map((span) => [span.localId, span.sourceId]));
  for (const fold of mapped.folded ?? []) {
    const nexusId = trace.nexusSpanIds.get(fold.intoLocalId);
    const into = sourceOf.get(fold.intoLocalId) ?? fold.intoLocalId;
    const refused = rejected.get(into);
    if (nexusId !== undefined) {
      trace.nexusSpanIds.set(fold.localId, nexusId);
    } else if (refused !== undefined && !failedSources.has(into)) {
      rejected.set(fold.sourceId, refused);
      reporter.count(refused, 1);
    } else {
      failedSources.add(fold.sourceId);
    }
  }
}

/** What the trace's metadata says when the process ends before the trace's root span did. */
export const PROCESS_ENDED = 'the process ended before the root span of this trace did (exporter shut down with the root still open)';

/** A span body this large that keeps getting 5xx is suspected, not the server. */
const SUSPECT_BODY_BYTES = 64 * 1024;
/** What a suspected body is cut to for its one more try. */
const SHRUNK_SPAN_BYTES = 16 * 1024;

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** A mapper must give each span a unique local id; repeated ones are suffixed rather than merged. */
function uniqueIds(spans: MappedSpan[]): MappedSpan[] {
  const seen = new Set<string>();
  return spans.map((span) => {
    let id = span.localId;
    for (let n = 2; seen.has(id); n += 1) id = `${span.localId}~${n}`;
    seen.add(id);
    return id === span.localId ? span : { ...span, localId: id };
  });
}

function dropReasonOf(failure: Failure): 'invalid' | 'unauthorized' | 'agent_limit' | 'monthly_limit' | 'trace_not_found' {
  switch (failure.kind) {
    case 'unauthorized':
    case 'agent_limit':
    case 'monthly_limit':
      return failure.kind;
    case 'not_found':
      return 'trace_not_found';
    default:
      return 'invalid';
  }
}

/** Says a permanent failure once per distinct cause, and sets the blocks it implies. */
function settleFailure(failure: Failure, deps: JobDeps, what: string, agent: string): void {
  const { reporter, blocks, config } = deps;
  const now = deps.now();
  switch (failure.kind) {
    case 'unauthorized':
      blocks.blockAuth(now, config.authRetryMillis);
      reporter.once('401', 'error', `Nexus refused the API key (${failure.message}). Check NEXUS_API_KEY; nothing is sent for ${Math.round(config.authRetryMillis / 1000)} s at a time until it is accepted.`);
      return;
    case 'agent_limit':
      // The free plan refuses a second agent name, not the first: only this agent's traces wait.
      blocks.blockLimit('agent_limit', now, config.limitRetryMillis, agent);
      reporter.once(agentLimitKey(agent), 'error', `Nexus refused a new trace of agent ${JSON.stringify(agent.slice(0, 100))} (${failure.message}). Use one agent name (NEXUS_AGENT) or upgrade the plan; no trace of this agent is created for ${formatMinutes(config.limitRetryMillis)}.`);
      return;
    case 'monthly_limit':
      blocks.blockLimit('monthly_limit', now, config.limitRetryMillis, agent);
      reporter.once('429', 'error', `Nexus refused a new trace (${failure.message}). The monthly trace limit of the plan is reached: upgrade, or traces resume next month.`);
      return;
    case 'invalid':
      reporter.once(`400:${failure.message}`, 'warn', `Nexus rejected ${what}: ${failure.message}. It was dropped; this is a bug in nexus-otel's mapping worth reporting.`);
      return;
    default:
      reporter.once(`other:${failure.message}`, 'warn', `Nexus rejected ${what}: ${failure.message}. It was dropped.`);
  }
}

/** `15 min`, or `1.5 s` for short test settings (which would otherwise read `0 min`). */
function formatMinutes(millis: number): string {
  return millis >= 60_000 ? `${Math.round(millis / 60_000)} min` : `${Math.round(millis / 100) / 10} s`;
}
