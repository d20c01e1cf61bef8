import { genericTraceMapper, type MappedSpan } from '@nexus-otel/exporter';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * What users write by hand today: create the trace, then post span after span, each waiting for the
 * previous answer. Same payloads as the exporter, so only the request pattern differs.
 */
export async function naiveUpload(baseUrl: string, key: string, spans: ReadableSpan[]): Promise<void> {
  const { header, spans: mapped } = genericTraceMapper.mapTrace(spans, { maxFieldBytes: 32 * 1024 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await fetch(`${baseUrl}/api/v1/traces`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ agent_id: header.serviceName, name: header.name, status: header.status, started_at: header.startedAt, ended_at: header.endedAt, metadata: header.metadata }),
  });
  const { trace_id: traceId } = (await created.json()) as { trace_id: string };
  const ids = new Map<string, string>();
  for (const span of parentsFirst(mapped)) {
    const response = await fetch(`${baseUrl}/api/v1/traces/${traceId}/spans`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: span.name,
        status: span.status,
        started_at: span.startedAt,
        ended_at: span.endedAt,
        parent_span_id: span.parentLocalId ? (ids.get(span.parentLocalId) ?? null) : null,
        input: span.input,
        output: span.output,
        error: span.error,
      }),
    });
    ids.set(span.localId, ((await response.json()) as { span_id: string }).span_id);
  }
}

function parentsFirst(spans: MappedSpan[]): MappedSpan[] {
  const done = new Set<string>();
  const out: MappedSpan[] = [];
  while (out.length < spans.length) {
    for (const span of spans) {
      if (!done.has(span.localId) && (span.parentLocalId === null || done.has(span.parentLocalId))) {
        out.push(span);
        done.add(span.localId);
      }
    }
  }
  return out;
}
