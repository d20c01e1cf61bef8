import type { NexusExporterOptions } from '@nexus-otel/exporter';
import { recordUserFeedback } from '@nexus-otel/exporter/feedback';
import { answer } from './model.js';
import { startTelemetry } from './telemetry.js';

export const QUESTION = 'How do I get a refund?';
/** The app's span around one question: the trace in Nexus, named after it. */
export const RUN_SPAN = 'support-question';
export const FEEDBACK = { score: 1, comment: 'Clear, and it worked.' } as const;

export interface FeedbackExampleRun {
  answer: string;
  responseId: string;
  /** The OTel trace id of the answer (`otel_trace_id` in the Nexus trace's metadata). */
  traceId: string;
  /** Whether recordUserFeedback emitted the record (false: it was invalid, and a diag warning says why). */
  feedbackRecorded: boolean;
}

/**
 * The scenario of the Foundry tracing guide: the app answers and keeps the response id; later the
 * user gives a thumbs up with a comment, and the app records it with recordUserFeedback. The answer
 * is sent to Nexus before the feedback is recorded, as when a user clicks minutes later: the
 * feedback joins the trace already in Nexus, under the rated model call.
 */
export async function runFeedbackExample(
  nexus: NexusExporterOptions = {},
  /** Called once the answer is in Nexus, before the feedback: the time the user takes to react. */
  onAnswered: () => void | Promise<void> = () => {},
): Promise<FeedbackExampleRun> {
  const telemetry = startTelemetry(nexus);
  try {
    const { reply, traceId } = await telemetry.tracer.startActiveSpan(RUN_SPAN, async (root) => {
      try {
        return { reply: await answer(telemetry.tracer, QUESTION), traceId: root.spanContext().traceId };
      } finally {
        root.end();
      }
    });
    // What a chat backend keeps with the message it shows: the id to rate it by.
    const responseId = reply.responseId;
    await telemetry.forceFlush(); // the answer's trace is in Nexus now
    await onAnswered();

    // …later, the user clicks thumbs up and writes a comment:
    const feedbackRecorded = recordUserFeedback({ responseId, score: FEEDBACK.score, comment: FEEDBACK.comment });
    return { answer: reply.text, responseId, traceId, feedbackRecorded };
  } finally {
    await telemetry.shutdown();
  }
}
