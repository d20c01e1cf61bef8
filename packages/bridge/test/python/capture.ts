import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export interface OtlpExport {
  signal: OtlpSignal;
  contentType: string;
  /** The request body as the exporter meant it (decompressed if it was gzip/deflate). */
  body: Buffer;
}

export interface OtlpSink {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT (the exporters append /v1/<signal>). */
  readonly url: string;
  readonly exports: readonly OtlpExport[];
  /** The bodies of one signal, in arrival order. */
  bodies(signal: OtlpSignal): Buffer[];
  /**
   * The bodies of one signal as one protobuf message: concatenating serialized messages of one type
   * is their merge, so N ExportTraceServiceRequests make one whose resource_spans are all of theirs.
   */
  merged(signal: OtlpSignal): Buffer;
  close(): Promise<void>;
}

const SIGNALS: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

/**
 * A minimal OTLP/HTTP receiver on 127.0.0.1 that keeps what it is sent: POST /v1/traces, /v1/logs and
 * /v1/metrics, protobuf (application/x-protobuf) or JSON bodies alike, answered 200 with an empty
 * Export*ServiceResponse (an empty protobuf message is zero bytes). Anything else gets 404/405.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  const exports: OtlpExport[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://sink.invalid').pathname;
      const signal = SIGNALS[path];
      if (!signal) {
        res.writeHead(404).end();
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      let body = Buffer.concat(chunks);
      try {
        const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
        if (encoding === 'gzip') body = gunzipSync(body);
        else if (encoding === 'deflate') body = inflateSync(body);
      } catch {
        res.writeHead(400).end();
        return;
      }
      exports.push({ signal, contentType, body });
      const json = contentType.includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const bodies = (signal: OtlpSignal): Buffer[] => exports.filter((e) => e.signal === signal).map((e) => e.body);
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    bodies,
    merged: (signal) => Buffer.concat(bodies(signal)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
