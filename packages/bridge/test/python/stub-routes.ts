import { randomBytes } from 'node:crypto';
import type { StubReply, StubRequest, StubRoutes } from '../../../../examples/azure-agents/src/foundry/index.js';

/** The scenarios agent_app.py plays (see its docstring). */
export const PYTHON_SCENARIOS = ['tools', 'failed', 'expired', 'openai'] as const;
export type PythonScenario = (typeof PYTHON_SCENARIOS)[number];

export const WEATHER_CALL = { name: 'get_current_weather', arguments: '{"location":"Seattle, WA"}' } as const;
export const ANSWER = 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.';
export const RUN_USAGE = { prompt_tokens: 740, completion_tokens: 98, total_tokens: 838 } as const;
export const STEP_USAGE = { prompt_tokens: 370, completion_tokens: 49, total_tokens: 419 } as const;
export const RATE_LIMIT_ERROR = { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded. Try again in 20 seconds.' } as const;
export const CHAT_ANSWER = 'sqrt(1764) = 42.';
export const CHAT_USAGE = { prompt_tokens: 23, completion_tokens: 9, total_tokens: 32 } as const;
/** The model the chat completion reports (the request asks for `gpt-4o`). */
export const CHAT_RESPONSE_MODEL = 'gpt-4o-2024-08-06';

export interface PythonPeerStub {
  /** Routes for startFoundryStub (paths relative to its project path). */
  routes: StubRoutes;
  /** The ids this stub hands out, fresh per stub. */
  ids: {
    agent: string;
    thread: string;
    run: string;
    toolCall: string;
    codeCall: string;
    userMessage: string;
    assistantMessage: string;
    chatCompletion: string;
  };
  /** `tool_outputs` of the submit_tool_outputs request, once made. */
  readonly submittedOutputs: unknown;
}

type Stage = 'none' | 'queued' | 'in_progress' | 'requires_action' | 'submitted' | 'completed' | 'failed' | 'expired';

/**
 * The Azure AI Agents v1 REST routes (api-version=v1, as azure-ai-agents 1.1.0 calls them) and an
 * OpenAI-compatible `POST …/chat/completions`, for one scenario of agent_app.py. Each `GET` of the
 * run moves it one state on, as the service would between two polls:
 * - tools: queued → requires_action (one function call) → submit → in_progress → completed (usage);
 *   its steps: a code_interpreter call (input, logs + image outputs), the function call with its
 *   output, the message creation.
 * - failed: queued → in_progress → failed, last_error rate_limit_exceeded.
 * - expired: queued → requires_action → (no outputs submitted) expired.
 * Shapes are the service's (snake_case, unix seconds): the SDK deserializes them field by field.
 */
export function createPythonPeerRoutes(scenario: PythonScenario): PythonPeerStub {
  const suffix = randomBytes(5).toString('hex');
  const ids = {
    agent: `asst_${suffix}`,
    thread: `thread_${suffix}`,
    run: `run_${suffix}`,
    toolCall: `call_${suffix}`,
    codeCall: `call_ci_${suffix}`,
    userMessage: `msg_user_${suffix}`,
    assistantMessage: `msg_asst_${suffix}`,
    chatCompletion: `chatcmpl-${suffix}`,
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  const createdAt = now();
  let agent: Record<string, unknown> | undefined;
  let userText = '';
  let submittedOutputs: unknown;
  let stage: Stage = 'none';

  const nextStage = (): Stage => {
    switch (scenario) {
      case 'tools':
        return stage === 'queued' ? 'requires_action' : stage === 'submitted' ? 'in_progress' : stage === 'in_progress' ? 'completed' : stage;
      case 'failed':
        return stage === 'queued' ? 'in_progress' : stage === 'in_progress' ? 'failed' : stage;
      case 'expired':
        return stage === 'queued' ? 'requires_action' : stage === 'requires_action' ? 'expired' : stage;
      default:
        return stage;
    }
  };

  const run = (): Record<string, unknown> => {
    const status = stage === 'submitted' ? 'queued' : stage;
    const ended = status === 'completed' || status === 'failed' || status === 'expired';
    return {
      id: ids.run,
      object: 'thread.run',
      thread_id: ids.thread,
      assistant_id: ids.agent,
      status,
      required_action:
        status === 'requires_action'
          ? {
              type: 'submit_tool_outputs',
              submit_tool_outputs: { tool_calls: [{ id: ids.toolCall, type: 'function', function: WEATHER_CALL }] },
            }
          : null,
      last_error: status === 'failed' ? RATE_LIMIT_ERROR : null,
      model: 'gpt-4o',
      instructions: agent?.['instructions'] ?? '',
      tools: agent?.['tools'] ?? [],
      created_at: createdAt,
      expires_at: ended ? null : createdAt + 600,
      started_at: status === 'queued' ? null : createdAt,
      completed_at: status === 'completed' ? now() : null,
      cancelled_at: null,
      failed_at: status === 'failed' ? now() : null,
      incomplete_details: null,
      // The service reports usage once the run is over (a failed run still used tokens).
      usage: status === 'completed' ? RUN_USAGE : status === 'failed' ? { prompt_tokens: 512, completion_tokens: 0, total_tokens: 512 } : null,
      temperature: agent?.['temperature'] ?? 1,
      top_p: agent?.['top_p'] ?? 1,
      max_prompt_tokens: null,
      max_completion_tokens: null,
      truncation_strategy: { type: 'auto', last_messages: null },
      tool_choice: 'auto',
      response_format: 'auto',
      metadata: {},
      tool_resources: {},
      parallel_tool_calls: true,
    };
  };

  const message = (id: string, role: 'user' | 'assistant', text: string): Record<string, unknown> => ({
    id,
    object: 'thread.message',
    created_at: now(),
    thread_id: ids.thread,
    status: 'completed',
    incomplete_details: null,
    completed_at: now(),
    incomplete_at: null,
    role,
    content: [{ type: 'text', text: { value: text, annotations: [] } }],
    assistant_id: role === 'assistant' ? ids.agent : null,
    run_id: role === 'assistant' ? ids.run : null,
    attachments: [],
    metadata: {},
  });

  const list = (data: unknown[]): StubReply => ({
    body: { object: 'list', data, first_id: null, last_id: null, has_more: false },
  });

  const step = (id: string, details: Record<string, unknown>): Record<string, unknown> => ({
    id,
    object: 'thread.run.step',
    type: details['type'],
    assistant_id: ids.agent,
    thread_id: ids.thread,
    run_id: ids.run,
    status: 'completed',
    step_details: details,
    last_error: null,
    created_at: createdAt,
    expired_at: null,
    completed_at: now(),
    cancelled_at: null,
    failed_at: null,
    usage: STEP_USAGE,
    metadata: {},
  });

  const submittedOutput = (callId: string): string | null => {
    const outputs = Array.isArray(submittedOutputs) ? (submittedOutputs as Array<Record<string, unknown>>) : [];
    const output = outputs.find((o) => o['tool_call_id'] === callId)?.['output'];
    return typeof output === 'string' ? output : null;
  };

  const chatCompletion = (body: Record<string, unknown>): StubReply => ({
    body: {
      id: ids.chatCompletion,
      object: 'chat.completion',
      created: now(),
      model: body['model'] === 'gpt-4o' ? CHAT_RESPONSE_MODEL : body['model'],
      system_fingerprint: 'fp_stub',
      service_tier: 'default',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: CHAT_ANSWER, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        ...CHAT_USAGE,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
    },
  });

  const { agent: a, thread: t, run: r } = ids;
  const routes: StubRoutes = (req: StubRequest) => {
    const route = `${req.method} ${req.path}`;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.method === 'POST' && req.path.endsWith('/chat/completions')) return chatCompletion(body);
    switch (route) {
      case 'POST /assistants':
        agent = {
          id: a,
          object: 'assistant',
          created_at: now(),
          name: body['name'] ?? null,
          description: body['description'] ?? null,
          model: body['model'],
          instructions: body['instructions'] ?? null,
          tools: body['tools'] ?? [],
          tool_resources: {},
          temperature: body['temperature'] ?? 1,
          top_p: body['top_p'] ?? 1,
          response_format: 'auto',
          metadata: {},
        };
        return { body: agent };
      case 'POST /threads':
        return { body: { id: t, object: 'thread', created_at: now(), tool_resources: {}, metadata: {} } };
      case `POST /threads/${t}/messages`:
        userText = typeof body['content'] === 'string' ? body['content'] : JSON.stringify(body['content']);
        return { body: message(ids.userMessage, 'user', userText) };
      case `POST /threads/${t}/runs`:
        if (body['assistant_id'] !== a) return { status: 400, body: { error: { code: 'invalid_request', message: `no agent ${String(body['assistant_id'])}` } } };
        stage = 'queued';
        return { body: run() };
      case `GET /threads/${t}/runs/${r}`:
        stage = nextStage();
        return { body: run() };
      case `POST /threads/${t}/runs/${r}/submit_tool_outputs`:
        if (stage !== 'requires_action') return { status: 400, body: { error: { code: 'invalid_request', message: 'run is not waiting for tool outputs' } } };
        submittedOutputs = body['tool_outputs'];
        stage = 'submitted';
        return { body: run() };
      case `GET /threads/${t}/runs/${r}/steps`:
        return list([
          step(`step_ci_${suffix}`, {
            type: 'tool_calls',
            tool_calls: [
              {
                id: ids.codeCall,
                type: 'code_interpreter',
                code_interpreter: {
                  input: 'import math\nprint(math.sqrt(1764))',
                  outputs: [
                    { type: 'logs', logs: '42.0\n' },
                    { type: 'image', image: { file_id: `assistant-file_${suffix}` } },
                  ],
                },
              },
            ],
          }),
          step(`step_fn_${suffix}`, {
            type: 'tool_calls',
            tool_calls: [{ id: ids.toolCall, type: 'function', function: { ...WEATHER_CALL, output: submittedOutput(ids.toolCall) } }],
          }),
          step(`step_msg_${suffix}`, { type: 'message_creation', message_creation: { message_id: ids.assistantMessage } }),
        ]);
      case `GET /threads/${t}/messages`:
        // Newest first, as the service lists by default.
        return list(stage === 'completed' ? [message(ids.assistantMessage, 'assistant', ANSWER), message(ids.userMessage, 'user', userText)] : [message(ids.userMessage, 'user', userText)]);
      case `DELETE /assistants/${a}`:
        return { body: { id: a, object: 'assistant.deleted', deleted: true } };
      default:
        return undefined;
    }
  };

  return {
    routes,
    ids,
    get submittedOutputs() {
      return submittedOutputs;
    },
  };
}
