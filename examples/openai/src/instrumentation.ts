// Loaded before the app: `node --import ./dist/instrumentation.js dist/main.js`. The OpenAI
// instrumentation patches `openai` as it is imported; under ESM that takes a loader hook
// (import-in-the-middle) registered before the first `import 'openai'`, which is what --import
// guarantees for any app. Without the hook, an ESM app gets an unpatched client and no span at all.
import { register } from 'node:module';
import { nodeSupportProblem } from './node-support.js';
import type { Telemetry } from './telemetry.js';

/** Why this Node cannot run the example, or undefined; then nothing was set up. */
export const unsupported = nodeSupportProblem();

let telemetry: Telemetry | undefined;
if (!unsupported) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  // Imported after the check: the 3.x packages need Node >= 22.15.
  const { startTelemetry } = await import('./telemetry.js');
  telemetry = startTelemetry();
}

/** Flushes everything to Nexus; call it before the process ends. */
export async function shutdownTelemetry(): Promise<void> {
  await telemetry?.shutdown();
}
