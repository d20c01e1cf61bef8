// The two exporters users run beside nexus-otel, timed on the same ReadableSpans as benchmark 1:
// the Azure Monitor exporter's span → envelope transform and request serialisation, and Langfuse's
// span processor followed by its OTLP/HTTP JSON export.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

// ---------------------------------------------------------------------------------------------
// Azure Monitor (@azure/monitor-opentelemetry-exporter 1.0.0-beta.45)
// ---------------------------------------------------------------------------------------------

/** An envelope as the exporter's transform returns it (before the REST client's serialiser). */
type AzureEnvelope = object;

export interface AzureInternals {
  readableSpanToEnvelope(span: ReadableSpan, instrumentationKey: string): AzureEnvelope;
  spanEventsToEnvelopes(span: ReadableSpan, instrumentationKey: string): AzureEnvelope[];
  createResourceMetricEnvelope(resource: ReadableSpan['resource'], instrumentationKey: string, applicationId?: string): AzureEnvelope | undefined;
  shouldCreateResourceMetric(): boolean;
  /** The generated REST client's model serialiser (`ApplicationInsightsClient.track` → `_trackSend`). */
  telemetryItemArraySerializer(items: AzureEnvelope[]): object[];
}

/**
 * The package's `exports` map offers only its root, so its internal modules are loaded by file
 * path, from the same installed copy (the same module instances the exporter itself uses).
 */
export async function loadAzureInternals(): Promise<AzureInternals> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@azure/monitor-opentelemetry-exporter/package.json'));
  const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(root, 'dist/esm', path)).href)) as T;
  const spanUtils = await load<Pick<AzureInternals, 'readableSpanToEnvelope' | 'spanEventsToEnvelopes'>>('utils/spanUtils.js');
  const common = await load<Pick<AzureInternals, 'createResourceMetricEnvelope' | 'shouldCreateResourceMetric'>>('utils/common.js');
  const models = await load<Pick<AzureInternals, 'telemetryItemArraySerializer'>>('generated/models/models.js');
  const internals: AzureInternals = {
    readableSpanToEnvelope: spanUtils.readableSpanToEnvelope,
    spanEventsToEnvelopes: spanUtils.spanEventsToEnvelopes,
    createResourceMetricEnvelope: common.createResourceMetricEnvelope,
    shouldCreateResourceMetric: common.shouldCreateResourceMetric,
    telemetryItemArraySerializer: models.telemetryItemArraySerializer,
  };
  for (const [name, fn] of Object.entries(internals)) {
    if (typeof fn !== 'function') throw new Error(`@azure/monitor-opentelemetry-exporter: no ${name} in its dist/esm (a version other than 1.0.0-beta.45?)`);
  }
  return internals;
}

/** A fixed instrumentation key for the timing (the exporter refuses keys that are not GUIDs). */
export const AZURE_IKEY = '8c2f6d3e-1b4a-4f7e-9a0d-5e6c7b8a9f10';

/**
 * What `AzureMonitorTraceExporter.export` does with a batch before its HTTP client sends it: the
 * resource metric envelope (once a batch, on by default), each span's envelope and its events'
 * envelopes (`readableSpanToEnvelope`, `spanEventsToEnvelopes`); then what the sender does with them
 * (`HttpSender.send` → `ApplicationInsightsClient.track` → `_trackSend`): the generated model
 * serialiser, `JSON.stringify` (the REST runtime's `getRequestBody` for application/json), and the
 * UTF-8 bytes Node writes. This version sends no gzip (no compression anywhere in its sender).
 * Returns the request body as text.
 */
export function azureBody(azure: AzureInternals, spans: readonly ReadableSpan[], instrumentationKey = AZURE_IKEY, applicationId?: string): string {
  const envelopes: AzureEnvelope[] = [];
  const first = spans[0];
  if (first === undefined) return '';
  const resourceEnvelope = azure.createResourceMetricEnvelope(first.resource, instrumentationKey, applicationId);
  if (resourceEnvelope && azure.shouldCreateResourceMetric()) envelopes.push(resourceEnvelope);
  for (const span of spans) {
    envelopes.push(azure.readableSpanToEnvelope(span, instrumentationKey));
    const events = azure.spanEventsToEnvelopes(span, instrumentationKey);
    if (events.length > 0) envelopes.push(...events);
  }
  return JSON.stringify(azure.telemetryItemArraySerializer(envelopes));
}

/** The Azure path as timed: transform + serialise, then the UTF-8 bytes; returns the byte count. */
export function azureSerialize(azure: AzureInternals, spans: readonly ReadableSpan[]): number {
  return Buffer.from(azureBody(azure, spans), 'utf8').length;
}

// ---------------------------------------------------------------------------------------------
// Langfuse (@langfuse/otel 5.11.1): LangfuseSpanProcessor + OTLP/HTTP JSON
// ---------------------------------------------------------------------------------------------

/**
 * The exporter `LangfuseSpanProcessor` builds by default is `OTLPTraceExporter`
 * (exporter-trace-otlp-http), whose Node delegate serialises each batch with
 * `JsonTraceSerializer.serializeRequest`; this one does exactly that and stops before the socket.
 */
class SerializingOtlpExporter implements SpanExporter {
  spans = 0;
  bytes = 0;
  requests = 0;
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.requests += 1;
    this.spans += spans.length;
    this.bytes += JsonTraceSerializer.serializeRequest(spans)?.length ?? 0;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export interface LangfusePath {
  /** Every span through `onEnd`, then `forceFlush` (the batch processor exports what it holds). */
  run(spans: readonly ReadableSpan[]): Promise<void>;
  /** Requests (batches), spans and bytes the OTLP exporter got since the last `reset`. */
  sent(): { requests: number; spans: number; bytes: number };
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * `LangfuseSpanProcessor` with its defaults (batch mode: a `BatchSpanProcessor`, batches of 512;
 * the default span filter, no mask, media handling on), its OTLP exporter replaced by the
 * serialising one above. Per span its `onEnd` runs the filter (`isDefaultExportSpan`), the mask
 * step and the media scan (async, one promise a span), then hands the span to the batch processor.
 */
export function langfusePath(): LangfusePath {
  const exporter = new SerializingOtlpExporter();
  const processor = new LangfuseSpanProcessor({
    publicKey: 'pk-lf-bench',
    secretKey: 'sk-lf-bench',
    baseUrl: 'http://127.0.0.1:9',
    exporter,
  });
  return {
    async run(spans) {
      for (const span of spans) processor.onEnd(span);
      await processor.forceFlush();
    },
    sent: () => ({ requests: exporter.requests, spans: exporter.spans, bytes: exporter.bytes }),
    reset() {
      exporter.requests = 0;
      exporter.spans = 0;
      exporter.bytes = 0;
    },
    shutdown: () => processor.shutdown(),
  };
}
