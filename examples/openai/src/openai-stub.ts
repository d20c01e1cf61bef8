import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub saw it. */
export interface StubRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface StubReply {
  status?: number;
  body: unknown;
}

/** The replies the stub plays, one per route; each call returns the next JSON body, and may look at the request. */
export type StubRoutes = Partial<Record<'POST /v1/chat/completions' | 'POST /v1/responses', (request: StubRequest) => StubReply>>;

export interface OpenAiStub {
  /** What to give the client as `baseURL`. */
  readonly baseURL: string;
  readonly requests: readonly StubRequest[];
  close(): Promise<void>;
}

/**
 * A plain-HTTP server on 127.0.0.1 that plays the OpenAI REST API for the routes given: JSON in,
 * JSON out, with the request-id header the SDK reads. An unknown route gets OpenAI's 404 error
 * shape, so an SDK call the test did not fake fails loudly instead of hanging.
 */
export async function startOpenAiStub(routes: StubRoutes): Promise<OpenAiStub> {
  const requests: StubRequest[] = [];
  let served = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub.invalid');
      const request: StubRequest = { method: req.method ?? 'GET', path: url.pathname, body: parseJson(Buffer.concat(chunks).toString('utf8')) };
      requests.push(request);
      const route = routes[`${request.method} ${request.path}` as keyof StubRoutes];
      let reply: StubReply;
      try {
        reply = route?.(request) ?? {
          status: 404,
          body: { error: { message: `stub has no route ${request.method} ${request.path}`, type: 'invalid_request_error', param: null, code: null } },
        };
      } catch (error) {
        reply = { status: 500, body: { error: { message: String(error), type: 'server_error', param: null, code: null } } };
      }
      served += 1;
      const payload = JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'x-request-id': `req_stub${String(served).padStart(4, '0')}`,
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
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // The SDK's fetch keeps sockets alive; close them so the worker can exit at once.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// ---- The replies: shapes as the real API returns them (non-streaming). ----

export const MODEL = 'gpt-4o-mini';
export const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
export const SYSTEM_PROMPT = 'You are a terse geography tutor.';
export const USER_PROMPT = 'What is the capital of France?';
export const ANSWER = 'The capital of France is Paris.';
export const CHAT_USAGE = { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 };
export const CHAT_ID = 'chatcmpl-stubAbC123xyz';

/** `POST /v1/chat/completions` answered with text. */
export function chatCompletion(): StubReply {
  return {
    body: {
      id: CHAT_ID,
      object: 'chat.completion',
      created: 1_763_640_000,
      model: RESPONSE_MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: ANSWER, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        ...CHAT_USAGE,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_stub0001',
    },
  };
}

export const WEATHER_PROMPT = "What's the weather in Paris right now?";
export const TOOL_CALL = { id: 'call_stubWeather01', name: 'get_weather', arguments: '{"location":"Paris, FR","unit":"celsius"}' };
export const TOOL_USAGE = { prompt_tokens: 61, completion_tokens: 18, total_tokens: 79 };
export const TOOL_CHAT_ID = 'chatcmpl-stubToolCall01';

/** `POST /v1/chat/completions` answered with one function call. */
export function chatCompletionToolCall(): StubReply {
  return {
    body: {
      id: TOOL_CHAT_ID,
      object: 'chat.completion',
      created: 1_763_640_060,
      model: RESPONSE_MODEL,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            annotations: [],
            tool_calls: [{ id: TOOL_CALL.id, type: 'function', function: { name: TOOL_CALL.name, arguments: TOOL_CALL.arguments } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: TOOL_USAGE,
      system_fingerprint: 'fp_stub0001',
    },
  };
}

export const TOOL_RESULT = '{"temperature":14,"unit":"celsius","condition":"light rain"}';
export const WEATHER_ANSWER = 'It is 14 °C with light rain in Paris.';
export const WEATHER_ANSWER_ID = 'chatcmpl-stubWeatherAnswer';

/** `POST /v1/chat/completions` answered with text, once the app sent the tool's result back. */
export function chatCompletionWeatherAnswer(): StubReply {
  return {
    body: {
      id: WEATHER_ANSWER_ID,
      object: 'chat.completion',
      created: 1_763_640_061,
      model: RESPONSE_MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: WEATHER_ANSWER, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 98, completion_tokens: 14, total_tokens: 112 },
      system_fingerprint: 'fp_stub0001',
    },
  };
}

export const INSTRUCTIONS = 'Answer in one sentence.';
export const RESPONSES_INPUT = 'Name the longest river in Europe.';
export const RESPONSES_ANSWER = 'The Volga is the longest river in Europe.';
export const RESPONSES_USAGE = { input_tokens: 31, output_tokens: 11, total_tokens: 42 };
export const RESPONSE_ID = 'resp_stub0123456789abcdef';

/** `POST /v1/responses` answered with one output message. */
export function response(): StubReply {
  return {
    body: {
      id: RESPONSE_ID,
      object: 'response',
      created_at: 1_763_640_120,
      status: 'completed',
      error: null,
      incomplete_details: null,
      instructions: INSTRUCTIONS,
      max_output_tokens: null,
      model: RESPONSE_MODEL,
      output: [
        {
          type: 'message',
          id: 'msg_stub0123456789abcdef',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: RESPONSES_ANSWER, annotations: [], logprobs: [] }],
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 1,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: {
        ...RESPONSES_USAGE,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
      user: null,
      metadata: {},
    },
  };
}
