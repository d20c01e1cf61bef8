/** What every line the register entry prints starts with, so a user can grep for it. */
export const LINE_PREFIX = '[nexus-otel]';

const said = new Set<string>();

/**
 * One line on stderr, once per distinct message. The register entry is configured by environment
 * variables alone, so its user has set up no diag logger: stderr is where a misconfiguration is seen.
 * Messages never contain the API key.
 */
export function say(message: string): void {
  if (said.has(message)) return;
  said.add(message);
  writeLine(message);
}

/** One `[nexus-otel] …` line on stderr, as is: the caller decides what is said once. */
export function writeLine(message: string): void {
  try {
    process.stderr.write(`${LINE_PREFIX} ${message}\n`);
  } catch {
    // A closed stderr must not break the app.
  }
}
