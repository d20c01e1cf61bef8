import { afterEach, describe, expect, it } from 'vitest';
import { NexusSpanExporter, type ReadableSpanLike } from '@nexus-otel/exporter';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { decodeTraces } from '../../src/otlp/index.js';
import { jsonTraces, protobufTraces, recordSpans } from './helpers.js';

let server: NexusLocal | undefined;
let exporter: NexusSpanExporter | undefined;
afterEach(async () => {
  await exporter?.shutdown();
  await server?.close();
  exporter = undefined;
  server = undefined;
});

/** The depth of each stored span in its Nexus tree (1 = top level), by name. */
function depthByName(spans: ReadonlyArray<{ id: string; parentSpanId: string | null; name: string }>): Record<string, number> {
  const byId = new Map(spans.map((span) => [span.id, span]));
  const depth = (id: string | null, guard = 0): number => {
    const span = id ? byId.get(id) : undefined;
    return span && guard < 100 ? 1 + depth(span.parentSpanId, guard + 1) : 0;
  };
  return Object.fromEntries(spans.map((span) => [span.name, depth(span.id)]));
}

function exportBatch(spans: ReadableSpanLike[]): Promise<number> {
  return new Promise((resolve) => exporter!.export(spans, (result) => resolve(result.code)));
}

describe('decoded spans through the real NexusSpanExporter to a local Nexus', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`${encoding}: the trace lands with its spans nested`, async () => {
      const key = generateKey();
      server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
      exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url, spanFilter: 'all', retryBaseMillis: 5, flushTimeoutMillis: 10_000 });
      const originals = recordSpans();
      const decoded = decodeTraces(encoding === 'protobuf' ? protobufTraces(originals) : jsonTraces(originals), encoding);
      if (!decoded.ok) throw new Error(decoded.reason);

      expect(await exportBatch(decoded.spans)).toBe(0);
      await exporter.forceFlush();

      const traces = server.traces();
      const agent = traces.find((t) => t.name === 'invoke_agent support');
      expect(agent, JSON.stringify(traces.map((t) => t.name))).toBeDefined();
      expect(agent!.agentName).toBe('support-bot');
      expect(agent!.metadata).toMatchObject({ otel_trace_id: '0af7651916cd43dd8448eb211c80319c', service_name: 'support-bot' });
      expect(depthByName(agent!.spans)).toEqual({ 'invoke_agent support': 1, 'chat gpt-4o': 2, 'execute_tool lookup': 3, publish: 4 });
      const chat = agent!.spans.find((s) => s.name === 'chat gpt-4o')!;
      expect(chat.status).toBe('error');
      // Times reach Nexus as the SDK set them: 1 µs after the root, to the microsecond.
      expect(chat.startedAt).toBe('2025-10-09T08:53:20.000001Z');
      expect(traces.map((t) => t.name).sort()).toEqual(['background job', 'invoke_agent support']);
    });
  }
});
