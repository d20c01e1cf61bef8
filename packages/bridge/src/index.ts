export { NexusBridge, type BridgeStats } from './bridge.js';
export type { BridgeOptions } from './config.js';
export * from './otlp/index.js';
