// Public surface of @nexus-otel/appinsights-local: a local stand-in for Application Insights ingestion.
export { startIngestionStub, type IngestionRequest, type IngestionStub, type IngestionStubOptions } from './server.js';
export { itemName, operationIdOf, operationIds, spanItems, type Envelope } from './envelopes.js';
export { createSelfSignedCert, hasOpenssl, type SelfSignedCert } from './tls-cert.js';
