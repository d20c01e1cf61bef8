import { NexusLogRecordExporter } from './logs/log-exporter.js';
import { sharedPipeline } from './pipeline-registry.js';
import { NexusSpanExporter } from './exporter.js';
import type { NexusExporterOptions } from './config/options.js';

export interface NexusExporters {
  spanExporter: NexusSpanExporter;
  logRecordExporter: NexusLogRecordExporter;
}

/**
 * A span exporter and a log-record exporter over one pipeline: one client, one index of uploaded
 * traces and spans, one set of limits. Feedback finds the response it rates, and message content
 * written as logs joins its span, because both sides see the same traces. It is the pipeline every
 * other exporter of this process with the same settings uses too (the register entry's included).
 */
export function createNexusExporters(options: NexusExporterOptions = {}): NexusExporters {
  const pipeline = sharedPipeline(options);
  return { spanExporter: new NexusSpanExporter(pipeline), logRecordExporter: new NexusLogRecordExporter(pipeline) };
}
