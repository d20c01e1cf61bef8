export {
  AzureAIInstrumentation,
  type AzureAIInstrumentationConfig,
  type AIProjectsModule,
  type AIAgentsModule,
} from './instrumentation.js';
export { responseFailure, type ResponseFailure } from './responses/failure.js';
export { AGENTS_POLICY_NAME, type AgentsTracingPolicy, type PipelineRequestLike, type PipelineResponseLike } from './agents/policy.js';
export { CAPTURE_ENV } from './content-capture.js';
