import { randomBytes } from 'node:crypto';
import type { StubRequest, StubRoutes } from './stub.js';

export const CODE = 'import math\nprint(round(math.sqrt(1764), 2))';
export const CODE_LOGS = '42.0\n';
export const WEATHER_ARGUMENTS = '{"location":"Seattle, WA"}';
export const ANSWER = 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.';
/** Usage of the two responses, as the model reports it. */
export const USAGE = [
  { input_tokens: 412, output_tokens: 57 },
  { input_tokens: 530, output_tokens: 24 },
] as const;

export interface AgentsV2Stub {
  routes: StubRoutes;
  ids: { conversation: string; codeCall: string; functionCall: string; responses: [string, string] };
}

/**
 * The Foundry "agents v2" routes a prompt agent's turn uses with `@azure/ai-projects` 2.x: agent
 * versions (`/agents/{name}/versions`, core pipeline, `api-version=v1`) and the OpenAI-compatible
 * `/openai/v1/conversations` and `/openai/v1/responses` (the `openai` client). A first response
 * runs code_interpreter and asks for a function call; once the request carries the
 * `function_call_output`, the second answers with a message.
 */
export function createAgentsV2Routes(): AgentsV2Stub {
  const suffix = randomBytes(5).toString('hex');
  const ids: AgentsV2Stub['ids'] = {
    conversation: `conv_${suffix}`,
    codeCall: `ci_${suffix}`,
    functionCall: `call_${suffix}`,
    responses: [`resp_1_${suffix}`, `resp_2_${suffix}`],
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  const versions = new Map<string, number>();

  const response = (turn: 0 | 1, body: Record<string, unknown>, output: unknown[]): Record<string, unknown> => {
    const usage = USAGE[turn];
    return {
      id: ids.responses[turn],
      object: 'response',
      created_at: now(),
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'gpt-4o-2024-11-20',
      agent: body['agent'] ?? null,
      conversation: { id: ids.conversation },
      output,
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [],
      usage: {
        ...usage,
        total_tokens: usage.input_tokens + usage.output_tokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    };
  };

  const routes: StubRoutes = (req: StubRequest) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let match: RegExpExecArray | null;

    if ((match = /^\/agents\/([^/]+)\/versions$/.exec(req.path)) && req.method === 'POST') {
      const name = decodeURIComponent(match[1]!);
      const version = String((versions.get(name) ?? 0) + 1);
      versions.set(name, Number(version));
      return {
        body: {
          object: 'agent.version',
          id: `${name}:${version}`,
          name,
          version,
          description: body['description'] ?? null,
          created_at: now(),
          metadata: body['metadata'] ?? {},
          // The definition as the client sent it: the SDK deserializes it with the same model.
          definition: body['definition'],
        },
      };
    }
    if ((match = /^\/agents\/([^/]+)\/versions\/([^/]+)$/.exec(req.path)) && req.method === 'DELETE') {
      return { body: { object: 'agent.version.deleted', name: decodeURIComponent(match[1]!), version: match[2], deleted: true } };
    }

    const route = `${req.method} ${req.path}`;
    if (route === 'POST /openai/v1/conversations') {
      return { body: { id: ids.conversation, object: 'conversation', created_at: now(), metadata: body['metadata'] ?? {} } };
    }
    if (route === `DELETE /openai/v1/conversations/${ids.conversation}`) {
      return { body: { id: ids.conversation, object: 'conversation.deleted', deleted: true } };
    }
    if (route === 'POST /openai/v1/responses') {
      const input = Array.isArray(body['input']) ? (body['input'] as Array<Record<string, unknown>>) : [];
      const toolOutput = input.find((item) => item['type'] === 'function_call_output' && item['call_id'] === ids.functionCall);
      if (!toolOutput) {
        return {
          body: response(0, body, [
            {
              type: 'code_interpreter_call',
              id: ids.codeCall,
              status: 'completed',
              container_id: `cntr_${suffix}`,
              code: CODE,
              outputs: [{ type: 'logs', logs: CODE_LOGS }],
            },
            {
              type: 'function_call',
              id: `fc_${suffix}`,
              call_id: ids.functionCall,
              name: 'get_current_weather',
              arguments: WEATHER_ARGUMENTS,
              status: 'completed',
            },
          ]),
        };
      }
      return {
        body: response(1, body, [
          {
            type: 'message',
            id: `msg_${suffix}`,
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: ANSWER, annotations: [] }],
          },
        ]),
      };
    }
    return undefined;
  };

  return { routes, ids };
}
