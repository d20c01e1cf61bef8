import * as http from 'node:http';
import * as https from 'node:https';
import { context, createContextKey } from '@opentelemetry/api';

/** `suppressTracing` of `@opentelemetry/core`, by its key: HTTP instrumentation must not trace our own uploads. */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * What happened to one request. `sent` tells whether the request left entirely before it failed:
 * after that the server may have committed it, so a blind re-send could create a duplicate.
 */
export type HttpResult =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'failure'; sent: boolean; timedOut: boolean; message: string };

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** JSON over keep-alive connections to one base URL, with a hard per-request deadline. */
export class HttpTransport {
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;
  /** A true private field: `console.log(exporter)` or a crash dump does not print the key. */
  readonly #authorization: string;

  constructor(
    private readonly baseUrl: URL,
    authorization: string,
    private readonly timeoutMillis: number,
    maxSockets: number,
  ) {
    this.#authorization = authorization;
    const secure = baseUrl.protocol === 'https:';
    this.client = secure ? https : http;
    // Sockets never hold the process open, idle or in use (see `request`).
    const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  request(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return new Promise((resolve) => {
      let settled = false;
      let sent = false;
      let timedOut = false;
      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
      const url = new URL(this.baseUrl.pathname.replace(/\/$/, '') + path, this.baseUrl);
      let req: http.ClientRequest;
      try {
        req = context.with(context.active().setValue(SUPPRESS_TRACING, true), () => this.client.request(url, {
          method,
          agent: this.agent,
          headers: {
            authorization: this.#authorization,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        }));
      } catch (error) {
        finish({ kind: 'failure', sent: false, timedOut: false, message: messageOf(error) });
        return;
      }
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error(`timed out after ${this.timeoutMillis} ms`));
      }, this.timeoutMillis);
      timer.unref();

      // An upload in flight must not keep the app alive either: a script that ends without
      // shutdown() ends at once (what was still uploading is lost, as documented), and a Nexus that
      // hangs cannot hold it for timeoutMillis. forceFlush()/shutdown() keep the process alive
      // while the app awaits them. The agent ref()s a socket it reuses, so this runs per request.
      req.on('socket', (socket) => {
        socket.unref();
      });
      req.on('finish', () => {
        sent = true;
      });
      req.on('error', (error) => finish({ kind: 'failure', sent, timedOut, message: messageOf(error) }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        res.on('error', (error) => finish({ kind: 'failure', sent: true, timedOut, message: messageOf(error) }));
        res.on('aborted', () => finish({ kind: 'failure', sent: true, timedOut, message: 'response aborted' }));
        res.on('end', () =>
          finish({
            kind: 'response',
            response: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') },
          }),
        );
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
