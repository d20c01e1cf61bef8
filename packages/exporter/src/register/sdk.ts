import { loadFrom, loadFromApp, packageVersion, type LoadResult } from './load.js';

type Ctor = new (...args: unknown[]) => object;

export interface NodeSdkLike {
  start(): void;
  shutdown(): Promise<void>;
}

/** The part of `@opentelemetry/api` used here: the SDK's own copy, so globals are set in its version. */
export interface ApiLike {
  diag: {
    setLogger(logger: object, options: { logLevel: number; suppressOverrideMessage?: boolean }): boolean;
    info(message: string): void;
  };
  DiagLogLevel: { WARN: number };
  trace: { getTracerProvider(): object };
  ProxyTracerProvider: new () => { getDelegate(): object };
}

/**
 * Whether another SDK in this process registered the global tracer provider already: the API keeps
 * the first, so one registered now would never see a span. The global is a proxy whose delegate is
 * the no-op provider until a registration.
 */
export function tracerProviderTaken(api: ApiLike): boolean {
  const global = api.trace.getTracerProvider() as { getDelegate?: () => object };
  if (typeof global.getDelegate !== 'function') return false;
  return global.getDelegate() !== new api.ProxyTracerProvider().getDelegate();
}

/**
 * The installed `@opentelemetry/sdk-node` and the parts of its line that build processors and the
 * standard exporters, each resolved from sdk-node's own location (its dependencies), so they match
 * the SDK the app installed: 0.2xx (OTel JS 2.x) or 0.3xx (3.x).
 */
export interface Sdk {
  version: string;
  /** The version of the SDK's `@opentelemetry/api`, the one the globals are registered with. */
  apiVersion: string | undefined;
  NodeSDK: new (config: Record<string, unknown>) => NodeSdkLike;
  api: ApiLike;
  /** A package of the SDK's line (OTLP and Zipkin exporters), or why not. */
  load(name: string): LoadResult;
  batchSpanProcessor(exporter: object, config: Record<string, number>): object;
  simpleSpanProcessor(exporter: object): object;
  consoleSpanExporter(): object;
  batchLogRecordProcessor(exporter: object, config: Record<string, number>): object;
  simpleLogRecordProcessor(exporter: object): object;
  consoleLogRecordExporter(): object;
}

export type SdkResult = { ok: true; sdk: Sdk } | { ok: false; problem: string };

const SDK_NODE = '@opentelemetry/sdk-node';

export function loadSdk(): SdkResult {
  const node = loadFromApp(SDK_NODE);
  if (!node.ok) {
    return {
      ok: false,
      problem: node.missing
        ? `${SDK_NODE} is not installed, so nothing is traced: npm install ${SDK_NODE} (0.2xx for OTel JS 2.x, 0.3xx for 3.x on Node >= 22.15). The app runs on.`
        : `${SDK_NODE} failed to load (${node.error}), so nothing is traced. The app runs on.`,
    };
  }
  const from = node.loaded.file;
  const NodeSDK = ctor(node.loaded.exports, 'NodeSDK');
  const api = loadFrom(from, '@opentelemetry/api');
  const logs = loadFrom(from, '@opentelemetry/sdk-logs');
  // sdk-node >= 0.21x builds on @opentelemetry/sdk-trace (processors take `{ exporter }`); older 0.2xx
  // on sdk-trace-base (processors take the exporter first).
  const traceNew = loadFrom(from, '@opentelemetry/sdk-trace');
  const trace = traceNew.ok ? traceNew : loadFrom(from, '@opentelemetry/sdk-trace-base');
  if (!NodeSDK || !api.ok || !logs.ok || !trace.ok) {
    return { ok: false, problem: `${SDK_NODE} ${packageVersion(from, SDK_NODE) ?? ''} is not one this register entry knows how to start; nothing is traced. The app runs on.` };
  }
  const spanOptionsStyle = traceNew.ok;
  const logsVersion = packageVersion(logs.loaded.file, '@opentelemetry/sdk-logs') ?? '0.0.0';
  // sdk-logs took `{ exporter }` from 0.220 on (and in 3.x); before, the exporter came first.
  const [logsMajor = 0, logsMinor = 0] = logsVersion.split('.').map(Number);
  const logOptionsStyle = logsMajor > 0 || logsMinor >= 220;

  const part = (module: LoadResult & { ok: true }, name: string): Ctor => {
    const found = ctor(module.loaded.exports, name);
    if (!found) throw new Error(`${name} not found`);
    return found;
  };
  const BatchSpanProcessor = part(trace, 'BatchSpanProcessor');
  const SimpleSpanProcessor = part(trace, 'SimpleSpanProcessor');
  const ConsoleSpanExporter = part(trace, 'ConsoleSpanExporter');
  const BatchLogRecordProcessor = part(logs, 'BatchLogRecordProcessor');
  const SimpleLogRecordProcessor = part(logs, 'SimpleLogRecordProcessor');
  const ConsoleLogRecordExporter = part(logs, 'ConsoleLogRecordExporter');

  return {
    ok: true,
    sdk: {
      version: packageVersion(from, SDK_NODE) ?? 'unknown',
      apiVersion: packageVersion(api.loaded.file, '@opentelemetry/api'),
      NodeSDK: NodeSDK as unknown as Sdk['NodeSDK'],
      api: api.loaded.exports as ApiLike,
      load: (name) => loadFrom(from, name),
      batchSpanProcessor: (exporter, config) =>
        spanOptionsStyle ? new BatchSpanProcessor({ exporter, ...config }) : new BatchSpanProcessor(exporter, config),
      simpleSpanProcessor: (exporter) => (spanOptionsStyle ? new SimpleSpanProcessor({ exporter }) : new SimpleSpanProcessor(exporter)),
      consoleSpanExporter: () => new ConsoleSpanExporter(),
      batchLogRecordProcessor: (exporter, config) =>
        logOptionsStyle ? new BatchLogRecordProcessor({ exporter, ...config }) : new BatchLogRecordProcessor(exporter, config),
      simpleLogRecordProcessor: (exporter) =>
        logOptionsStyle ? new SimpleLogRecordProcessor({ exporter }) : new SimpleLogRecordProcessor(exporter),
      consoleLogRecordExporter: () => new ConsoleLogRecordExporter(),
    },
  };
}

/** A class exported under `name`, if there is one. */
export function ctor(exports: unknown, name: string): Ctor | undefined {
  const value = exports !== null && typeof exports === 'object' ? (exports as Record<string, unknown>)[name] : undefined;
  return typeof value === 'function' ? (value as Ctor) : undefined;
}
