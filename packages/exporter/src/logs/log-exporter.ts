import { PipelineExporter } from '../pipeline-exporter.js';
import type { NexusExporterOptions } from '../config/options.js';
import type { NexusPipeline } from '../pipeline.js';
import type { ReadableLogRecordLike } from '../otel/log-types.js';
import { ExportResultCode, type ExportResultLike } from '../otel/types.js';

/**
 * An OpenTelemetry `LogRecordExporter` for what GenAI instrumentations write as log records: user
 * feedback and evaluations (`gen_ai.evaluation.user_feedback`, `gen_ai.evaluation.result`) become
 * spans under the response they rate, and message content (`@opentelemetry/instrumentation-openai`)
 * joins its chat span. Other records are ignored. Share the pipeline of a `NexusSpanExporter`
 * (`createNexusExporters`): on its own it only has feedback to send.
 */
export class NexusLogRecordExporter extends PipelineExporter<ReadableLogRecordLike> {
  constructor(options: NexusExporterOptions | NexusPipeline = {}) {
    super(options);
    this.pipeline.attachLogs();
  }

  protected accept(records: readonly ReadableLogRecordLike[]): void {
    this.pipeline.acceptLogs(records);
  }

  /** `immediate` mode: what the records completed (feedback, content of spans already sent) is uploaded before the answer. */
  protected async acceptAndWait(records: readonly ReadableLogRecordLike[]): Promise<ExportResultLike> {
    this.pipeline.acceptLogs(records);
    await this.pipeline.forceFlush(false, false);
    return { code: ExportResultCode.SUCCESS };
  }

  /**
   * Uploads what the records completed, and waits for it. Traces whose root has not ended are left
   * to the span exporter: the SDK's log processor flushes its exporter on shutdown while the span
   * exporter still runs, and a trace created then could not say the process ended before its root.
   */
  override forceFlush(): Promise<void> {
    return this.pipeline.forceFlush(false, false);
  }
}
