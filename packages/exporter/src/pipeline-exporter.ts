import { inspect, type InspectOptionsStylized } from 'node:util';
import { NexusPipeline, type NexusExporterStats } from './pipeline.js';
import { sharedPipeline } from './pipeline-registry.js';
import { ExportResultCode, type ExportResultLike } from './otel/types.js';
import type { NexusExporterOptions } from './config/options.js';

/**
 * What the span and log-record exporters have in common: a pipeline (their own, or one shared by
 * `createNexusExporters`), answering `export()` at once, refusing items after `shutdown()`, and
 * releasing the pipeline, which stops when its last exporter has shut down.
 */
export abstract class PipelineExporter<Item> {
  protected readonly pipeline: NexusPipeline;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;

  protected constructor(options: NexusExporterOptions | NexusPipeline) {
    this.pipeline = options instanceof NexusPipeline ? options : sharedPipeline(options);
    this.pipeline.attach();
  }

  /** Files the items in the pipeline; never waits on the network, never throws. */
  protected abstract accept(items: readonly Item[]): void;

  export(items: Item[], resultCallback: (result: ExportResultLike) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`${this.constructor.name} is shut down`) });
      return;
    }
    this.accept(Array.isArray(items) ? items : []);
    resultCallback({ code: ExportResultCode.SUCCESS });
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
