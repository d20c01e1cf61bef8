import { NexusPipeline, type NexusExporterStats } from '../pipeline.js';
import { ExportResultCode, type ExportResultLike } from '../otel/types.js';
import type { NexusExporterOptions } from '../config/options.js';
import type { ReadableLogRecordLike } from '../otel/log-types.js';

/**
 * An OpenTelemetry `LogRecordExporter` for what GenAI instrumentations write as log records: user
 * feedback and evaluations (`gen_ai.evaluation.user_feedback`, `gen_ai.evaluation.result`) become
 * spans under the response they rate, and message content (`@opentelemetry/instrumentation-openai`)
 * joins its chat span. Other records are ignored. Share the pipeline of a `NexusSpanExporter`
 * (`createNexusExporters`): on its own it only has feedback to send.
 */
export class NexusLogRecordExporter {
  private readonly pipeline: NexusPipeline;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: NexusExporterOptions | NexusPipeline = {}) {
    this.pipeline = options instanceof NexusPipeline ? options : new NexusPipeline(options);
    this.pipeline.attach();
    this.pipeline.attachLogs();
  }

  export(logs: ReadableLogRecordLike[], resultCallback: (result: ExportResultLike) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('NexusLogRecordExporter is shut down') });
      return;
    }
    this.pipeline.acceptLogs(Array.isArray(logs) ? logs : []);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return this.pipeline.forceFlush();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    this.shutdownPromise ??= this.pipeline.release();
    return this.shutdownPromise;
  }

  getStats(): NexusExporterStats {
    return this.pipeline.getStats();
  }
}
