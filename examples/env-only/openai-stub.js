// A local stand-in for the OpenAI Chat Completions API, so the example runs with no OpenAI account:
// POST /v1/chat/completions answers with one canned reply, shaped like the real API's.
// `node openai-stub.js [port]` runs it on its own and prints the OPENAI_BASE_URL to use.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

export const STUB_ANSWER = 'Sorry for the wait: order #1234 ships tomorrow, and you will get a tracking link by email.';

/** Starts the stub on 127.0.0.1 (port 0: any free port). */
export async function startOpenAiStub(port = 0) {
  const requests = [];
  let served = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://stub.invalid').pathname;
      let body = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // Not JSON: kept as null.
      }
      requests.push({ method: req.method ?? 'GET', path, body });
      served += 1;
      const reply =
        req.method === 'POST' && path === '/v1/chat/completions'
          ? { status: 200, body: completion(body, served) }
          : { status: 404, body: { error: { message: `stub has no route ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: null } } };
      const payload = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'x-request-id': `req_stub${String(served).padStart(4, '0')}`,
      });
      res.end(payload);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  return {
    baseURL: `http://127.0.0.1:${address.port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        // The SDK keeps sockets alive: close them so the process can end at once.
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

function completion(request, served) {
  return {
    id: `chatcmpl-stub${String(served).padStart(4, '0')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: `${request?.model ?? 'gpt-4o-mini'}-2024-07-18`,
    choices: [{ index: 0, message: { role: 'assistant', content: STUB_ANSWER, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 31, completion_tokens: 19, total_tokens: 50 },
    system_fingerprint: 'fp_stub',
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stub = await startOpenAiStub(Number(process.argv[2] ?? 0));
  console.log(`OpenAI stub: OPENAI_BASE_URL=${stub.baseURL} (Ctrl-C stops it)`);
  const stop = () => void stub.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
