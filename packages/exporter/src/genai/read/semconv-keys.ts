/**
 * The span attributes of the OpenTelemetry GenAI conventions (current names, the deprecated names
 * they replaced, and the Traceloop underscore spellings found on the same spans) that the exporter
 * reads for their meaning: the semconv reader, tool span naming, and the trace context. Content
 * keys are not here: they are in privacy/content-keys.ts. Together the two lists are what the
 * exporter understands of `gen_ai.*`; the semconv coverage test checks them against
 * `@opentelemetry/semantic-conventions`.
 */
export const SEMCONV_KEYS = {
  operationName: 'gen_ai.operation.name',
  toolName: 'gen_ai.tool.name',
  toolType: 'gen_ai.tool.type',
  toolCallId: 'gen_ai.tool.call.id',

  inputTokens: 'gen_ai.usage.input_tokens',
  /** Deprecated (v1.27) name of `inputTokens`. */
  promptTokens: 'gen_ai.usage.prompt_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  /** Deprecated (v1.27) name of `outputTokens`. */
  completionTokens: 'gen_ai.usage.completion_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  /** Traceloop's spelling of `cacheReadTokens`. */
  cacheReadTokensTraceloop: 'gen_ai.usage.cache_read_input_tokens',
  cacheCreationTokens: 'gen_ai.usage.cache_creation.input_tokens',
  /** Traceloop's spelling of `cacheCreationTokens`. */
  cacheCreationTokensTraceloop: 'gen_ai.usage.cache_creation_input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  /** Traceloop's spelling of `reasoningTokens`. */
  reasoningTokensTraceloop: 'gen_ai.usage.reasoning_tokens',
  /** Traceloop's; no semconv attribute. */
  totalTokens: 'gen_ai.usage.total_tokens',

  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  providerName: 'gen_ai.provider.name',
  /** Deprecated (v1.37) name of `providerName`. */
  system: 'gen_ai.system',

  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  agentVersion: 'gen_ai.agent.version',
  conversationId: 'gen_ai.conversation.id',
  responseId: 'gen_ai.response.id',
  /** Azure agents v1 / Python azure-ai-agents. */
  threadId: 'gen_ai.thread.id',
  runId: 'gen_ai.thread.run.id',
  messageId: 'gen_ai.message.id',
  runStatus: 'gen_ai.thread.run.status',
  /** The same, from @nexus-otel/instrumentation-azure-ai (no convention names a run's status). */
  azureRunStatus: 'azure.ai.agents.run.status',

  promptName: 'gen_ai.prompt.name',
} as const;
