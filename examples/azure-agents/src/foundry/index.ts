// A local stand-in for an Azure AI Foundry project endpoint: the example's default target, and the
// service of test/azure-e2e.
export { startFoundryStub, PROJECT_PATH, type FoundryStub, type StubReply, type StubRequest, type StubRoutes } from './stub.js';
export { createAgentsV2Routes, ANSWER, CODE, CODE_LOGS, USAGE, WEATHER_ARGUMENTS, type AgentsV2Stub } from './agents-v2-routes.js';
export { createSelfSignedCert, type SelfSignedCert } from './tls-cert.js';
export { canTrustAtRuntime, trustCertificate } from './trust.js';
export { startLocalFoundry, type LocalFoundry } from './local-foundry.js';
