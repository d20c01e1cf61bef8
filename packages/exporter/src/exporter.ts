import { NexusPipeline, type NexusExporterStats } from './pipeline.js';
import { ExportResultCode, type ExportResultLike, type ReadableSpanLike } from './otel/types.js';
import type { NexusExporterOptions } from './config/options.js';

/**
 * An OpenTelemetry `SpanExporter` that turns each OTel trace into one Nexus trace.
 *
 * `export()` only files spans by trace id and answers at once: waiting on the network there would
 * make the SDK's BatchSpanProcessor, which exports one batch at a time, as slow as Nexus. Delivery
 * problems are reported through the OTel diag logger; `forceFlush()` waits for delivery.
 */
export class NexusSpanExporter {
  private readonly pipeline: NexusPipeline;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;

  /** Options, or the pipeline of `createNexusExporters` to share with a `NexusLogRecordExporter`. */
  constructor(options: NexusExporterOptions | NexusPipeline = {}) {
    this.pipeline = options instanceof NexusPipeline ? options : new NexusPipeline(options);
    this.pipeline.attach();
  }

  export(spans: ReadableSpanLike[], resultCallback: (result: ExportResultLike) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('NexusSpanExporter is shut down') });
      return;
    }
    this.pipeline.acceptSpans(Array.isArray(spans) ? spans : []);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Uploads everything held, incomplete traces included (as `running`), and waits for it, up to `flushTimeoutMillis`. */
  forceFlush(): Promise<void> {
    return this.pipeline.forceFlush();
  }

  /** Refuses new spans, flushes, and releases sockets and timers once no exporter uses the pipeline. */
  shutdown(): Promise<void> {
    this.stopped = true;
    this.shutdownPromise ??= this.pipeline.release();
    return this.shutdownPromise;
  }

  getStats(): NexusExporterStats {
    return this.pipeline.getStats();
  }
}
