import { parseArgs } from 'node:util';
import { NexusBridge } from './bridge.js';
import type { BridgeOptions } from './config.js';

const HELP = `nexus-otel-bridge: an OTLP/HTTP receiver that sends spans to Nexus as whole traces

Usage: nexus-otel-bridge [--host 127.0.0.1] [--port 4318] [--grpc-port 4317|off] [--spool-dir DIR]

Receives OTLP/HTTP (POST /v1/traces and /v1/logs; application/x-protobuf or application/json;
gzip) and OTLP/gRPC (the trace and logs services), maps
GenAI spans as @nexus-otel/exporter does, and uploads each trace to Nexus once. A request is
written to the spool before it is acknowledged; after a crash, the next start delivers it.

Options (each also an environment variable):
  --host H          NEXUS_BRIDGE_HOST       interface to listen on (127.0.0.1; others need a token)
  --port N          NEXUS_BRIDGE_PORT       OTLP/HTTP port (4318)
  --grpc-port N     NEXUS_BRIDGE_GRPC_PORT  OTLP/gRPC port (4317), or off
  --spool-dir DIR   NEXUS_BRIDGE_SPOOL_DIR  where acknowledged requests wait for Nexus (required)
                    NEXUS_BRIDGE_TOKEN      bearer token senders must present (required off loopback)
                    NEXUS_BRIDGE_KEY_HEADER true: senders may give their Nexus key in x-nexus-api-key
                    NEXUS_BRIDGE_SPOOL_MAX_BYTES, NEXUS_BRIDGE_MAX_BODY_BYTES, NEXUS_BRIDGE_MAX_PENDING_SPANS
                    NEXUS_API_KEY, NEXUS_BASE_URL, NEXUS_*  the exporter's settings (docs/configuration.md)
  -h, --help        this text

GET /health answers 200; GET /stats the counters (with the token when one is set).
Docs: docs/collector.md`;

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let values: { host?: string | undefined; port?: string | undefined; 'grpc-port'?: string | undefined; 'spool-dir'?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, 'grpc-port': { type: 'string' }, 'spool-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`nexus-otel-bridge: ${(error as Error).message}\n\n${HELP}\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const options: Partial<BridgeOptions> = {};
  if (values.host !== undefined) options.host = values.host;
  if (values.port !== undefined) options.port = Number(values.port);
  if (values['grpc-port'] !== undefined) options.grpcPort = values['grpc-port'] === 'off' ? false : Number(values['grpc-port']);
  if (values['spool-dir'] !== undefined) options.spoolDir = values['spool-dir'];
  let bridge: NexusBridge;
  try {
    bridge = await NexusBridge.start(options);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`nexus-otel-bridge listening on ${bridge.url} (POST /v1/traces, /v1/logs)${bridge.grpcAddress ? ` and ${bridge.grpcAddress} (OTLP/gRPC)` : ''}\n`);
  const stop = (signal: NodeJS.Signals): void => {
    process.stdout.write(`nexus-otel-bridge: ${signal}, stopping\n`);
    void bridge.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
