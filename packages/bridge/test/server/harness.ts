import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { NexusBridge } from '../../src/index.js';
import type { BridgeOptions } from '../../src/config.js';

export interface BridgeHarness {
  nexus: NexusLocal;
  key: string;
  bridge: NexusBridge;
  spoolDir: string;
  close(): Promise<void>;
}

/** A local Nexus and a bridge in front of it, with its own spool directory. */
export async function bridgeHarness(options: Partial<BridgeOptions> = {}, env: Record<string, string> = {}): Promise<BridgeHarness> {
  const key = generateKey();
  const nexus = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  const spoolDir = mkdtempSync(join(tmpdir(), 'bridge-spool-'));
  const bridge = await NexusBridge.start({ port: 0, grpcPort: 0, spoolDir, ...options }, env, {
    apiKey: key,
    baseUrl: nexus.url,
    retryBaseMillis: 5,
    maxTraceWaitMillis: 60_000,
  });
  return {
    nexus,
    key,
    bridge,
    spoolDir,
    async close() {
      await bridge.close(1_000);
      await nexus.close();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** A real SDK tracer that sends OTLP (protobuf or JSON) to `url`. */
export function otlpSender(url: string, options: { json?: boolean; grpc?: boolean; service?: string; headers?: Record<string, string>; gzip?: boolean } = {}) {
  const config = { url: options.grpc ? `http://${url}` : `${url}/v1/traces`, headers: options.headers ?? {}, ...(options.gzip ? { compression: 'gzip' as never } : {}) };
  const exporter = options.grpc ? new GrpcExporter({ url: config.url, ...(options.gzip ? { compression: 'gzip' as never } : {}) }) : options.json ? new JsonExporter(config) : new ProtoExporter(config);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service ?? 'support-bot' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 20 })],
  });
  const tracer = provider.getTracer('bridge-test');
  return {
    provider,
    /** An agent turn: invoke_agent → chat + execute_tool, GenAI attributes on each. */
    agentTurn(name = 'support'): string {
      const root = tracer.startSpan(`invoke_agent ${name}`, { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name } });
      const within = (span: Span) => trace.setSpan(ROOT_CONTEXT, span);
      const chat = tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 5 } }, within(root));
      chat.end();
      const tool = tracer.startSpan('execute_tool lookup_order', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' } }, within(root));
      tool.end();
      root.end();
      return root.spanContext().traceId;
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export async function eventually(check: () => boolean, timeoutMillis = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}
