import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { NODE_22_15 } from '../../test-support/requirements.js';

// The 3.x SDK needs Node >= 22.15; CI runs this file on Node 22 (see .ci/run).
describe.skipIf(NODE_22_15.unmet)('OpenTelemetry JS 3.x (@opentelemetry/sdk-trace)', NODE_22_15.options, () => {
  it('a BatchSpanProcessor of the 3.x SDK delivers nested traces to Nexus', async () => {
    const key = generateKey();
    const server = await startNexusLocal({ keys: { [key]: {} } });
    try {
      const exporter: SpanExporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url });
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'agent-v3' }),
        spanProcessors: [new BatchSpanProcessor({ exporter })],
      });
      const tracer = provider.getTracer('app');
      const root = tracer.startSpan('invoke_agent', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
      const chat = tracer.startSpan('chat', { attributes: { 'gen_ai.operation.name': 'chat' } }, trace.setSpan(ROOT_CONTEXT, root));
      const tool = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' };
      tracer.startSpan('execute_tool lookup', { attributes: tool }, trace.setSpan(ROOT_CONTEXT, chat)).end();
      chat.end();
      root.end();
      await provider.shutdown();

      const [t, ...rest] = server.traces();
      expect(rest).toHaveLength(0);
      expect(t!.name).toBe('invoke_agent');
      expect(t!.agentName).toBe('agent-v3');
      const byName = new Map(t!.spans.map((s) => [s.name, s]));
      expect(byName.get('chat')!.parentSpanId).toBe(byName.get('invoke_agent')!.id);
      expect(byName.get('execute_tool lookup')!.parentSpanId).toBe(byName.get('chat')!.id);
    } finally {
      await server.close();
    }
  });
});
