import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { FEEDBACK, MODEL, QUESTION, RUN_SPAN, runFeedbackExample } from '../src/index.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('examples/user-feedback: recordUserFeedback after the answer is in Nexus', () => {
  it('adds a feedback span, with the score and the comment, under the rated chat span of the same trace', async () => {
    const key = generateKey();
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    cleanups.push(() => nexus.close());

    let before: Array<{ name: string; spans: string[] }> = [];
    const run = await runFeedbackExample({ apiKey: key, baseUrl: nexus.url }, () => {
      before = nexus.traces().map((t) => ({ name: t.name, spans: t.spans.map((s) => s.name) }));
    });
    expect(run.feedbackRecorded).toBe(true);

    const traces = nexus.traces();
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    expect(trace.name).toBe(RUN_SPAN);
    expect(trace.agentName).toBe('support-bot');
    expect(trace.metadata).toMatchObject({ otel_trace_id: run.traceId, response_id: run.responseId });

    const chat = trace.spans.find((s) => s.name === `chat ${MODEL}`);
    expect(chat?.input).toMatchObject({ messages: [{ role: 'user', parts: [{ type: 'text', content: QUESTION }] }] });
    const feedback = trace.spans.filter((s) => s.name === 'feedback');
    expect(feedback).toHaveLength(1);
    expect(feedback[0]!.parentSpanId).toBe(chat!.id);
    expect(feedback[0]!.input).toEqual({ score: FEEDBACK.score, comment: FEEDBACK.comment, response_id: run.responseId });
    // The answer was in Nexus before the user reacted; the feedback joined that same trace.
    expect(before).toEqual([{ name: RUN_SPAN, spans: [RUN_SPAN, `chat ${MODEL}`] }]);
  });
});
