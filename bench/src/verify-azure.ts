// BENCH_VERIFY=1: checks that benchmark 1's Azure Monitor path produces the request body the real
// AzureMonitorTraceExporter posts. A real exporter, pointed at the local ingestion stub
// (@nexus-otel/appinsights-local, https, trusted through its `agent`), exports a few spans of each
// workload; a pipeline policy keeps the exact body text its HTTP client sends; the benchmark path
// builds its body from the same spans with the same instrumentation key; the two must be equal
// byte for byte, except for the fields the exporter fills at send time (listed in the result).
import { AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { startIngestionStub } from '@nexus-otel/appinsights-local';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { azureBody, type AzureInternals } from './peers.js';

export interface AzureVerification {
  batches: number;
  envelopes: number;
  bytes: number;
  /** JSON paths that differed, with why; everything else was byte-identical. */
  differing: string[];
}

/** Where two JSON values differ: the paths of the leaves that are not equal. */
function diffPaths(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) {
      out.push(path);
      return out;
    }
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.join('\u0000') !== keysB.join('\u0000')) out.push(`${path} (keys or their order)`);
    for (const key of new Set([...keysA, ...keysB])) {
      diffPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`, out);
    }
    return out;
  }
  if (!Object.is(a, b)) out.push(path);
  return out;
}

interface CapturePolicy {
  name: string;
  sendRequest(request: { body?: unknown; url: string }, next: (request: unknown) => Promise<unknown>): Promise<unknown>;
}

/**
 * Exports each of `batches` through a real AzureMonitorTraceExporter and compares what it posted
 * with `azureBody` of the same spans. Throws if anything but the send-time fields differs.
 */
export async function verifyAzure(azure: AzureInternals, batches: ReadableSpan[][]): Promise<AzureVerification> {
  // The SDK's own statistics go to Microsoft hosts, not to the stub.
  process.env['APPLICATION_INSIGHTS_NO_STATSBEAT'] = 'true';
  const stub = await startIngestionStub();
  const posted: string[] = [];
  const capture: CapturePolicy = {
    name: 'benchCaptureBody',
    sendRequest: (request, next) => {
      if (/\/track$/.test(new URL(request.url).pathname) && typeof request.body === 'string') posted.push(request.body);
      return next(request);
    },
  };
  const exporter = new AzureMonitorTraceExporter({
    connectionString: stub.connectionString,
    agent: stub.agent,
    disableOfflineStorage: true,
    additionalPolicies: [{ policy: capture as never, position: 'perCall' }],
  });
  const result: AzureVerification = { batches: 0, envelopes: 0, bytes: 0, differing: [] };
  const differing = new Set<string>();
  try {
    for (const spans of batches) {
      posted.length = 0;
      stub.reset();
      const exported = await new Promise<ExportResult>((resolve) => {
        // This version calls the callback twice (the send's result, then SUCCESS): the first counts.
        let done = false;
        void exporter.export(spans, (r) => {
          if (!done) resolve(r);
          done = true;
        });
      });
      if (exported.code !== 0) throw new Error(`the Azure Monitor exporter failed to export to the stub: ${String(exported.error)}`);
      const sent = posted[0];
      if (posted.length !== 1 || sent === undefined) throw new Error(`expected one /track request, saw ${posted.length}`);
      const received = stub.envelopes();
      const ours = azureBody(azure, spans, stub.instrumentationKey);
      const sentItems = JSON.parse(sent) as Array<Record<string, unknown>>;
      const ourItems = JSON.parse(ours) as Array<Record<string, unknown>>;
      if (received.length !== sentItems.length) throw new Error(`the stub received ${received.length} envelopes, the exporter sent ${sentItems.length}`);
      if (sentItems.length !== ourItems.length) throw new Error(`the exporter sent ${sentItems.length} envelopes, the benchmark path makes ${ourItems.length}`);
      // Send-time fields: the resource metric envelope's `time` is `new Date()` at export.
      sentItems.forEach((item, i) => {
        const mine = ourItems[i];
        if (mine === undefined) return;
        const isResourceMetric = item['name'] === 'Microsoft.ApplicationInsights.Metric';
        for (const path of diffPaths(item, mine)) {
          if (isResourceMetric && path === '$.time') {
            differing.add("resource metric envelope (_OTELRESOURCE_, one a batch) `time`: `new Date()` when export() runs");
            mine['time'] = item['time'];
          } else {
            throw new Error(`azure envelopes differ at envelope ${i} ${path}: sent ${JSON.stringify(item).slice(0, 300)} / benchmark ${JSON.stringify(mine).slice(0, 300)}`);
          }
        }
      });
      // With the send-time field taken from what was sent, the texts must be equal byte for byte.
      const patched = Buffer.from(JSON.stringify(ourItems), 'utf8');
      const sentBytes = Buffer.from(sent, 'utf8');
      if (!patched.equals(sentBytes)) throw new Error('azure envelopes equal as JSON but the request bodies differ in bytes');
      if (Buffer.from(ours, 'utf8').length !== sentBytes.length) throw new Error('azure request bodies differ in length');
      result.batches += 1;
      result.envelopes += sentItems.length;
      result.bytes += sentBytes.length;
    }
  } finally {
    await exporter.shutdown();
    await stub.close();
  }
  result.differing = [...differing];
  return result;
}
