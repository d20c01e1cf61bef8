// `deliver()`: what an intermediary that acknowledged its senders (the OTLP bridge, with its spool)
// waits for before it forgets their spans: each span delivered, or dropped for good.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, SpanFactory, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('NexusSpanExporter.deliver', () => {
  it('resolves once the spans are in Nexus, and not before their trace can go (its root still open)', async () => {
    h = await harness({ maxTraceWaitMillis: 60_000 });
    const factory = new SpanFactory();
    const root = factory.start('agent run');
    const tool = factory.start('execute_tool lookup', root);
    const [toolSpan] = factory.end(tool);
    let settled = false;
    const first = h.exporter.deliver([toolSpan!]).then((report) => {
      settled = true;
      return report;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled).toBe(false); // held for its root: not in Nexus yet
    const [rootSpan] = factory.end(root);
    const second = await h.exporter.deliver([rootSpan!]);
    expect(await first).toEqual({ delivered: 1, dropped: {}, left: 0 });
    expect(second).toEqual({ delivered: 1, dropped: {}, left: 0 });
    const [trace] = h.server.traces();
    expect(trace!.status).toBe('success');
    expect(trace!.spans.map((s) => s.name).sort()).toEqual(['agent run', 'execute_tool lookup']);
  });

  it('counts spans Nexus refused for good (a 400) as dropped, by reason', async () => {
    h = await harness();
    h.server.faults.failNext(1, 400, { match: { method: 'POST', path: /\/spans$/ } });
    const factory = new SpanFactory();
    const spans = factory.tree(2, 2);
    expect(await h.exporter.deliver(spans)).toEqual({ delivered: 2, dropped: { invalid: 1 }, left: 0 });
  });

  it('at shutdown, resolves with what was still held', async () => {
    h = await harness({ maxTraceWaitMillis: 60_000 });
    const factory = new SpanFactory();
    const root = factory.start('agent run');
    const [child] = factory.end(factory.start('step', root));
    const pending = h.exporter.deliver([child!]);
    await h.exporter.shutdown();
    // The final flush uploads it (its trace as `timeout`: the root never ended here).
    expect(await pending).toEqual({ delivered: 1, dropped: {}, left: 0 });
  });
});
