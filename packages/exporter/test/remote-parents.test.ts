// `remoteParentWaitMillis`, for a pipeline fed by many processes (the OTLP bridge): a span whose
// parent is in another process nests under it when that parent comes in time, and is a local root
// (with its own status) when it does not. 0, the in-process default: a local root at once.
import { ROOT_CONTEXT, trace as traceApi } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, harness, SpanFactory, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Service A's root and, in "service B", a child of it as B's SDK records it: a remote parent. */
function twoServices() {
  const a = new SpanFactory('frontend');
  const b = new SpanFactory('pricing');
  const root = a.start('invoke_agent planner');
  const remote = traceApi.setSpanContext(ROOT_CONTEXT, { ...root.spanContext(), isRemote: true });
  const child = b.tracer.startSpan('chat gpt-4o', {}, remote);
  child.end();
  const [childSpan] = b.memory.getFinishedSpans();
  return { a, root, childSpan: childSpan! };
}

describe('remoteParentWaitMillis', () => {
  it('the child service first, its parent 300 ms later: one trace, nested, named and owned by the root', async () => {
    h = await harness({ remoteParentWaitMillis: 5_000 });
    const { a, root, childSpan } = twoServices();
    h.exporter.export([childSpan], () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.server.traces()).toEqual([]);
    h.exporter.export(a.end(root), () => undefined);
    await h.exporter.forceFlush();
    const [stored, ...others] = h.server.traces();
    expect(others).toEqual([]);
    expect([stored!.name, stored!.agentName, stored!.status]).toEqual(['invoke_agent planner', 'frontend', 'success']);
    const top = stored!.spans.find((s) => s.parentSpanId === null)!;
    expect(stored!.spans.find((s) => s.name === 'chat gpt-4o')!.parentSpanId).toBe(top.id);
  });

  it('a parent that never comes: after the wait the child is the root, and the trace has its final status', async () => {
    h = await harness({ remoteParentWaitMillis: 200 });
    const { childSpan } = twoServices();
    h.exporter.export([childSpan], () => undefined);
    expect(await eventually(() => h!.server.traces()[0]?.status === 'success', 5_000)).toBe(true);
    const [stored] = h.server.traces();
    expect([stored!.name, stored!.agentName]).toEqual(['chat gpt-4o', 'pricing']);
  });

  it('0 (in one process): a span with a remote parent is a local root at once, as before', async () => {
    h = await harness();
    const { childSpan } = twoServices();
    h.exporter.export([childSpan], () => undefined);
    await h.exporter.forceFlush();
    expect(h.server.traces().map((t) => [t.name, t.status])).toEqual([['chat gpt-4o', 'success']]);
  });
});
