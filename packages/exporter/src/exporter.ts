import { PipelineExporter } from './pipeline-exporter.js';
import type { NexusExporterOptions } from './config/options.js';
import type { NexusPipeline } from './pipeline.js';
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

  protected acceptAndWait(spans: readonly ReadableSpanLike[]): Promise<ExportResultLike> {
    return this.pipeline.exportSpansAndWait(spans);
  }
}
