import { inspect, type InspectOptionsStylized } from 'node:util';
import { backoffMillis } from './nexus/backoff.js';
import { Blocks } from './upload/blocks.js';
import { HttpTransport, safeUrl } from './nexus/http.js';
import { Limiter } from './nexus/limiter.js';
import { NexusClient } from './nexus/client.js';
import { Reporter } from './diag/reporter.js';
import { DeliveryWatch } from './diag/delivery.js';
import { TraceStore } from './assemble/trace-store.js';
import { createGenAiMapper } from './genai/mapper.js';
import { withTraceMetadata } from './map/trace-metadata.js';
import { cleanMetadataValues } from './genai/privacy/redact.js';
import { resolveConfig, type ResolvedConfig } from './config/resolve.js';
import { endIfRunning, runTraceJob, type JobDeps } from './upload/trace-job.js';
import { selectUploadable } from './upload/select.js';
import type { ReadableSpanLike } from './otel/types.js';
import type { ReadableLogRecordLike } from './otel/log-types.js';
import { LogIntake } from './logs/log-intake.js';
import type { NexusExporterOptions } from './config/options.js';
import type { TraceState } from './assemble/trace-state.js';

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
  private readonly idleWaiters = new Set<() => void>();
  private active = 0;
  private pauseUntil = 0;
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
    // Whichever key was given is never said, in any encoding, even when this one is not used.
    this.reporter.hide(options.apiKey, process.env['NEXUS_API_KEY']);
    const resolved = resolveConfig(options);
    if (!resolved.ok) {
      this.reporter.once('disabled', 'warn', `disabled: ${resolved.reason}`);
      return;
    }
    const config = resolved.config;
    this.config = config;
    this.store = new TraceStore(config, (reason, spans, cause) => this.reporter.drop(reason, spans, cause));
    // 5xx answers are said once they outlast the first retries (8 × retryBaseMillis, 2 s by default).
    const watch = new DeliveryWatch(this.reporter, config.baseUrl, 8 * config.retryBaseMillis);
    this.transport = new HttpTransport(config.baseUrl, `Bearer ${config.apiKey}`, config.timeoutMillis, config.concurrency, (result) => watch.observe(result));
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
      await this.idle(deadline);
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

  private accept(spans: readonly ReadableSpanLike[]): void {
    const store = this.store as TraceStore;
    const now = Date.now();
    const touched = new Set<TraceState>();
    for (const span of Array.isArray(spans) ? spans : []) {
      try {
        const trace = store.add(span, now);
        if (trace) touched.add(trace);
      } catch (error) {
        this.reporter.drop('malformed_span', 1, `a span could not be read: ${String(error).slice(0, 200)}`);
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
      if (now < this.pauseUntil) {
        this.resumeLater(this.pauseUntil - now);
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
    this.notifyIfIdle();
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

  private idle(deadline: number): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      // Not unref'd: the app awaits this flush, so the process stays alive until it is done or
      // the deadline passes, even when every request is sleeping between retries (Nexus down)
      // and the exporter's own timers and sockets, all unref'd, would let it exit mid-flush.
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      this.idleWaiters.add(done);
    });
  }

  private isIdle(): boolean {
    return this.active === 0 && this.queue.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }
}
