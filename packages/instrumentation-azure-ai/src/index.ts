export { AzureAIInstrumentation, type AzureAIInstrumentationConfig, type AIProjectsModule } from './instrumentation.js';
export { responseFailure, type ResponseFailure } from './responses/failure.js';
