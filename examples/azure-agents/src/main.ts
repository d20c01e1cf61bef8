// `npm start [-- --console]`: one agent run with code interpreter and a function tool, traced by
// ai-projects and exported to Nexus (NEXUS_API_KEY) and, with --console, to the console. Against
// the local Foundry stub, or Azure when AZURE_AI_PROJECT_ENDPOINT is set.
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { nodeSupportProblem } from './node-support.js';

const problem = nodeSupportProblem();
if (problem) {
  console.error(problem);
  process.exitCode = 1;
} else {
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  if (!process.env['NEXUS_API_KEY']) {
    console.error('NEXUS_API_KEY is not set: the run reaches no Nexus (`npm run demo` at the repository root starts a local one).');
  }
  // Loaded after the check: it imports @azure/ai-projects.
  const { runAzureAgentsExample } = await import('./example.js');
  const run = await runAzureAgentsExample({ console: process.argv.includes('--console'), log: (line) => console.log(line) });
  console.log(`agent answered: ${run.answer}`);
  console.log(`OTel trace id ${run.traceId} (otel_trace_id in the Nexus trace's metadata)`);
}
