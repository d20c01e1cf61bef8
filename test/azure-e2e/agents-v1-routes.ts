import { randomBytes } from 'node:crypto';
import type { StubReply, StubRequest, StubRoutes } from '@nexus-otel/example-azure-agents/foundry-stub';

/** What the model "asks" for: the one function call of the run. */
export const WEATHER_CALL = { name: 'get_current_weather', arguments: '{"location":"Seattle, WA"}' } as const;
export const ANSWER = 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.';
/** ANSWER as the two `thread.message.delta` events of a streamed run carry it. */
export const ANSWER_DELTAS = ['sqrt(1764) = 42. ', 'It is currently 12°C and cloudy in Seattle.'] as const;

/** Token usage as the service writes it (snake_case). */
export interface WireUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** The usage of each run step: each step is one model call, so the steps add up to the run's usage. */
export const STEP_USAGE = {
  codeInterpreter: { prompt_tokens: 300, completion_tokens: 40, total_tokens: 340 },
  function: { prompt_tokens: 220, completion_tokens: 30, total_tokens: 250 },
  message: { prompt_tokens: 220, completion_tokens: 28, total_tokens: 248 },
} as const satisfies Record<string, WireUsage>;

/** A completed run's usage: the sum of its three steps. */
export const RUN_USAGE = sumUsage(STEP_USAGE.codeInterpreter, STEP_USAGE.function, STEP_USAGE.message);
/** A failed run's usage: what the two steps before the failure spent. */
export const FAILED_RUN_USAGE = sumUsage(STEP_USAGE.codeInterpreter, STEP_USAGE.function);

/** The `last_error` of a failed run (the service's rate-limit failure after tool outputs). */
export const RUN_ERROR_CODE = 'rate_limit_exceeded';
export const RUN_ERROR_MESSAGE = 'Rate limit is exceeded. Try again in 20 seconds.';

/** How the run ends after the app submits its tool outputs. */
export type RunOutcome = 'completed' | 'failed' | 'expired';

export interface AgentsV1RoutesOptions {
  /** Default `completed`. */
  outcome?: RunOutcome;
  /**
   * Whether the app streams the run (`stream: true` on create and submit_tool_outputs), answered
   * with server-sent events. A request whose `stream` flag disagrees gets a 400, so a scenario that
   * polls when it should stream (or the reverse) fails loudly. Default false.
   */
  stream?: boolean;
}

export interface AgentsV1Stub {
  routes: StubRoutes;
  /** The ids this stub hands out; fresh per stub so the test proves they came from this run. */
  ids: {
    agent: string;
    thread: string;
    run: string;
    toolCall: string;
    codeInterpreterCall: string;
    userMessage: string;
    assistantMessage: string;
    steps: { codeInterpreter: string; function: string; message: string };
  };
  /** `tool_outputs` of the submit_tool_outputs request, once made. */
  readonly submittedOutputs: unknown;
}

type Stage = 'none' | 'queued' | 'in_progress' | 'requires_action' | 'submitted' | RunOutcome;
type Wire = Record<string, unknown>;
type StepStatus = 'in_progress' | 'completed' | 'expired';

/**
 * The Azure AI Agents v1 REST routes one run uses (`@azure/ai-agents` 1.x, `api-version=v1`), with
 * the run's life: created `queued` → polled `requires_action` (one function call) → after
 * submit_tool_outputs `queued` → polled `completed` with usage (or `failed` / `expired`, by
 * `outcome`). With `stream`, create and submit_tool_outputs answer the same life as the service's
 * server-sent events instead. Shapes as the service returns them (snake_case, unix seconds), since
 * the SDK deserializes them field by field.
 */
