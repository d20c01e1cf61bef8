import { inspect, type InspectOptionsStylized } from 'node:util';
import { backoffMillis } from './nexus/backoff.js';
import { Blocks } from './upload/blocks.js';
import { HttpTransport, hostOf, safeUrl, type HttpResult } from './nexus/http.js';
import { Limiter } from './nexus/limiter.js';
import { NexusClient } from './nexus/client.js';
import { classify } from './nexus/outcome.js';
import { Reporter, type DropReason } from './diag/reporter.js';
import { DeliveryWatch } from './diag/delivery.js';
import { TraceStore } from './assemble/trace-store.js';
import { createGenAiMapper } from './genai/mapper.js';
import { withTraceMetadata } from './map/trace-metadata.js';
import { cleanMetadataValues } from './genai/privacy/redact.js';
import { resolveConfig, secretsOf, type ResolvedConfig } from './config/resolve.js';
import { endIfRunning, runTraceJob, type JobDeps } from './upload/trace-job.js';
import { selectUploadable } from './upload/select.js';
import { ExportResultCode, type ExportResultLike, type ReadableSpanLike } from './otel/types.js';
import type { ReadableLogRecordLike } from './otel/log-types.js';
import { LogIntake } from './logs/log-intake.js';
import type { ExportMode, NexusExporterOptions } from './config/options.js';
import type { HeldSpan, TraceState } from './assemble/trace-state.js';

/** Counters for tests, benchmarks and health checks. */
export interface NexusExporterStats {
  enabled: boolean;
  heldSpans: number;
  heldBytes: number;
  queuedTraces: number;
  activeTraceUploads: number;
  requests: number;
  /** Spans that did not reach Nexus, by reason. */
  dropped: Record<string, number>;
}

/** What became of the spans of one `acceptSpansTracked` call. */
export interface DeliveryReport {
  /** In Nexus, with their trace's final status (or `running` while its root is open). */
  delivered: number;
  /** Dropped for good, by reason (the same reasons as `getStats().dropped`). */
  dropped: Record<string, number>;
  /** Still held when the exporter shut down. */
  left: number;
}

/** One `immediate` export: the spans of its batch still on their way, and what became of the others. */
interface Batch {
  readonly pending: Set<HeldSpan>;
  /** Its traces: done when none has work left, the final status PATCH included. */
  readonly traces: Set<TraceState>;
  readonly dropped: Map<DropReason, number>;
  readonly startedAt: number;
  /** Its spans may be in Nexus already (a replay): each trace and span is looked up before it is created. */
  readonly mayExist?: boolean;
}

/**
 * What the span and log-record exporters share: one client, one store of held traces and index of
 * uploaded ones, one set of limits, one upload queue. Spans (and records, which join their spans)
 * are filed by trace id; a trace is uploaded in the background when its local root has ended (or
 * after `maxTraceWaitMillis`, as `running`). Nothing here waits on the network for its caller.
 */
export class NexusPipeline {
  private readonly reporter = new Reporter();
  private readonly config: ResolvedConfig | undefined;
  private readonly store: TraceStore | undefined;
  private readonly client: NexusClient | undefined;
  private readonly transport: HttpTransport | undefined;
  private readonly deps: JobDeps | undefined;
  private readonly queue = new Set<TraceState>();
  /** Flushes and `immediate` exports waiting: each checks its own condition when work ends. */
  private readonly waiters = new Set<() => void>();
  /** Held spans of `immediate` exports still waiting, by span. */
  private readonly batches = new Map<HeldSpan, Batch>();
  private readonly watch: DeliveryWatch | undefined;
  private active = 0;
  private pauseUntil = 0;
  /** A `Retry-After` from Nexus or a proxy: no trace upload starts before it, flush or not. */
  private holdUntil = 0;
  private deferrals = 0;
  private flushing = 0;
  /** Flushes that also upload traces whose root has not ended (as `running`). */
  private incompleteFlushes = 0;
  private aborted = false;
  /** Shutdown's final flush: traces whose root is still open are ended as `timeout`. */
  private ending = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly stopListeners: Array<() => void> = [];
  /** Exporters sharing this pipeline that have not shut down yet. */
  private users = 0;
  /** Log records into the pipeline; set once a log-record exporter uses it. */
  private logs: LogIntake | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private readonly sweepTimer: NodeJS.Timeout | undefined;

