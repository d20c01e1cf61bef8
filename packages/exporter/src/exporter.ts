import { PipelineExporter } from './pipeline-exporter.js';
import type { NexusExporterOptions } from './config/options.js';
import type { DeliveryReport, NexusPipeline } from './pipeline.js';
import type { ExportResultLike, ReadableSpanLike } from './otel/types.js';

/**
 * An OpenTelemetry `SpanExporter` that turns each OTel trace into one Nexus trace.
 *
 * `export()` only files spans by trace id and answers at once: waiting on the network there would
 * make the SDK's BatchSpanProcessor, which exports one batch at a time, as slow as Nexus. Delivery
 * problems are reported through the OTel diag logger; `forceFlush()` waits for delivery. With
 * `exportMode: 'immediate'` (serverless), `export()` answers once the batch is in Nexus instead.
 */
export class NexusSpanExporter extends PipelineExporter<ReadableSpanLike> {
  /** Options, or the pipeline of `createNexusExporters` to share with a `NexusLogRecordExporter`. */
  constructor(options: NexusExporterOptions | NexusPipeline = {}) {
    super(options);
  }

  protected accept(spans: readonly ReadableSpanLike[]): void {
    this.pipeline.acceptSpans(spans);
  }

  /**
   * Files spans like `export()` (background mode: nothing is forced) and resolves once each has left
   * this process: delivered to Nexus, or dropped for good, counted by reason. For an intermediary
   * that acknowledged its senders and keeps their data until it is delivered (the OTLP bridge's
   * spool). Holds no timer; resolves at shutdown with what is left. Never rejects.
   *
   * `mayExist`: the spans may be in Nexus already (a replay after a crash): each trace and span is
   * looked up before it is created (one GET each), so none appears twice.
   */
  deliver(spans: readonly ReadableSpanLike[], options: { mayExist?: boolean } = {}): Promise<DeliveryReport> {
    return this.pipeline.acceptSpansTracked(spans, options);
  }

  protected acceptAndWait(spans: readonly ReadableSpanLike[]): Promise<ExportResultLike> {
    return this.pipeline.exportSpansAndWait(spans);
  }
}
