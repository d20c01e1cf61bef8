// The Azure AI Agents v1 routes (`@azure/ai-agents` 1.x, `api-version=v1`) of the smallest run,
// for examples/azure-agents' HTTPS stub: create agent, thread and message, then a run created
// `queued` that the first poll finds `completed` with USAGE. Shapes as the service returns them
// (snake_case, unix seconds), since the SDK deserializes them field by field.
import type { StubRoutes } from '../../examples/azure-agents/src/foundry/stub.js';

export const AGENT_NAME = 'pack-weather-agent';
/** The completed run's usage: odd numbers no default could produce. */
export const USAGE = { prompt_tokens: 173, completion_tokens: 29, total_tokens: 202 } as const;
export const IDS = { agent: 'asst_pack1', thread: 'thread_pack1', run: 'run_pack1', message: 'msg_pack1' } as const;

export function agentsV1Routes(): StubRoutes {
  const now = (): number => Math.floor(Date.now() / 1000);
  let status: 'none' | 'queued' | 'completed' = 'none';
  const run = (): Record<string, unknown> => ({
    id: IDS.run,
    object: 'thread.run',
    thread_id: IDS.thread,
    assistant_id: IDS.agent,
    status,
    required_action: null,
    last_error: null,
    model: 'gpt-4o',
    instructions: '',
    tools: [],
    created_at: now(),
    started_at: now(),
    completed_at: status === 'completed' ? now() : null,
    usage: status === 'completed' ? USAGE : null,
    metadata: {},
    parallel_tool_calls: true,
  });
  return (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    switch (`${request.method} ${request.path}`) {
      case 'POST /assistants':
        return {
          body: { id: IDS.agent, object: 'assistant', created_at: now(), name: body['name'] ?? null, model: body['model'], instructions: null, tools: [], metadata: {} },
        };
      case 'POST /threads':
        return { body: { id: IDS.thread, object: 'thread', created_at: now(), metadata: {} } };
      case `POST /threads/${IDS.thread}/messages`:
        return {
          body: {
            id: IDS.message,
            object: 'thread.message',
            created_at: now(),
            thread_id: IDS.thread,
            status: 'completed',
            role: 'user',
            content: [{ type: 'text', text: { value: String(body['content']), annotations: [] } }],
            attachments: [],
            metadata: {},
          },
        };
      case `POST /threads/${IDS.thread}/runs`:
        if (body['assistant_id'] !== IDS.agent) return undefined;
        status = 'queued';
        return { body: run() };
      case `GET /threads/${IDS.thread}/runs/${IDS.run}`:
        if (status === 'queued') status = 'completed';
        return { body: run() };
      default:
        return undefined;
    }
  };
}
