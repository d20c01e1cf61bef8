// `node --import ./hooks.mjs`: the loader hook OpenTelemetry documents for ESM apps
// (import-in-the-middle), so instrumentations can patch what ES modules import, node:http included.
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
