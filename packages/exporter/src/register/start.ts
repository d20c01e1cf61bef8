import { isMainThread } from 'node:worker_threads';
import { installNexusDiag } from './diag-filter.js';
import { autoOverlap, autoRegisterBefore, autoRegisterPreloaded, preloadOrder } from './auto-register.js';
import { registerEsmHook } from './esm-hook.js';
import { buildPipelines } from './exporters.js';
import { loadInstrumentations } from './instrumentations.js';
import { planFromEnv, sdkDisabled, type Env } from './plan.js';
import { say } from './say.js';
import { loadSdk, tracerProviderTaken } from './sdk.js';
import { flushOnExit } from './shutdown.js';

export interface Registered {
  /** The names of the exporters built, per signal, and the instrumentations enabled. */
  traces: readonly string[];
  logs: readonly string[];
  instrumentations: readonly string[];
  /** Flushes and shuts the SDK down (also done on exit). */
  shutdown(): Promise<void>;
}

const STARTED = Symbol.for('@nexus-otel/exporter/register');
const OWN = '@nexus-otel/exporter/register';

/**
 * `node --import @nexus-otel/exporter/register app.js`: starts the app's OpenTelemetry Node SDK
 * from environment variables alone, with `nexus` and `azuremonitor` among the exporter names, the
 * log pipeline that carries message content and feedback, and the GenAI instrumentations the app
 * has installed. Each problem is one line on stderr and the app runs on; this never throws.
 * Starts once per process, however many times it is loaded.
 */
export function startFromEnv(env: Env = process.env): Registered | undefined {
  // Main thread only: `--require` preloads also run in Node's module-hooks thread (and `--import`
  // ones in worker threads), where a second SDK would be wrong, and where registering hooks breaks.
  if (!isMainThread) return undefined;
  const global = globalThis as Record<symbol, unknown>;
  if (global[STARTED]) return undefined;
  global[STARTED] = true;
  try {
    return start(env);
  } catch (error) {
    say(`OpenTelemetry did not start: ${String(error).slice(0, 300)}. The app runs on.`);
    return undefined;
  }
}

function start(env: Env): Registered | undefined {
  if (sdkDisabled(env)) {
    say('OTEL_SDK_DISABLED=true: OpenTelemetry not started.');
    return undefined;
  }
  const loaded = loadSdk();
  if (!loaded.ok) {
    say(loaded.problem);
    return undefined;
  }
  const { sdk } = loaded;
  // With @opentelemetry/auto-instrumentations-node/register also preloaded, this entry must run
  // first: it starts the SDK, and the other's instrumentations report to that SDK's global provider.
  const preloads = preloadOrder(process.execArgv, process.env['NODE_OPTIONS']);
  const autoFirst = autoRegisterBefore(preloads);
  if (tracerProviderTaken(sdk.api)) {
    say(
      autoFirst
        ? `@opentelemetry/auto-instrumentations-node/register ran before ${OWN} and started its SDK with the exporters it knows, so nothing would reach Nexus: ${OWN} does not start a second one. Put --import ${OWN} first.`
        : `OpenTelemetry was already started in this process (a tracer provider is registered), so nothing would reach Nexus: ${OWN} does not start a second SDK. Preload it before the code that starts the other one, or add a NexusSpanExporter to that SDK.`,
    );
    return undefined;
  }
  if (autoFirst) {
    say(
      `@opentelemetry/auto-instrumentations-node/register ran before ${OWN}: its SDK may hold the log pipeline, and with it the message content Nexus shows. Put --import ${OWN} first.`,
    );
  }
  if (!env['OTEL_LOG_LEVEL']?.trim()) installNexusDiag(sdk.api);

  const plan = planFromEnv(env);
  for (const problem of plan.problems) say(problem);
  const pipelines = buildPipelines(plan, sdk, env, say);
  const instrumentations = loadInstrumentations(env, sdk.apiVersion, say);
  if (autoRegisterPreloaded(preloads)) {
    const overlap = autoOverlap(env, instrumentations.map((i) => i.package));
    if (overlap) say(overlap);
  }
  registerEsmHook(instrumentations, say);

  const nodeSdk = new sdk.NodeSDK({
    spanProcessors: pipelines.spanProcessors,
    logRecordProcessors: pipelines.logRecordProcessors,
    // Unset OTEL_METRICS_EXPORTER: no metrics, rather than the SDK's default of OTLP to localhost.
    ...(plan.metricsFromEnv ? {} : { metricReaders: [] }),
    instrumentations: instrumentations.map((i) => i.instance),
  });
  nodeSdk.start();
  const shutdown = flushOnExit(nodeSdk, say);

  const registered: Registered = {
    traces: pipelines.traces,
    logs: pipelines.logs,
    instrumentations: instrumentations.map((i) => i.package),
    shutdown,
  };
  sdk.api.diag.info(
    `NexusRegister: started @opentelemetry/sdk-node ${sdk.version}: traces → ${list(registered.traces)}; logs → ${list(registered.logs)}; instrumentations: ${list(registered.instrumentations)}`,
  );
  return registered;
}

function list(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}
