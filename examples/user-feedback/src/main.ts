// `npm start`: an answer, then the user's feedback on it, both exported to Nexus (NEXUS_API_KEY).
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { runFeedbackExample } from './example.js';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
if (!process.env['NEXUS_API_KEY']) console.error('NEXUS_API_KEY is not set: the run reaches no Nexus.');
const run = await runFeedbackExample();
console.log(`answered (response ${run.responseId}): ${run.answer}`);
console.log(run.feedbackRecorded ? 'user feedback recorded: in Nexus, a "feedback" span under the chat span' : 'user feedback was not recorded (see the warning above)');
console.log(`OTel trace id ${run.traceId} (otel_trace_id in the Nexus trace's metadata)`);
