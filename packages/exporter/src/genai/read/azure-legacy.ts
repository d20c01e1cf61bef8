/**
 * Reader for the legacy Agents-v1 tracing of JS `@azure/ai-projects` 1.0.0-beta.x (beta.3 captured):
 * PascalCase CLIENT spans (`CreateAgent`, `CreateRun`, `GetRun`, …), scope `@azure/ai-projects`,
 * `az.namespace="Microsoft.CognitiveServices"`, `gen_ai.system="az.ai.agents"` (not on ListAgents/CancelRun).
 *
 * Reads (left first within a field):
 * - operation  the span name through LEGACY_OPERATIONS → `gen_ai.operation.name` when it is a real
 *              snake_case name → the span name in snake_case. The table wins over the attribute because the
 *              SDK writes `Agent_Operation` (an override bug) on GetRun, GetThread, UpdateThread,
 *              DeleteThread, GetAgent, UpdateRun, UpdateMessage and ListRuns, `create_agent` on UpdateAgent
 *              and `DeleteAgent` on DeleteAgent.
 * - name       the operation, plus ` <gen_ai.agent.name>` for create_agent/update_agent (semconv style)
 * - provider   `gen_ai.system` → `az.ai.agents`
 * - requestModel / responseModel  `gen_ai.request.model` / `gen_ai.response.model`
 * - usage      `gen_ai.usage.input_tokens` / `output_tokens` (CreateRun/SubmitToolOutputs, when the response
 *              had usage; GetRun has no end hook, so never there)
 * - ids        `gen_ai.agent.id`, `gen_ai.agent.name`, `gen_ai.thread.id`, `gen_ai.thread.run.id`, `gen_ai.message.id`
 * - runStatus  `gen_ai.thread.run.status`
 *
 * Not read here: the `gen_ai.<role>.message` events (the span-events reader's), and errors (`error.type` is
 * never set; the generic status message / exception event path covers a failed call).
 */
import { asNumber, asString } from '../messages/json.js';
import type { Attributes, ReadableSpanLike } from '../../otel/types.js';
import { attributesOf, presentText } from './values.js';
import type { IdsReading, SpanReading, SpanReader, UsageReading } from '../reading.js';

/**
 * Span name → operation. Names in Python's vocabulary where the SDK wrote none (get_thread_run is what
 * Python calls a run poll); the SDK's own value where it wrote a correct one.
 *
 * | span name              | operation           | SDK's `gen_ai.operation.name` |
 * |------------------------|---------------------|-------------------------------|
 * | CreateAgent            | create_agent        | create_agent                  |
 * | UpdateAgent            | update_agent        | create_agent (sic)            |
 * | GetAgent               | get_agent           | Agent_Operation               |
 * | DeleteAgent            | delete_agent        | DeleteAgent                   |
 * | ListAgents             | list_agents         | (none)                        |
 * | CreateThread           | create_thread       | create_thread                 |
 * | GetThread              | get_thread          | Agent_Operation               |
 * | UpdateThread           | update_thread       | Agent_Operation               |
 * | DeleteThread           | delete_thread       | Agent_Operation               |
 * | CreateMessage          | create_message      | create_message                |
 * | ListMessages           | list_messages       | list_messages                 |
 * | UpdateMessage          | update_message      | Agent_Operation               |
 * | CreateRun              | create_run          | create_run                    |
 * | CreateThreadAndRun     | create_thread_run   | create_thread_run             |
 * | GetRun                 | get_thread_run      | Agent_Operation               |
 * | UpdateRun              | update_thread_run   | Agent_Operation               |
 * | ListRuns               | list_thread_runs    | Agent_Operation               |
 * | CancelRun              | cancel_thread_run   | (none)                        |
 * | SubmitToolOutputsToRun | submit_tool_outputs | submit_tool_outputs           |
 */
