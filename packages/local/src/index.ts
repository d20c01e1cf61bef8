// Public surface of @nexus-otel/local: a local, in-memory stand-in for the hosted Nexus API.
export { startNexusLocal } from './server.js';
export type { NexusLocal, NexusLocalOptions, RequestLogEntry } from './server.js';
export { generateKey } from './keys.js';
export type { KeyConfig } from './keys.js';
export { seededRandom } from './faults.js';
export type { Faults, OutageMode, RandomFaultOptions, RequestMatch } from './faults.js';
export type { StoredSpan, StoredTrace } from './store.js';