  constructor(options: NexusExporterOptions = {}) {
    // Whichever key was given is never said, in any encoding, even when this one is not used; nor
    // are extra header values or a proxy's password.
    this.reporter.hide(options.apiKey, process.env['NEXUS_API_KEY'], ...secretsOf(options));
    const resolved = resolveConfig(options);
    if (!resolved.ok) {
      this.reporter.once('disabled', 'warn', `disabled: ${resolved.reason}`);
      return;
    }
    const config = resolved.config;
    this.config = config;
    for (const warning of resolved.warnings) this.reporter.once(`config:${warning}`, 'warn', warning);
    this.store = new TraceStore(config, (reason, spans, cause) => this.reporter.drop(reason, spans, cause));
    this.store.onSettled = (held, dropped) => this.settled(held, dropped);
    // 5xx answers are said once they outlast the first retries (8 × retryBaseMillis, 2 s by default).
    const watch = new DeliveryWatch(this.reporter, config.baseUrl, 8 * config.retryBaseMillis, Date.now, config.proxy ? hostOf(config.proxy) : undefined);
    this.watch = watch;
    this.transport = new HttpTransport({
      baseUrl: config.baseUrl,
      authorization: `Bearer ${config.apiKey}`,
      timeoutMillis: config.timeoutMillis,
      maxSockets: config.concurrency,
      observe: (result) => {
        watch.observe(result);
        this.observeRetryAfter(result);
      },
      headers: config.headers,
      ca: config.ca,
      proxy: config.proxy,
    });
    this.client = new NexusClient(this.transport, new Limiter(config.concurrency), config);
    this.client.onLookupExhausted = (agent) =>
      this.reporter.once('lookup-exhausted', 'warn', `a trace of agent ${JSON.stringify(agent.slice(0, 100))} whose creation was not confirmed could not be found among the many traces that started at the same millisecond; it was created again and may appear twice in Nexus.`);
    this.deps = {
      client: this.client,
      store: this.store,
      reporter: this.reporter,
      mapper: withTraceMetadata(
        config.mapper ??
          createGenAiMapper({
            spanFilter: config.spanFilter,
            captureContent: config.captureContent,
            scrubSecrets: config.scrubSecrets,
            foldSpans: config.foldSpans,
            ...(config.redact ? { redact: config.redact } : {}),
            ...(config.prices ? { prices: config.prices } : {}),
          }),
        config.traceMetadata,
        (message) => this.reporter.once('trace-metadata', 'warn', message),
        (extra) => cleanMetadataValues(extra, { scrub: config.scrubSecrets, ...(config.redact ? { redact: config.redact } : {}) }),
      ),
      blocks: new Blocks(),
      config,
      now: Date.now,
      aborted: () => this.aborted,
      forcing: () => this.incompleteFlushes > 0,
      ending: () => this.ending,
    };
    const tick = Math.min(1_000, Math.max(25, Math.floor(Math.min(config.maxTraceWaitMillis / 4, config.logWaitMillis / 2 || Infinity))));
    this.sweepTimer = setInterval(() => this.sweep(), tick);
    this.sweepTimer.unref();
  }

