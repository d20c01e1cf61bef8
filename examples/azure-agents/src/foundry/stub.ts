import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SelfSignedCert } from './tls-cert.js';

/** The project path of a Foundry endpoint (`https://<resource>.services.ai.azure.com/api/projects/<project>`). */
export const PROJECT_PATH = '/api/projects/myproject';

/** A request as the stub saw it; `path` is relative to PROJECT_PATH. */
export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The W3C header the SDK injected: proves the HTTP call ran inside the traced operation. */
  traceparent: string | undefined;
  body: unknown;
}

export interface StubReply {
  status?: number;
  body: unknown;
  /**
   * Server-sent events instead of a JSON body: `event: <type>`, then `data: <JSON of the event>` (a
   * streamed Responses call), or, when the event has its own `data`, that data: a string as is
   * (`[DONE]`), else its JSON (the Agents service's `event: thread.run.created` + `data: <run>`).
   */
  events?: ReadonlyArray<{ type: string; data?: unknown }>;
}

/** One service's routes: a reply, or undefined when the route is not one of them. */
export type StubRoutes = (request: StubRequest) => StubReply | undefined;

export interface FoundryStub {
  /** The project endpoint to give the SDK client. */
  readonly endpoint: string;
  readonly requests: readonly StubRequest[];
  close(): Promise<void>;
}

/**
 * An HTTPS server on 127.0.0.1 that plays the Foundry project endpoint: JSON in, JSON out, with the
 * response headers the SDK pipelines read. Unknown routes get the service's 404 error shape, so a
 * client call the routes do not fake fails loudly in the test instead of hanging.
 */
export async function startFoundryStub(tls: SelfSignedCert, routes: StubRoutes): Promise<FoundryStub> {
  const requests: StubRequest[] = [];
  let served = 0;
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://stub.invalid');
      const text = Buffer.concat(chunks).toString('utf8');
      const traceparent = req.headers['traceparent'];
      const request: StubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.startsWith(PROJECT_PATH) ? url.pathname.slice(PROJECT_PATH.length) : url.pathname,
        query: url.searchParams,
        traceparent: typeof traceparent === 'string' ? traceparent : undefined,
        body: parseJson(text),
      };
      requests.push(request);
      let reply: StubReply | undefined;
      try {
        reply = url.pathname.startsWith(PROJECT_PATH) ? routes(request) : undefined;
      } catch (error) {
        reply = { status: 500, body: { error: { code: 'StubError', message: String(error) } } };
      }
      reply ??= { status: 404, body: { error: { code: 'NotFound', message: `stub has no route ${request.method} ${url.pathname}` } } };
      served += 1;
      if (reply.events) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'x-ms-request-id': `req-${String(served).padStart(4, '0')}` });
        res.end(reply.events.map((event) => `event: ${event.type}\ndata: ${sseData(event)}\n\n`).join(''));
        return;
      }
      const payload = JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        // core-rest-pipeline records it as `serviceRequestId` on the HTTP span.
        'x-ms-request-id': `req-${String(served).padStart(4, '0')}`,
      });
      res.end(payload);
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

  return {
    endpoint: `https://127.0.0.1:${port}${PROJECT_PATH}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // The SDK clients keep sockets alive; close them so the worker can exit at once.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One SSE `data:` line: JSON has no raw newlines, so no event needs splitting over several lines. */
function sseData(event: { type: string; data?: unknown }): string {
  if (!Object.hasOwn(event, 'data')) return JSON.stringify(event);
  return typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
