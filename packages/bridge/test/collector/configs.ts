// Collector configs (YAML) for the bridge tests, for the distribution in this folder (v0.161.0).
// The receiver ports are left to run.ts: the YAML reads them with the Collector's ${env:NAME} expansion.
//
// Component names are the v0.161.0 ones: `otlp_http` and `load_balancing` (the older `otlphttp` and
// `loadbalancing` still work there as deprecated aliases and log a warning).

export type Signal = 'traces' | 'logs';

export interface CommonOptions {
  /** Pipelines to build (default both; the bridge takes /v1/traces and /v1/logs, not metrics). */
  signals?: Signal[];
  /** The batch processor's timeout (default 200ms, so tests see data quickly). */
  batchTimeout?: string;
  /** The batch processor's send_batch_size (default 8192, the Collector's). */
  batchSize?: number;
  /** Add the memory_limiter processor first in each pipeline, with this limit in MiB. */
  memoryLimitMiB?: number;
  /** Also print what passes to the Collector's log through the debug exporter. */
  debug?: 'basic' | 'normal' | 'detailed';
  /** Sent as `Authorization: Bearer <token>` on every export. */
  bearerToken?: string;
  /** Compression of the exports (default gzip). */
  compression?: 'gzip' | 'zstd' | 'snappy' | 'none';
  /** Per-request timeout of the exports (default 10s). */
  timeout?: string;
  /** The exporter's retries on 429/502/503/504 and network errors (default: on, 100ms to 1s, 30s in all); false for none. */
  retry?: false | { initialInterval?: string; maxInterval?: string; maxElapsedTime?: string };
  /** The Collector's own log level (default info). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface BridgeConfigOptions extends CommonOptions {
  /** The bridge's base URL; the exporter posts to <bridgeUrl>/v1/traces and <bridgeUrl>/v1/logs. */
  bridgeUrl: string;
  /** OTLP/HTTP body encoding (default proto; json lets a plain sink read trace ids). */
  encoding?: 'proto' | 'json';
}

export interface LoadBalancedConfigOptions extends CommonOptions {
  /**
   * The backends, each `host:port` of an OTLP/gRPC receiver. In v0.161.0 the load_balancing exporter
   * only speaks OTLP/gRPC (its `protocol` section holds an `otlp` exporter config, nothing else), so
   * these are bridges with an OTLP/gRPC receiver, or Collectors running bridgeConfig() in front of
   * OTLP/HTTP-only bridges (their gRPC port).
   */
  backends: string[];
}

/** OTLP receiver (HTTP + gRPC) → [memory_limiter] → batch → otlp_http exporter to one bridge. */
export function bridgeConfig(options: BridgeConfigOptions): string {
  const exporter: Record<string, unknown> = {
    endpoint: options.bridgeUrl.replace(/\/+$/, ''),
    encoding: options.encoding ?? 'proto',
    compression: options.compression ?? 'gzip',
    timeout: options.timeout ?? '10s',
    retry_on_failure: retryConfig(options.retry),
  };
  if (options.bearerToken !== undefined) exporter.headers = { Authorization: `Bearer ${options.bearerToken}` };
  return collectorConfig(options, 'otlp_http/bridge', exporter);
}

/**
 * OTLP receiver (HTTP + gRPC) → [memory_limiter] → batch → load_balancing exporter with
 * routing_key traceID over a static list of OTLP/gRPC backends: every span of a trace goes to the
 * same backend (log records by their trace id; those without one go to any backend).
 */
export function loadBalancedConfig(options: LoadBalancedConfigOptions): string {
  if (options.backends.length === 0) throw new Error('loadBalancedConfig needs at least one backend');
  const otlp: Record<string, unknown> = {
    tls: { insecure: true },
    compression: options.compression ?? 'gzip',
    timeout: options.timeout ?? '10s',
  };
  if (options.bearerToken !== undefined) otlp.headers = { authorization: `Bearer ${options.bearerToken}` };
  const exporter = {
    routing_key: 'traceID',
    protocol: { otlp },
    resolver: { static: { hostnames: options.backends } },
    retry_on_failure: retryConfig(options.retry),
  };
  return collectorConfig(options, 'load_balancing', exporter);
}

function retryConfig(retry: CommonOptions['retry']): Record<string, unknown> {
  if (retry === false) return { enabled: false };
  return {
    enabled: true,
    initial_interval: retry?.initialInterval ?? '100ms',
    max_interval: retry?.maxInterval ?? '1s',
    max_elapsed_time: retry?.maxElapsedTime ?? '30s',
  };
}

function collectorConfig(options: CommonOptions, exporterId: string, exporter: Record<string, unknown>): string {
  const processors: Record<string, unknown> = {};
  const chain: string[] = [];
  if (options.memoryLimitMiB !== undefined) {
    processors.memory_limiter = { check_interval: '1s', limit_mib: options.memoryLimitMiB };
    chain.push('memory_limiter');
  }
  processors.batch = { timeout: options.batchTimeout ?? '200ms', send_batch_size: options.batchSize ?? 8192 };
  chain.push('batch');

  const exporters: Record<string, unknown> = { [exporterId]: exporter };
  const exporterIds = [exporterId];
  if (options.debug !== undefined) {
    exporters.debug = { verbosity: options.debug };
    exporterIds.push('debug');
  }

  const pipelines: Record<string, unknown> = {};
  for (const signal of options.signals ?? ['traces', 'logs']) {
    pipelines[signal] = { receivers: ['otlp'], processors: chain, exporters: exporterIds };
  }

  return toYaml({
    receivers: {
      otlp: {
        protocols: {
          http: { endpoint: '127.0.0.1:${env:OTELCOL_OTLP_HTTP_PORT}' },
          grpc: { endpoint: '127.0.0.1:${env:OTELCOL_OTLP_GRPC_PORT}' },
        },
      },
    },
    processors,
    exporters,
    service: {
      // No Prometheus endpoint on :8888, so several Collectors can run side by side.
      telemetry: { logs: { level: options.logLevel ?? 'info' }, metrics: { level: 'none' } },
      pipelines,
    },
  });
}

/** A small YAML writer: block mappings and sequences, scalars as JSON (valid YAML). */
export function toYaml(value: unknown, indent = ''): string {
  const lines: string[] = [];
  const scalar = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  const isNested = (v: unknown): boolean => v !== null && typeof v === 'object' && Object.keys(v).length > 0;
  const emptyOf = (v: unknown): string => (Array.isArray(v) ? '[]' : '{}');
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isNested(item)) lines.push(`${indent}-\n${toYaml(item, `${indent}  `)}`);
      else lines.push(`${indent}- ${item !== null && typeof item === 'object' ? emptyOf(item) : scalar(item)}`);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (isNested(v)) lines.push(`${indent}${key}:\n${toYaml(v, `${indent}  `)}`);
      else lines.push(`${indent}${key}: ${v !== null && typeof v === 'object' ? emptyOf(v) : scalar(v)}`);
    }
  } else {
    lines.push(`${indent}${scalar(value)}`);
  }
  return lines.join('\n') + (indent === '' ? '\n' : '');
}
