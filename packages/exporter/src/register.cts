// `node --require @nexus-otel/exporter/register app.cjs`: the CommonJS form of register.ts. The
// package is ESM; Node >= 20.19 / 22.12 loads it synchronously with require(esm), so the SDK and its
// require hooks are in place before the app's first require, as with `--import`.
type Start = typeof import('./register/start.js');

// `--require` preloads also run in Node's module-hooks thread, which cannot require(esm) at all
// (Node 22 fails the hook registration): there, nothing is loaded.
if (!(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) {
  // Not the app's thread.
} else if (process.features.require_module) {
  (require('./register/start.js') as Start).startFromEnv();
} else {
  // Older Node: only asynchronously, after the app's first modules loaded: those are not patched.
  process.stderr.write(
    `[nexus-otel] --require on Node ${process.versions.node} starts OpenTelemetry only after the app's first modules, which are not instrumented: use --import @nexus-otel/exporter/register (or Node >= 20.19).\n`,
  );
  import('./register/start.js').then(
    (module: Start) => module.startFromEnv(),
    (error: unknown) => process.stderr.write(`[nexus-otel] OpenTelemetry did not start: ${String(error).slice(0, 300)}\n`),
  );
}
