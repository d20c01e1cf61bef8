// One agent turn, twice (a hand-built provider, then @nexus-otel/azure), each landing in Nexus and
// in Application Insights with the same trace id. Local stand-ins for both unless NEXUS_API_KEY /
// APPLICATIONINSIGHTS_CONNECTION_STRING are set.
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { runExample } from './example.js';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

const runs = await runExample();
if (!runs.every((run) => run.landed)) process.exitCode = 1;
