// `npm start`: one question to an OpenAI model that calls a tool, traced by
// @opentelemetry/instrumentation-openai with content capture, exported to Nexus (NEXUS_API_KEY).
// Against a local stub of the API, or OpenAI when OPENAI_API_KEY is set.
import { shutdownTelemetry, unsupported } from './instrumentation.js';

if (unsupported) {
  console.error(unsupported);
  process.exitCode = 1;
} else {
  if (!process.env['NEXUS_API_KEY']) console.error('NEXUS_API_KEY is not set: the run reaches no Nexus.');
  try {
    // Imported after the instrumentation is set up: that import of `openai` is the one it patches.
    const { runWeatherQuestion } = await import('./example.js');
    const run = await runWeatherQuestion();
    console.log(`asked the ${run.target}; the model answered: ${run.answer}`);
    console.log(`OTel trace id ${run.traceId} (otel_trace_id in the Nexus trace's metadata)`);
  } finally {
    await shutdownTelemetry();
  }
}