const LEGACY_OPERATIONS: Readonly<Record<string, string>> = {
  CreateAgent: 'create_agent',
  UpdateAgent: 'update_agent',
  GetAgent: 'get_agent',
  DeleteAgent: 'delete_agent',
  ListAgents: 'list_agents',
  CreateThread: 'create_thread',
  GetThread: 'get_thread',
  UpdateThread: 'update_thread',
  DeleteThread: 'delete_thread',
  CreateMessage: 'create_message',
  ListMessages: 'list_messages',
  UpdateMessage: 'update_message',
  CreateRun: 'create_run',
  CreateThreadAndRun: 'create_thread_run',
  GetRun: 'get_thread_run',
  UpdateRun: 'update_thread_run',
  ListRuns: 'list_thread_runs',
  CancelRun: 'cancel_thread_run',
  SubmitToolOutputsToRun: 'submit_tool_outputs',
};

const SYSTEM = 'az.ai.agents';
const SCOPE = '@azure/ai-projects';

export const readAzureLegacy: SpanReader = (span) => {
  const attributes = attributesOf(span);
  const spanName = asString(span?.name) ?? '';
  if (!isLegacy(span, spanName, attributes)) return undefined;

  const attributeOperation = presentText(attributes['gen_ai.operation.name']);
  const operation =
    (Object.hasOwn(LEGACY_OPERATIONS, spanName) ? LEGACY_OPERATIONS[spanName] : undefined) ??
    (attributeOperation && /^[a-z][a-z0-9_]*$/.test(attributeOperation) ? attributeOperation : undefined) ??
    snakeCase(spanName);
  const agentName = presentText(attributes['gen_ai.agent.name']);
  const reading: SpanReading = {
    operation,
    name: agentName && (operation === 'create_agent' || operation === 'update_agent') ? `${operation} ${agentName}` : operation,
    provider: presentText(attributes['gen_ai.system']) ?? SYSTEM,
  };

  const requestModel = presentText(attributes['gen_ai.request.model']);
  if (requestModel) reading.requestModel = requestModel;
  const responseModel = presentText(attributes['gen_ai.response.model']);
  if (responseModel) reading.responseModel = responseModel;
  const runStatus = presentText(attributes['gen_ai.thread.run.status']);
  if (runStatus) reading.runStatus = runStatus;
  const usage = usageOf(attributes);
  if (usage) reading.usage = usage;

  const ids: IdsReading = {};
  const set = (field: keyof IdsReading, key: string): void => {
    const value = presentText(attributes[key]);
    if (value) ids[field] = value;
  };
  set('agentId', 'gen_ai.agent.id');
  set('agentName', 'gen_ai.agent.name');
  set('threadId', 'gen_ai.thread.id');
  set('runId', 'gen_ai.thread.run.id');
  set('messageId', 'gen_ai.message.id');
  if (Object.keys(ids).length > 0) reading.ids = ids;
  return reading;
};

/**
 * Scope `@azure/ai-projects` with `gen_ai.system="az.ai.agents"` or a span name of the table (ListAgents and
 * CancelRun carry no gen_ai attribute at all). The 2.x SDK shares the scope but names spans in snake_case
 * with `gen_ai.provider.name="microsoft.foundry"`. Under another scope name (a Collector copy that lost it),
 * `gen_ai.system="az.ai.agents"` on a PascalCase name is enough (Python names its spans in snake_case).
 */
function isLegacy(span: ReadableSpanLike, name: string, attributes: Attributes): boolean {
  const pascal = /^[A-Z][A-Za-z]+$/.test(name);
  if (!pascal) return false;
  const system = attributes['gen_ai.system'] === SYSTEM;
  if (span?.instrumentationScope?.name === SCOPE) return system || Object.hasOwn(LEGACY_OPERATIONS, name);
  return system;
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function usageOf(attributes: Attributes): UsageReading | undefined {
  const input = asNumber(attributes['gen_ai.usage.input_tokens']);
  const output = asNumber(attributes['gen_ai.usage.output_tokens']);
  if (input === undefined && output === undefined) return undefined;
  const usage: UsageReading = {};
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  return usage;
}
