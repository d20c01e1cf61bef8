// `node --import @nexus-otel/exporter/register app.js`: OpenTelemetry from environment variables
// alone (see register/start.ts). Runs before the app's first module, so every hook is in place.
import { startFromEnv } from './register/start.js';

startFromEnv();
