import { inspect, type InspectOptionsStylized } from 'node:util';
import { NexusPipeline, type NexusExporterStats } from './pipeline.js';
import { sharedPipeline } from './pipeline-registry.js';
import { ExportResultCode, type ExportResultLike } from './otel/types.js';
import { resolveExportMode } from './config/resolve.js';
import type { ExportMode, NexusExporterOptions } from './config/options.js';

/**
 * What the span and log-record exporters have in common: a pipeline (their own, or one shared by
 * `createNexusExporters`), answering `export()` at once (`immediate` mode: after delivery),
 * refusing items after `shutdown()`, and releasing the pipeline, which stops when its last exporter
 * has shut down.
 */
export abstract class PipelineExporter<Item> {
  protected readonly pipeline: NexusPipeline;
  /** The exporter's own, not the pipeline's: exporters that only differ in it share one pipeline. */
  private readonly exportMode: ExportMode;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;

  protected constructor(options: NexusExporterOptions | NexusPipeline) {
    this.pipeline = options instanceof NexusPipeline ? options : sharedPipeline(options);
    this.exportMode = options instanceof NexusPipeline ? options.exportMode : resolveExportMode(options.exportMode, process.env['NEXUS_EXPORT_MODE']);
    this.pipeline.attach();
  }

  /** Files the items in the pipeline; never waits on the network, never throws. */
  protected abstract accept(items: readonly Item[]): void;

  /** `immediate` mode: files the items and resolves once they are delivered (or the flush deadline passed); never rejects. */
  protected abstract acceptAndWait(items: readonly Item[]): Promise<ExportResultLike>;

  export(items: Item[], resultCallback: (result: ExportResultLike) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`${this.constructor.name} is shut down`) });
      return;
    }
    const list = Array.isArray(items) ? items : [];
    if (this.exportMode === 'background') {
      this.accept(list);
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    this.acceptAndWait(list)
      .catch((error: unknown): ExportResultLike => ({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }))
      .then((result) => resultCallback(result))
      // A callback that throws here would be an unhandled rejection in the app: keep it out.
      .catch(() => undefined);
  }

  /** Uploads everything held, incomplete traces included (as `running`), and waits for it, up to `flushTimeoutMillis`. */
  forceFlush(): Promise<void> {
    return this.pipeline.forceFlush();
  }

  /** Refuses new items, flushes, and releases sockets and timers once no exporter uses the pipeline. */
  shutdown(): Promise<void> {
    this.stopped = true;
    this.shutdownPromise ??= this.pipeline.release();
    return this.shutdownPromise;
  }

  getStats(): NexusExporterStats {
    return this.pipeline.getStats();
  }

  /**
   * `console.log(exporter)`, a crash reporter, `util.inspect` of the provider holding it: a short
   * summary (where it sends, whether it runs, its counters), never the key or the sockets, whose
   * kept request headers hold it.
   */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    return `${this.constructor.name} ${inspect({ ...this.pipeline.describe(), stopped: this.stopped }, { ...options, depth: options.depth === null ? null : depth })}`;
  }

  toJSON(): Record<string, unknown> {
    return { exporter: this.constructor.name, ...this.pipeline.describe(), stopped: this.stopped };
  }
}
