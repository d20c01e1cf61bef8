// `npm run demo`: the azure-agents example against a local Foundry stub, exported to a local Nexus,
// then the run's summary and the URL of its trace view, served until Ctrl+C. On Node older than the
// example needs, it fetches Node 22 from the npm registry (linux-x64) and runs itself again with it.
import { nodeSupportProblem } from '@nexus-otel/example-azure-agents/node-support';
import { relaunchWithNode22 } from './node22.js';
import { parseDemoArgs } from './options.js';

const args = process.argv.slice(2);
const options = parseDemoArgs(args);
// `{}`: the demo always uses the local Foundry stub, whose certificate needs Node >= 22.19.
const problem = nodeSupportProblem({});
if ('error' in options) {
  console.error(`[demo] ${options.error}`);
  process.exitCode = 2;
} else if (problem) {
  process.exitCode = await relaunchWithNode22(problem, args);
} else {
  // Loaded only on a Node that can run it: it imports @azure/ai-projects.
  const { runDemo } = await import('./demo.js');
  await runDemo(options);
}
