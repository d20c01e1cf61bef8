/** The switch the OpenTelemetry GenAI instrumentations share for recording message content. */
export const CAPTURE_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** The config's choice, else the environment's (`true`, any case); off by default. */
export function captureContent(configured: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (configured !== undefined) return configured;
  return env[CAPTURE_ENV]?.trim().toLowerCase() === 'true';
}
