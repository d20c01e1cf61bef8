import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
// The current OTel JS serializers (a hand-written encoder since 0.215), under an alias: the bridge
// itself depends on 0.214.0 for its protobufjs-generated decoders.
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from 'otlp-transformer-current';
import type { DecodedLogRecord, DecodedSpan, HrTime } from '../../src/otlp/index.js';

export const T0: HrTime = [1_760_000_000, 123_456_789];
export const at = (seconds: number, nanos: number): HrTime => [T0[0] + seconds, nanos];

/** A remote caller's context, as a server span would get it from `traceparent`/`tracestate`. */
export const REMOTE_PARENT = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: createTraceState('vendor=abc,other=1'),
};

/**
 * Real SDK spans, one trace of four and a separate one, covering what OTLP carries: every kind,
 * attribute types and arrays, events, a link, error status, a remote parent with trace state,
 * nanosecond times, two scopes.
 */
export function recordSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot', 'deployment.environment.name': 'test', 'host.cpu.count': 8 }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const agents = provider.getTracer('agents', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const tools = provider.getTracer('tools');
  const within = (span: Span) => trace.setSpan(ROOT_CONTEXT, span);

  const other = tools.startSpan('background job', { kind: SpanKind.CONSUMER, startTime: at(0, 5) });
  other.end(at(0, 6));

  const root = agents.startSpan(
    'invoke_agent support',
    {
      kind: SpanKind.SERVER,
      startTime: at(0, 0),
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'app.count': 42,
        'app.negative': -7,
        'app.ratio': 0.25,
        'app.flag': true,
        'app.tags': ['a', 'b', ''],
        'app.sizes': [1, 2.5, -3],
        'app.bits': [true, false],
        'app.empty': [],
      },
    },
    trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT),
  );
  const chat = agents.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, startTime: at(0, 1_000) }, within(root));
  chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hello', 'app.n': 3 }, at(0, 2_000));
  chat.addEvent('no attributes', at(1, 999_999_999));
  chat.addLink({ context: other.spanContext(), attributes: { 'link.reason': 'follows' } });
  chat.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  const tool = tools.startSpan('execute_tool lookup', { kind: SpanKind.INTERNAL, startTime: at(1, 0) }, within(chat));
  const queue = tools.startSpan('publish', { kind: SpanKind.PRODUCER, startTime: at(1, 500) }, within(tool));
  queue.end(at(1, 501));
  tool.setStatus({ code: SpanStatusCode.OK });
  tool.end(at(2, 0));
  chat.end(at(2, 999_999_999));
  root.end(at(3, 1));
  return memory.getFinishedSpans();
}

export function protobufTraces(spans: ReadableSpan[]): Uint8Array {
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  if (!body) throw new Error('ProtobufTraceSerializer returned nothing');
  return body;
}

export function jsonTraces(spans: ReadableSpan[]): Uint8Array {
  const body = JsonTraceSerializer.serializeRequest(spans);
  if (!body) throw new Error('JsonTraceSerializer returned nothing');
  return body;
}

/** Real SDK log records: an event with a structured body inside a span, a plain text log, an old-style `event.name` attribute. */
export function recordLogs(): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('genai-events', '0.9.0');
  const tracer = new BasicTracerProvider().getTracer('t');
  const span = tracer.startSpan('chat');
  logger.emit({
    timestamp: at(0, 10),
    observedTimestamp: at(0, 11),
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    eventName: 'gen_ai.choice',
    body: { index: 0, message: { role: 'assistant', content: 'hi' }, tool_calls: [{ id: 'c1' }, 'x', 3], raw: new Uint8Array([1, 2, 255]) },
    attributes: { 'gen_ai.system': 'openai', 'app.list': ['x', 'y'] },
    context: trace.setSpan(ROOT_CONTEXT, span),
  });
  logger.emit({ timestamp: at(1, 0), observedTimestamp: at(1, 1), severityNumber: SeverityNumber.ERROR, body: 'plain text' });
  logger.emit({ observedTimestamp: at(2, 2), attributes: { 'event.name': 'gen_ai.user.message' }, body: 42 });
  span.end();
  return memory.getFinishedLogRecords();
}

export function protobufLogs(records: ReadableLogRecord[]): Uint8Array {
  const body = ProtobufLogsSerializer.serializeRequest(records);
  if (!body) throw new Error('ProtobufLogsSerializer returned nothing');
  return body;
}

export function jsonLogs(records: ReadableLogRecord[]): Uint8Array {
  const body = JsonLogsSerializer.serializeRequest(records);
  if (!body) throw new Error('JsonLogsSerializer returned nothing');
  return body;
}

/** Everything an exporter reads of a span, as plain data, for an SDK span and a decoded one alike. */
export function spanView(span: ReadableSpan | DecodedSpan) {
  const context = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    traceState: context.traceState?.serialize(),
    parent: span.parentSpanContext
      ? { traceId: span.parentSpanContext.traceId, spanId: span.parentSpanContext.spanId, isRemote: span.parentSpanContext.isRemote ?? false }
      : undefined,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: span.status,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: e.attributes ?? {}, dropped: e.droppedAttributesCount ?? 0 })),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceFlags: l.context.traceFlags,
      isRemote: l.context.isRemote ?? false,
      attributes: l.attributes ?? {},
      dropped: l.droppedAttributesCount ?? 0,
    })),
    resource: span.resource.attributes,
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version, schemaUrl: span.instrumentationScope.schemaUrl },
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
  };
}

/** Everything an exporter reads of a log record, as plain data. */
export function logView(record: ReadableLogRecord | DecodedLogRecord) {
  return {
    hrTime: record.hrTime,
    hrTimeObserved: record.hrTimeObserved,
    spanContext: record.spanContext
      ? { traceId: record.spanContext.traceId, spanId: record.spanContext.spanId, traceFlags: record.spanContext.traceFlags }
      : undefined,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body,
    eventName: record.eventName,
    attributes: record.attributes,
    droppedAttributesCount: record.droppedAttributesCount,
    resource: record.resource.attributes,
    scope: { name: record.instrumentationScope.name, version: record.instrumentationScope.version },
  };
}

export const bySpanId = <T extends { spanContext(): { spanId: string } }>(a: T, b: T) =>
  a.spanContext().spanId.localeCompare(b.spanContext().spanId);
