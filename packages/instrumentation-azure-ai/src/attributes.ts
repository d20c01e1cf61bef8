import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';

// Current GenAI semantic conventions (@opentelemetry/semantic-conventions incubating), by value:
// the incubating entry point is not meant to be a runtime dependency. A test checks every `gen_ai.*`
// name here against it. Both halves (ai-agents spans, ai-projects results) write these.
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

/** `gen_ai.usage.*` of the tokens a result or run step reports. */
export function usageAttributes(usage: { inputTokens?: number; outputTokens?: number } | undefined): Attributes {
  const attributes: Attributes = {};
  if (usage?.inputTokens !== undefined) attributes[ATTR.inputTokens] = usage.inputTokens;
  if (usage?.outputTokens !== undefined) attributes[ATTR.outputTokens] = usage.outputTokens;
  return attributes;
}

/** What a failed span says: its `error.type` and status message. */
export interface Failure {
  type: string;
  message: string;
}

/** A span that failed: `error.type` and status ERROR with the message. */
export function markFailed(span: Span, failure: Failure): void {
  span.setAttribute(ATTR.errorType, failure.type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
}