export function createAgentsV1Routes(options: AgentsV1RoutesOptions = {}): AgentsV1Stub {
  const outcome = options.outcome ?? 'completed';
  const streaming = options.stream ?? false;
  const suffix = randomBytes(5).toString('hex');
  const ids = {
    agent: `asst_${suffix}`,
    thread: `thread_${suffix}`,
    run: `run_${suffix}`,
    toolCall: `call_${suffix}`,
    codeInterpreterCall: `ci_${suffix}`,
    userMessage: `msg_user_${suffix}`,
    assistantMessage: `msg_asst_${suffix}`,
    steps: { codeInterpreter: `step_ci_${suffix}`, function: `step_fn_${suffix}`, message: `step_msg_${suffix}` },
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  let agent: Wire | undefined;
  let userText = '';
  let submittedOutputs: unknown;
  let stage: Stage = 'none';

  const run = (): Wire => {
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
      last_error: status === 'failed' ? { code: RUN_ERROR_CODE, message: RUN_ERROR_MESSAGE } : null,
      model: 'gpt-4o',
      instructions: agent?.['instructions'] ?? '',
      tools: agent?.['tools'] ?? [],
      created_at: now(),
      expires_at: status === 'expired' ? now() : null,
      started_at: now(),
      completed_at: status === 'completed' ? now() : null,
      cancelled_at: null,
      failed_at: status === 'failed' ? now() : null,
      incomplete_details: null,
      usage: status === 'completed' ? RUN_USAGE : status === 'failed' ? FAILED_RUN_USAGE : null,
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

  const message = (id: string, role: 'user' | 'assistant', text: string, status: 'in_progress' | 'completed' = 'completed'): Wire => ({
    id,
    object: 'thread.message',
    created_at: now(),
    thread_id: ids.thread,
    status,
    incomplete_details: null,
    completed_at: status === 'completed' ? now() : null,
    incomplete_at: null,
    role,
    // A message the service is still writing has no content yet: it comes in the deltas.
    content: status === 'completed' ? [{ type: 'text', text: { value: text, annotations: [] } }] : [],
    assistant_id: role === 'assistant' ? ids.agent : null,
    run_id: role === 'assistant' ? ids.run : null,
    attachments: [],
    metadata: {},
  });

  const list = (data: unknown[]): StubReply => ({
    body: { object: 'list', data, first_id: null, last_id: null, has_more: false },
  });

  const step = (id: string, details: Wire, status: StepStatus, usage: WireUsage | null): Wire => ({
    id,
    object: 'thread.run.step',
    type: details['type'],
    assistant_id: ids.agent,
    thread_id: ids.thread,
    run_id: ids.run,
    status,
    step_details: details,
    last_error: null,
    created_at: now(),
    expired_at: status === 'expired' ? now() : null,
    completed_at: status === 'completed' ? now() : null,
    cancelled_at: null,
    failed_at: null,
    // Usage is null until a step ends: only a step that completed has spent a model call.
    usage: status === 'completed' ? usage : null,
    metadata: {},
  });

  const submittedOutput = (callId: string): string | null => {
    const outputs = Array.isArray(submittedOutputs) ? (submittedOutputs as Wire[]) : [];
    const output = outputs.find((o) => o['tool_call_id'] === callId)?.['output'];
    return typeof output === 'string' ? output : null;
  };

  // The three steps; a streamed step that has just been created has no tool call details yet.
  const codeInterpreterStep = (status: StepStatus): Wire =>
    step(
      ids.steps.codeInterpreter,
      {
        type: 'tool_calls',
        tool_calls:
          status === 'completed'
            ? [
                {
                  id: ids.codeInterpreterCall,
                  type: 'code_interpreter',
                  code_interpreter: { input: 'import math\nprint(math.sqrt(1764))', outputs: [{ type: 'logs', logs: '42.0' }] },
                },
              ]
            : [],
      },
      status,
      STEP_USAGE.codeInterpreter,
    );
  const functionStep = (status: StepStatus): Wire =>
    step(
      ids.steps.function,
      { type: 'tool_calls', tool_calls: [{ id: ids.toolCall, type: 'function', function: { ...WEATHER_CALL, output: submittedOutput(ids.toolCall) } }] },
      status,
      STEP_USAGE.function,
    );
  const messageStep = (status: StepStatus): Wire =>
    step(ids.steps.message, { type: 'message_creation', message_creation: { message_id: ids.assistantMessage } }, status, STEP_USAGE.message);

  // After the run ends: a failed run never reached its message step, and an expired one gave up on
  // its function step (outputs came too late for it).
  const finalSteps = (): Wire[] => {
    switch (stage) {
      case 'failed':
        return [codeInterpreterStep('completed'), functionStep('completed')];
      case 'expired':
        return [codeInterpreterStep('completed'), functionStep('expired')];
      default:
        return [codeInterpreterStep('completed'), functionStep('completed'), messageStep('completed')];
    }
  };
  const assistantReplied = (): boolean => stage !== 'failed' && stage !== 'expired';

  const done = { type: 'done', data: '[DONE]' } as const;

  /** `POST /threads/{t}/runs` with `stream: true`: the run until it waits for the function's output. */
  const createStream = (): StubReply => {
    const events: Array<{ type: string; data: unknown }> = [];
    stage = 'queued';
    events.push({ type: 'thread.run.created', data: run() }, { type: 'thread.run.queued', data: run() });
    stage = 'in_progress';
    events.push(
      { type: 'thread.run.in_progress', data: run() },
      { type: 'thread.run.step.created', data: codeInterpreterStep('in_progress') },
      { type: 'thread.run.step.in_progress', data: codeInterpreterStep('in_progress') },
      { type: 'thread.run.step.completed', data: codeInterpreterStep('completed') },
      { type: 'thread.run.step.created', data: functionStep('in_progress') },
    );
    stage = 'requires_action';
    events.push({ type: 'thread.run.requires_action', data: run() }, done);
    return { body: null, events };
  };

  /** `POST .../submit_tool_outputs` with `stream: true`: the rest of the run, to its outcome. */
  const submitStream = (): StubReply => {
    const events: Array<{ type: string; data: unknown }> = [];
    stage = 'submitted';
    events.push({ type: 'thread.run.queued', data: run() });
    stage = 'in_progress';
    events.push({ type: 'thread.run.in_progress', data: run() });
    if (outcome === 'expired') {
      stage = 'expired';
      events.push({ type: 'thread.run.step.expired', data: functionStep('expired') }, { type: 'thread.run.expired', data: run() }, done);
      return { body: null, events };
    }
    events.push({ type: 'thread.run.step.completed', data: functionStep('completed') });
    if (outcome === 'failed') {
      stage = 'failed';
      events.push({ type: 'thread.run.failed', data: run() }, done);
      return { body: null, events };
    }
    const delta = (value: string): Wire => ({
      id: ids.assistantMessage,
      object: 'thread.message.delta',
      delta: { role: 'assistant', content: [{ index: 0, type: 'text', text: { value, annotations: [] } }] },
    });
    events.push(
      { type: 'thread.run.step.created', data: messageStep('in_progress') },
      { type: 'thread.message.created', data: message(ids.assistantMessage, 'assistant', ANSWER, 'in_progress') },
      { type: 'thread.message.in_progress', data: message(ids.assistantMessage, 'assistant', ANSWER, 'in_progress') },
      ...ANSWER_DELTAS.map((value) => ({ type: 'thread.message.delta', data: delta(value) })),
      { type: 'thread.message.completed', data: message(ids.assistantMessage, 'assistant', ANSWER) },
      { type: 'thread.run.step.completed', data: messageStep('completed') },
    );
    stage = 'completed';
    events.push({ type: 'thread.run.completed', data: run() }, done);
    return { body: null, events };
  };

  const badRequest = (text: string): StubReply => ({ status: 400, body: { error: { code: 'invalid_request', message: text } } });

  const { agent: a, thread: t, run: r } = ids;
  const routes: StubRoutes = (req: StubRequest) => {
    const route = `${req.method} ${req.path}`;
    const body = (req.body ?? {}) as Wire;
    // The SDK sends no `stream` on a plain create and `stream: false` on a plain submit.
    const streamed = body['stream'] === true;
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
        if (streamed !== streaming) return badRequest(`this stub plays a ${streaming ? 'streamed' : 'polled'} run`);
        if (streamed) return createStream();
        stage = 'queued';
        return { body: run() };
      case `GET /threads/${t}/runs/${r}`:
        // Each poll moves the run on, as the service would between two polls.
        if (stage === 'queued') stage = 'requires_action';
        else if (stage === 'submitted') stage = outcome;
        return { body: run() };
      case `POST /threads/${t}/runs/${r}/submit_tool_outputs`:
        if (stage !== 'requires_action') return badRequest('run is not waiting for tool outputs');
        if (streamed !== streaming) return badRequest(`this stub plays a ${streaming ? 'streamed' : 'polled'} run`);
        submittedOutputs = body['tool_outputs'];
        if (streamed) return submitStream();
        stage = 'submitted';
        return { body: run() };
      case `GET /threads/${t}/runs/${r}/steps`:
        return list(finalSteps());
      case `GET /threads/${t}/messages`: {
        // Newest first, as the service lists by default; a run that did not complete wrote no answer.
        const user = message(ids.userMessage, 'user', userText);
        return list(assistantReplied() ? [message(ids.assistantMessage, 'assistant', ANSWER), user] : [user]);
      }
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

function sumUsage(...usages: WireUsage[]): WireUsage {
  return {
    prompt_tokens: usages.reduce((n, u) => n + u.prompt_tokens, 0),
    completion_tokens: usages.reduce((n, u) => n + u.completion_tokens, 0),
    total_tokens: usages.reduce((n, u) => n + u.total_tokens, 0),
  };
}
