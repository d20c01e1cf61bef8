// foldSpans over real HTTP, against the local Nexus: fewer requests, the summary on the parent,
// late children of a folded span nested under the parent, and a folded span sharing its parent's fate.
import { afterEach, describe, expect, it } from 'vitest';
import { SpanFactory, exportBatch, harness, type Harness } from './helpers.js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CHAT = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 12,
  'gen_ai.usage.output_tokens': 5,
};

/**
 * One turn: three untitled `step` spans under the root, each around a model call. The third
 * call ends after the rest of the trace was exported: it comes in a second batch.
 */
function turn(): { first: ReadableSpan[]; second: ReadableSpan[] } {
  const f = new SpanFactory('support-bot');
  const root = f.start('turn');
  const step1 = f.start('step', root);
  const chat1 = f.start('chat gpt-4o', step1, CHAT);
  const step2 = f.start('step', root);
  const chat2 = f.start('chat gpt-4o', step2, CHAT);
  const step3 = f.start('step', root);
  const late = f.start('chat gpt-4o late', step3, CHAT);
  const first = f.end(chat1, step1, chat2, step2, step3, root);
  return { first, second: f.end(late) };
}

async function exportTurn(foldSpans: boolean, prepare?: (h: Harness) => void) {
  h = await harness({ foldSpans, maxAttempts: 1 });
  prepare?.(h);
  const { first, second } = turn();
  await exportBatch(h.exporter, first);
  await h.exporter.forceFlush();
  const firstRequests = h.server.requests.length;
  await exportBatch(h.exporter, second);
  await h.exporter.forceFlush();
  const [trace, ...others] = h.server.traces();
  expect(others).toHaveLength(0);
  const spans = trace!.spans;
  const idOf = (name: string) => spans.find((s) => s.name === name)?.id;
  return { spans, idOf, requests: [firstRequests, h.server.requests.length - firstRequests], stats: h.exporter.getStats() };
}

describe('foldSpans over real HTTP', () => {
  it('fewer requests, the summary on the parent, a late child of a folded span nested under the parent', async () => {
    const off = await exportTurn(false);
    // POST trace + 6 spans + PATCH (final status); then the late span.
    expect(off.requests).toEqual([8, 1]);
    expect(off.spans).toHaveLength(7);
    const lateOff = off.spans.find((s) => s.name === 'chat gpt-4o late')!;
    expect(off.spans.find((s) => s.id === lateOff.parentSpanId)?.name).toBe('step');
    await h!.close();
    h = undefined;

    const on = await exportTurn(true);
    // The three `step` spans are not posted.
    expect(on.requests).toEqual([5, 1]);
    expect(on.spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'chat gpt-4o', 'chat gpt-4o late', 'turn']);
    const rootId = on.idOf('turn');
    for (const span of on.spans.filter((s) => s.name.startsWith('chat'))) expect(span.parentSpanId).toBe(rootId);
    const root = on.spans.find((s) => s.name === 'turn')!;
    expect(root.input).toEqual({ folded_spans: { count: 3, duration_ms: expect.any(Number), names: [{ name: 'step', count: 3 }] } });
    // Folded spans count as delivered: nothing held, nothing dropped.
    expect(on.stats).toMatchObject({ heldSpans: 0, dropped: {} });
  });

  it('the parent fails for now: its folded spans stay held and are folded again when it is retried', async () => {
    const on = await exportTurn(true, (h) => h.server.faults.failNext(1, 503, { match: { method: 'POST', path: /\/spans$/ } }));
    expect(h!.server.requests.filter((r) => r.status === 503)).toHaveLength(1);
    expect(on.spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o', 'chat gpt-4o', 'chat gpt-4o late', 'turn']);
    const rootId = on.idOf('turn');
    for (const span of on.spans.filter((s) => s.name.startsWith('chat'))) expect(span.parentSpanId).toBe(rootId);
    expect(on.spans.find((s) => s.name === 'turn')!.input).toMatchObject({ folded_spans: { count: 3 } });
    expect(on.stats).toMatchObject({ heldSpans: 0, dropped: {} });
  });

  it('the parent is refused for good: its folded spans are counted as dropped for the same reason', async () => {
    const on = await exportTurn(true, (h) => h.server.faults.failNext(1, 400, { body: { error: 'Validation failed', fields: { name: 'bad' } }, match: { method: 'POST', path: /\/spans$/ } }));
    expect(h!.server.requests.filter((r) => r.status === 400)).toHaveLength(1);
    // The model calls nest under the refused span's parent (top level); the late one waits for a
    // parent that never comes, then goes at the top level too.
    expect(on.spans.map((s) => [s.name, s.parentSpanId])).toEqual(expect.arrayContaining([['chat gpt-4o', null], ['chat gpt-4o', null]]));
    expect(on.stats).toMatchObject({ heldSpans: 0, dropped: { invalid: 4 } });
  });
});
