export { enableAzureTracing } from './enable.js';
export { applicationInsightsMetadata, withOperationLink, OPERATION_ID_KEY, QUERY_KEY } from './operation-link.js';
export type { AzureTracing, AzureTracingDestinations, AzureTracingOptions, ProjectWithTelemetry } from './options.js';