  /** Shutdown has begun: no new exporter may join this pipeline. */
  get stopping(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** Runs `listener` when shutdown begins. */
  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  /** An exporter starts using the pipeline; it shuts down when the last one has. */
  attach(): void {
    this.users += 1;
  }

  get enabled(): boolean {
    return this.store !== undefined;
  }

  /** How exporters built on this pipeline by `createNexusExporters` answer `export()`. */
  get exportMode(): ExportMode {
    return this.config?.exportMode ?? 'background';
  }

  /** A log-record exporter uses the pipeline: finished traces wait `logWaitMillis` for their records. */
  attachLogs(): void {
    if (!this.store || !this.config || this.logs) return;
    this.logs = new LogIntake(this.store, this.reporter, this.config, (trace) => this.enqueueIfReady(trace, Date.now()));
  }

  /** Files log records (message content, feedback, evaluations); never throws, never waits. */
  acceptLogs(records: readonly ReadableLogRecordLike[]): void {
    try {
      if (!this.logs || this.aborted) return;
      this.logs.accept(records, Date.now());
      this.pump();
    } catch (error) {
      this.reporter.once('log-export-error', 'error', `log export failed unexpectedly: ${String(error).slice(0, 300)}`);
    }
  }

  /** Files ended spans; never throws, never waits. */
  acceptSpans(spans: readonly ReadableSpanLike[]): void {
    try {
      if (this.store && !this.aborted) this.accept(spans);
    } catch (error) {
      // Never let a bad span reach the app; what was accepted stays accepted.
      this.reporter.once('export-error', 'error', `export failed unexpectedly: ${String(error).slice(0, 300)}`);
    }
  }

  /**
   * Files the spans as `acceptSpans` does (nothing is forced: a trace goes when its root ends, or as
   * `running` after `maxTraceWaitMillis`) and resolves once every one of them has left the process:
   * delivered with its trace's status, or dropped for good. At shutdown, with what is left. Holds no
   * timer. Never rejects.
   */
  acceptSpansTracked(spans: readonly ReadableSpanLike[], options: { mayExist?: boolean } = {}): Promise<DeliveryReport> {
    const total = Array.isArray(spans) ? spans.length : 0;
    if (!this.store || !this.config || this.aborted) {
      this.acceptSpans(spans); // disabled or shut down: accepted and dropped, said once
      return Promise.resolve({ delivered: 0, dropped: total > 0 ? { [this.aborted ? 'shutdown' : 'disabled']: total } : {}, left: 0 });
    }
    const batch: Batch = { pending: new Set(), traces: new Set(), dropped: new Map(), startedAt: Date.now(), ...(options.mayExist ? { mayExist: true } : {}) };
    try {
      this.accept(spans, batch);
    } catch (error) {
      this.reporter.once('export-error', 'error', `export failed unexpectedly: ${String(error).slice(0, 300)}`);
    }
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.aborted && !this.batchDone(batch)) return;
        this.waiters.delete(check);
        for (const held of batch.pending) this.batches.delete(held);
        const dropped = Object.fromEntries(batch.dropped);
        const droppedCount = [...batch.dropped.values()].reduce((a, b) => a + b, 0);
        resolve({ delivered: Math.max(0, total - droppedCount - batch.pending.size), dropped, left: batch.pending.size });
      };
      this.waiters.add(check);
      check();
    });
  }

  /**
   * `immediate` mode: files the spans, uploads everything held (incomplete traces as `running`, as
   * `forceFlush()` does: at the end of a serverless invocation nothing else will come) and resolves
   * once this batch's spans are in Nexus with their traces' final status, or after
   * `flushTimeoutMillis`: FAILED, naming the cause, when spans of the batch were not delivered.
   * Never rejects.
   */
  async exportSpansAndWait(spans: readonly ReadableSpanLike[]): Promise<ExportResultLike> {
    const config = this.config;
    const store = this.store;
    if (!store || !config) {
      this.acceptSpans(spans); // disabled: accepted and dropped, as in background mode
      return { code: ExportResultCode.SUCCESS };
    }
    const batch: Batch = { pending: new Set(), traces: new Set(), dropped: new Map(), startedAt: Date.now() };
    try {
      if (this.aborted) return { code: ExportResultCode.FAILED, error: new Error('the Nexus exporter is shut down') };
      this.accept(spans, batch);
      const deadline = batch.startedAt + config.flushTimeoutMillis;
      // The SDK's BatchSpanProcessor hands a flush over in several batches, one call after another:
      // let them all be filed before incomplete traces go, or a child of this batch whose parent is
      // in the next one would be posted at the top level.
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.flushing += 1;
      this.incompleteFlushes += 1;
      try {
        for (const trace of store.all()) this.enqueueIfReady(trace, Date.now());
        this.pump();
        await this.waitFor(() => this.batchDone(batch), deadline);
      } finally {
        this.flushing -= 1;
        this.incompleteFlushes -= 1;
      }
      return this.batchResult(batch);
    } catch (error) {
      this.reporter.once('export-error', 'error', `export failed unexpectedly: ${String(error).slice(0, 300)}`);
      return { code: ExportResultCode.FAILED, error: new Error(this.reporter.scrub(`export failed unexpectedly: ${String(error).slice(0, 300)}`)) };
    } finally {
      for (const held of batch.pending) this.batches.delete(held);
    }
  }

  /**
   * Uploads everything held, incomplete traces included (as `running`) unless `incomplete` is false,
   * and waits for it, up to `flushTimeoutMillis`.
   */
  async forceFlush(final = false, incomplete = true): Promise<void> {
    if (!this.store || !this.config) return;
    const deadline = Date.now() + this.config.flushTimeoutMillis;
    this.flushing += 1;
    if (incomplete) this.incompleteFlushes += 1;
    try {
      this.pauseUntil = 0;
      // Only at the end does feedback on a response not seen yet stop waiting: before that, the
      // rated spans may still sit in another processor's queue.
      this.logs?.sweep(Date.now(), final);
      for (const trace of this.store.all()) this.enqueueIfReady(trace, Date.now());
      this.pump();
      await this.waitFor(() => this.isIdle(), deadline);
    } catch (error) {
      this.reporter.once('flush-error', 'error', `forceFlush failed unexpectedly: ${String(error).slice(0, 300)}`);
    } finally {
      this.flushing -= 1;
      if (incomplete) this.incompleteFlushes -= 1;
    }
  }

  /**
   * One exporter is done: flush what is complete; when it was the last user, stop and release
   * sockets and timers. Traces whose root is still open wait for the last user's shutdown: an SDK
   * shuts its span and log exporters down together, and only that final flush may say that the
   * process ended before their root did.
   */
  async release(): Promise<void> {
    this.users -= 1;
    if (this.users > 0) return this.forceFlush(false, false);
    return this.shutdown();
  }

  private shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      for (const listener of this.stopListeners.splice(0)) listener();
      this.endRunningTraces();
      await this.forceFlush(true);
      this.aborted = true;
      this.notify(); // `immediate` exports still waiting answer now
      if (this.sweepTimer) clearInterval(this.sweepTimer);
      if (this.resumeTimer) clearTimeout(this.resumeTimer);
      if (this.store) {
        for (const trace of this.store.all()) {
          if (trace.held.size > 0) this.store.dropHeld(trace, 'shutdown', 'still undelivered when shutdown ended');
        }
      }
      this.transport?.close();
      const summary = this.reporter.summary();
      if (summary) this.reporter.once('summary', 'warn', `spans not delivered to Nexus: ${summary}`);
    })();
    return this.shutdownPromise;
  }

  /**
   * Every trace this process created `running` whose root has not ended gets a `timeout` PATCH in the
   * final flush (those with held spans get it from their upload job): no trace is left running forever.
   */
  private endRunningTraces(): void {
    this.ending = true;
    if (!this.store) return;
    const now = Date.now();
    for (const trace of this.store.all()) {
      if (trace.held.size === 0) endIfRunning(trace, now);
    }
  }

  /** A key-free summary: what `console.log` of an exporter and crash reporters show. */
  describe(): Record<string, unknown> {
    const config = this.config;
    if (!config) return { enabled: false };
    return { enabled: true, baseUrl: safeUrl(config.baseUrl), ...(config.agent ? { agent: config.agent } : {}), stats: this.getStats() };
  }

  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    return `NexusPipeline ${inspect(this.describe(), { ...options, depth: options.depth === null ? null : depth })}`;
  }

  toJSON(): Record<string, unknown> {
    return this.describe();
  }

  getStats(): NexusExporterStats {
    return {
      enabled: this.store !== undefined,
      heldSpans: this.store?.heldSpans ?? 0,
      heldBytes: this.store?.heldBytes ?? 0,
      queuedTraces: this.queue.size,
      activeTraceUploads: this.active,
      requests: this.client?.requests ?? 0,
      dropped: this.reporter.droppedCounts(),
    };
  }

  private accept(spans: readonly ReadableSpanLike[], batch?: Batch): void {
    const store = this.store as TraceStore;
    const now = Date.now();
    const touched = new Set<TraceState>();
    for (const span of Array.isArray(spans) ? spans : []) {
      try {
        const filed = store.file(span, now);
        if ('trace' in filed) {
          touched.add(filed.trace);
          if (batch) {
            batch.pending.add(filed.held);
            batch.traces.add(filed.trace);
            this.batches.set(filed.held, batch);
            if (batch.mayExist) {
              if (filed.trace.nexusTraceId === undefined) filed.trace.createUncertain = true;
              filed.trace.uncertainSpans.add(filed.held.localId);
            }
          }
        } else if (batch) {
          count(batch.dropped, filed.rejected);
        }
      } catch (error) {
        this.reporter.drop('malformed_span', 1, `a span could not be read: ${String(error).slice(0, 200)}`);
        if (batch) count(batch.dropped, 'malformed_span');
      }
    }
    for (const trace of touched) this.enqueueIfReady(trace, now);
    this.pump();
  }

  /** Traces whose root has not come within `maxTraceWaitMillis` go to Nexus as `running`. */
  private sweep(): void {
    try {
      if (!this.store) return;
      const now = Date.now();
      this.logs?.sweep(now);
      for (const trace of this.store.all()) {
        if (trace.held.size > 0 && !trace.scheduled) this.enqueueIfReady(trace, now);
      }
      this.pump();
    } catch (error) {
      this.reporter.once('sweep-error', 'error', `background upload failed unexpectedly: ${String(error).slice(0, 300)}`);
    }
  }

  private enqueueIfReady(trace: TraceState, now: number): void {
    if (trace.scheduled || trace.dropped || !this.isReady(trace, now)) return;
    trace.scheduled = true;
    trace.readyAt ??= now;
    this.queue.add(trace);
  }

  private isReady(trace: TraceState, now: number): boolean {
    const config = this.config as ResolvedConfig;
    if (trace.held.size === 0) return trace.pendingPatch !== undefined;
    if (trace.awaitingParent.size > 0) (this.store as TraceStore).releaseAwaiting(trace, now, trace.forced || this.incompleteFlushes > 0);
    if (trace.nexusTraceId === undefined && !trace.rootSeen && !trace.forced && this.incompleteFlushes === 0) {
      if (now - trace.firstSeen < config.maxTraceWaitMillis) return false;
      trace.forced = true;
    }
    // Log records are batched apart from spans: give them a moment to join their spans.
    if (this.logs && trace.nexusTraceId === undefined && !trace.forced && this.flushing === 0 && now - (trace.rootSeenAt ?? now) < config.logWaitMillis) {
      return false;
    }
    const wasForced = trace.forced;
    if (this.incompleteFlushes > 0) trace.forced = true;
    const ready = selectUploadable(trace, now, config.maxTraceWaitMillis).length > 0 || trace.pendingPatch !== undefined;
    trace.forced = wasForced;
    return ready;
  }

  private pump(): void {
    const config = this.config as ResolvedConfig;
    while (this.active < config.concurrency && this.queue.size > 0) {
      const now = Date.now();
      const until = Math.max(this.pauseUntil, this.holdUntil);
      if (now < until) {
        this.resumeLater(until - now);
        return;
      }
      const trace = this.queue.values().next().value as TraceState;
      this.queue.delete(trace);
      this.active += 1;
      trace.uploading = true;
      runTraceJob(trace, this.deps as JobDeps)
        .catch((error: unknown) => {
          this.reporter.once('job-error', 'error', `upload failed unexpectedly: ${String(error).slice(0, 300)}`);
          return 'done' as const;
        })
        .then((result) => this.finished(trace, result))
        .catch(() => undefined);
    }
    this.notify();
  }

  private finished(trace: TraceState, result: 'done' | 'deferred'): void {
    this.active -= 1;
    trace.uploading = false;
    trace.scheduled = false;
    const now = Date.now();
    if (result === 'deferred' && !trace.dropped && !this.aborted) {
      // Nexus is struggling: back off globally, so an outage is not met with a request storm.
      this.deferrals += 1;
      // backoffMillis caps the pause at 8 s, so a recovered Nexus is tried again soon.
      this.pauseUntil = now + backoffMillis(this.deferrals, (this.config as ResolvedConfig).retryBaseMillis * 4);
      trace.scheduled = true;
      this.queue.add(trace);
    } else {
      if (result === 'done') this.deferrals = 0;
      trace.readyAt = undefined;
      trace.forced = false;
      // Records that arrived while their span was being uploaded become a child span.
      this.logs?.convertLateContent(trace, now);
      if (!this.aborted) this.enqueueIfReady(trace, now);
    }
    this.pump();
  }

  private resumeLater(millis: number): void {
    if (this.resumeTimer) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.pump();
    }, millis);
    this.resumeTimer.unref();
  }

  /** Resolves once `ready()` holds (checked whenever work ends), or at the deadline. */
  private waitFor(ready: () => boolean, deadline: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (this.aborted || ready()) done();
      };
      // Not unref'd: the app awaits this flush (or, for an `immediate` export, the SDK's processor
      // does, with a timer of its own), so the process stays alive until it is done or the deadline
      // passes, even when every request is sleeping between retries (Nexus down) and the exporter's
      // own timers and sockets, all unref'd, would let it exit mid-flush.
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      this.waiters.add(check);
    });
  }

  private isIdle(): boolean {
    return this.active === 0 && this.queue.size === 0;
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  /** A held span left the store: delivered, or dropped for `dropped`. */
  private settled(held: HeldSpan, dropped: DropReason | undefined): void {
    const batch = this.batches.get(held);
    if (!batch) return;
    this.batches.delete(held);
    batch.pending.delete(held);
    if (dropped) count(batch.dropped, dropped);
  }

  private batchDone(batch: Batch): boolean {
    if (batch.pending.size > 0) return false;
    for (const trace of batch.traces) if (trace.scheduled || trace.uploading) return false;
    return true;
  }

  private batchResult(batch: Batch): ExportResultLike {
    const config = this.config as ResolvedConfig;
    const problems: string[] = [];
    const dropped = [...batch.dropped].map(([reason, n]) => `${reason}=${n}`).join(', ');
    if (dropped) problems.push(`spans of this batch were dropped (${dropped})`);
    if (batch.pending.size > 0) {
      problems.push(`${batch.pending.size} span(s) were not in Nexus within flushTimeoutMillis (${config.flushTimeoutMillis} ms); they stay held and are retried`);
    } else if ([...batch.traces].some((trace) => trace.scheduled || trace.uploading)) {
      problems.push(`the final status of a trace was not in Nexus within flushTimeoutMillis (${config.flushTimeoutMillis} ms); it is retried`);
    }
    if (problems.length === 0) return { code: ExportResultCode.SUCCESS };
    const cause = this.watch?.problemSince(batch.startedAt);
    return { code: ExportResultCode.FAILED, error: new Error(this.reporter.scrub(`NexusSpanExporter: ${problems.join('; ')}${cause ? `. Last problem: ${cause}` : ''}`)) };
  }

  /** A 503, or a proxy's 429, that says when to come back: no upload starts before then. */
  private observeRetryAfter(result: HttpResult): void {
    const outcome = classify(result);
    if (outcome.ok || outcome.failure.kind !== 'transient' || !outcome.failure.retryAfterMillis) return;
    this.holdUntil = Math.max(this.holdUntil, Date.now() + outcome.failure.retryAfterMillis);
  }
}

function count(counts: Map<DropReason, number>, reason: DropReason): void {
  counts.set(reason, (counts.get(reason) ?? 0) + 1);
}
