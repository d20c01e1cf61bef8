import { randomBytes } from 'node:crypto';
import type { StubReply, StubRequest, StubRoutes } from '@nexus-otel/example-azure-agents/foundry-stub';

/** What the model "asks" for: the one function call of the run. */
export const WEATHER_CALL = { name: 'get_current_weather', arguments: '{"location":"Seattle, WA"}' } as const;
export const ANSWER = 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.';

export interface AgentsV1Stub {
  routes: StubRoutes;
  /** The ids this stub hands out; fresh per stub so the test proves they came from this run. */
  ids: { agent: string; thread: string; run: string; toolCall: string; userMessage: string; assistantMessage: string };
  /** `tool_outputs` of the submit_tool_outputs request, once made. */
  readonly submittedOutputs: unknown;
}

/**
 * The Azure AI Agents v1 REST routes one run uses (`@azure/ai-agents` 1.x, `api-version=v1`), with
 * the run's life: created `queued` → polled `requires_action` (one function call) → after
 * submit_tool_outputs `queued` → polled `completed` with usage. Shapes as the service returns them
 * (snake_case, unix seconds), since the SDK deserializes them field by field.
 */
export function createAgentsV1Routes(): AgentsV1Stub {
  const suffix = randomBytes(5).toString('hex');
  const ids = {
    agent: `asst_${suffix}`,
    thread: `thread_${suffix}`,
    run: `run_${suffix}`,
    toolCall: `call_${suffix}`,
    userMessage: `msg_user_${suffix}`,
    assistantMessage: `msg_asst_${suffix}`,
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  let agent: Record<string, unknown> | undefined;
  let userText = '';
  let submittedOutputs: unknown;
  let stage: 'none' | 'queued' | 'requires_action' | 'submitted' | 'completed' = 'none';

  const run = (): Record<string, unknown> => {
    const status = stage === 'submitted' ? 'queued' : stage;
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
      last_error: null,
      model: 'gpt-4o',
      instructions: agent?.['instructions'] ?? '',
      tools: agent?.['tools'] ?? [],
      created_at: now(),
      expires_at: null,
      started_at: now(),
      completed_at: status === 'completed' ? now() : null,
      cancelled_at: null,
      failed_at: null,
      incomplete_details: null,
      usage: status === 'completed' ? { prompt_tokens: 740, completion_tokens: 98, total_tokens: 838 } : null,
      temperature: 1,
      top_p: 1,
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
    created_at: now(),
    expired_at: null,
    completed_at: now(),
    cancelled_at: null,
    failed_at: null,
    usage: { prompt_tokens: 370, completion_tokens: 49, total_tokens: 419 },
    metadata: {},
  });

  const submittedOutput = (callId: string): string | null => {
    const outputs = Array.isArray(submittedOutputs) ? (submittedOutputs as Array<Record<string, unknown>>) : [];
    const output = outputs.find((o) => o['tool_call_id'] === callId)?.['output'];
    return typeof output === 'string' ? output : null;
  };

  const { agent: a, thread: t, run: r } = ids;
  const routes: StubRoutes = (req: StubRequest) => {
    const route = `${req.method} ${req.path}`;
    const body = (req.body ?? {}) as Record<string, unknown>;
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
        if (body['assistant_id'] !== a) return undefined;
        stage = 'queued';
        return { body: run() };
      case `GET /threads/${t}/runs/${r}`:
        // Each poll moves the run on, as the service would between two polls.
        if (stage === 'queued') stage = 'requires_action';
        else if (stage === 'submitted') stage = 'completed';
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
                id: `ci_${suffix}`,
                type: 'code_interpreter',
                code_interpreter: { input: 'import math\nprint(math.sqrt(1764))', outputs: [{ type: 'logs', logs: '42.0' }] },
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
        return list([message(ids.assistantMessage, 'assistant', ANSWER), message(ids.userMessage, 'user', userText)]);
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
