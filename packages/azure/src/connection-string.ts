import type { ProjectWithTelemetry } from './options.js';

export interface ConnectionStringResult {
  /** Undefined: Application Insights is off. */
  connectionString: string | undefined;
  /** Why the project gave none (also set when the environment stood in for it). */
  problem?: string;
}

/**
 * The Application Insights connection string of the Foundry project (the resource connected to it
 * under Monitoring), else APPLICATIONINSIGHTS_CONNECTION_STRING. The project call fails with a 404
 * when no Application Insights resource is connected; that is a reason to say, not an error.
 */
export async function resolveConnectionString(project: ProjectWithTelemetry, env: NodeJS.ProcessEnv = process.env): Promise<ConnectionStringResult> {
  let problem: string;
  try {
    const value = (await project.telemetry.getApplicationInsightsConnectionString())?.trim();
    if (value) return { connectionString: value };
    problem = 'the project returned an empty Application Insights connection string';
  } catch (error) {
    problem = `the project has no Application Insights connection string (${messageOf(error)})`;
  }
  const fromEnv = env['APPLICATIONINSIGHTS_CONNECTION_STRING']?.trim();
  return { connectionString: fromEnv || undefined, problem };
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // One line, short: this ends up in a notice, and an SDK error can carry a whole response.
  return message.replace(/\s+/g, ' ').slice(0, 200);
}
