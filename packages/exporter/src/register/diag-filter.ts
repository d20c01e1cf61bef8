import { LINE_PREFIX } from './say.js';
import type { ApiLike } from './sdk.js';

const OWN = /^Nexus\w*:/;

/**
 * Without OTEL_LOG_LEVEL nobody has set a diag logger, so the exporter's own runtime warnings (a
 * 401, a limit, dropped spans) would go nowhere. This logger prints those, at warn and above, on
 * stderr, and nothing of the rest of OpenTelemetry, which stays as quiet as the SDK leaves it.
 * With OTEL_LOG_LEVEL set the SDK installs its console logger and this one is not used.
 */
export function installNexusDiag(api: ApiLike): void {
  const write = (message: string): void => {
    if (!OWN.test(message)) return;
    try {
      process.stderr.write(`${LINE_PREFIX} ${message}\n`);
    } catch {
      // A closed stderr must not break the app.
    }
  };
  const logger = { error: write, warn: write, info: write, debug: write, verbose: write };
  api.diag.setLogger(logger, { logLevel: api.DiagLogLevel.WARN, suppressOverrideMessage: true });
}
