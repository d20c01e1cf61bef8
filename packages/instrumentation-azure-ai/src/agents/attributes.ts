import type { Attributes } from '@opentelemetry/api';
import type { RequiredCall, ToolCallFacts, Usage } from './wire.js';

// Current GenAI semantic conventions (@opentelemetry/semantic-conventions incubating), by value:
// the incubating entry point is not meant to be a runtime dependency. A test checks every `gen_ai.*`
// name here against it.
export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  responseId: 'gen_ai.response.id',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolType: 'gen_ai.tool.type',
  toolCallId: 'gen_ai.tool.call.id',
  // Content: only with capture on.
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  // The service's own facts that no GenAI convention names, in the Azure namespace.
  runStatus: 'azure.ai.agents.run.status',
  runStepId: 'azure.ai.agents.run_step.id',
  runStepType: 'azure.ai.agents.run_step.type',
  messageId: 'azure.ai.agents.message.id',
} as const;

/** No well-known value names the Agents service; this follows the convention's `azure.ai.*` ones. */
export const PROVIDER = 'azure.ai.agents';

/** What every span of an operation says about where it went. */
export function serverAttributes(url: string): Attributes {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { [ATTR.serverAddress]: parsed.hostname, [ATTR.serverPort]: port };
  } catch {
    return {};
  }
}

export function usageAttributes(usage: Usage | undefined): Attributes {
  const attributes: Attributes = {};
  if (usage?.inputTokens !== undefined) attributes[ATTR.inputTokens] = usage.inputTokens;
  if (usage?.outputTokens !== undefined) attributes[ATTR.outputTokens] = usage.outputTokens;
  return attributes;
}

/**
 * `gen_ai.tool.type` of the convention: `function` for the app's functions (and OpenAPI operations
 * the service calls as functions), `datastore` for retrieval, `extension` for the service's tools.
 */
export function toolTypeOf(wireType: string): 'function' | 'datastore' | 'extension' {
  if (wireType === 'function') return 'function';
  if (wireType === 'file_search' || wireType === 'azure_ai_search') return 'datastore';
  return 'extension';
}

/** A text message in the convention's JSON shape (`gen_ai.input.messages` / `gen_ai.output.messages`). */
export function textMessages(role: string, texts: readonly string[]): string {
  return JSON.stringify([{ role, parts: texts.map((content) => ({ type: 'text', content })) }]);
}

/** The model's tool requests of a step, as one assistant message of `tool_call` parts. */
export function toolCallMessages(calls: ReadonlyArray<ToolCallFacts | RequiredCall>): string {
  const parts = calls.map((call) => ({
    type: 'tool_call',
    ...(call.id !== undefined ? { id: call.id } : {}),
    name: call.name,
    ...(call.arguments !== undefined ? { arguments: call.arguments } : {}),
  }));
  return JSON.stringify([{ role: 'assistant', parts }]);
}
