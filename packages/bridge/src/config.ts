/** What the bridge is told: options, or the environment (the table in docs/collector.md). */
export interface BridgeOptions {
  /** Interface to listen on. Default 127.0.0.1: anything else needs `token`. */
  host?: string;
  /** Default 4318 (OTLP/HTTP's port); 0 picks a free one. */
  port?: number;
  /** OTLP/gRPC port (what the Collector's load_balancing exporter speaks). Default 4317; false: none. */
  grpcPort?: number | false;
  /** Bearer token senders must present (`Authorization: Bearer …`). Required off loopback. */
  token?: string;
  /**
   * Accept the Nexus key per request in the `x-nexus-api-key` header (several tenants through one
   * bridge). Without it, that header is refused, and the bridge's own key (`NEXUS_API_KEY`) is used.
   */
  keyHeader?: boolean;
  /** Where acknowledged requests wait until Nexus has them. */
  spoolDir: string;
  /** Cap on the spool's disk use; full, senders get 503 and retry. Default 1 GiB. */
  spoolMaxBytes?: number;
  /** Cap on one request body, compressed and decompressed (a gzip bomb gets 413). Default 16 MiB. */
  maxBodyBytes?: number;
  /** Spans held (all tenants) above which senders get 429 and back off. Default 15,000. */
  maxPendingSpans?: number;
}

export interface ResolvedBridgeOptions {
  host: string;
  port: number;
  grpcPort: number | false;
  token: string | undefined;
  keyHeader: boolean;
  spoolDir: string;
  spoolMaxBytes: number;
  maxBodyBytes: number;
  maxPendingSpans: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** The options with the environment's values under them and defaults last; or why they cannot run. */
export function resolveBridgeOptions(options: Partial<BridgeOptions>, env: Env = process.env): { ok: true; options: ResolvedBridgeOptions } | { ok: false; reason: string } {
  const host = options.host ?? env['NEXUS_BRIDGE_HOST'] ?? '127.0.0.1';
  const port = options.port ?? intFrom(env['NEXUS_BRIDGE_PORT']) ?? 4318;
  const token = options.token ?? (env['NEXUS_BRIDGE_TOKEN']?.trim() || undefined);
  const spoolDir = options.spoolDir ?? env['NEXUS_BRIDGE_SPOOL_DIR'] ?? '';
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { ok: false, reason: `port ${String(port)} is not a TCP port` };
  const grpcRaw = env['NEXUS_BRIDGE_GRPC_PORT']?.trim();
  const grpcPort = options.grpcPort ?? (grpcRaw === 'off' ? false : (intFrom(grpcRaw) ?? 4317));
  if (grpcPort !== false && (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535)) return { ok: false, reason: `gRPC port ${String(grpcPort)} is not a TCP port (or "off")` };
  if (!isLoopback(host) && !token) {
    return { ok: false, reason: `listening on ${host} (not loopback) needs NEXUS_BRIDGE_TOKEN: anyone who can reach the port could write to your Nexus account` };
  }
  if (!spoolDir) return { ok: false, reason: 'no spool directory: set NEXUS_BRIDGE_SPOOL_DIR (or --spool-dir), where acknowledged requests wait for Nexus' };
  return {
    ok: true,
    options: {
      host,
      port,
      grpcPort,
      token,
      keyHeader: options.keyHeader ?? flag(env['NEXUS_BRIDGE_KEY_HEADER']),
      spoolDir,
      spoolMaxBytes: options.spoolMaxBytes ?? intFrom(env['NEXUS_BRIDGE_SPOOL_MAX_BYTES']) ?? 1024 * 1024 * 1024,
      maxBodyBytes: options.maxBodyBytes ?? intFrom(env['NEXUS_BRIDGE_MAX_BODY_BYTES']) ?? 16 * 1024 * 1024,
      maxPendingSpans: options.maxPendingSpans ?? intFrom(env['NEXUS_BRIDGE_MAX_PENDING_SPANS']) ?? 15_000,
    },
  };
}

function intFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : Number.NaN;
}

function flag(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}
