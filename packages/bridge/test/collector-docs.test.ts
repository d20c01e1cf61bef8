// docs/collector.md shows the Collector configurations the tests run: each block is what
// configs.ts writes, with listening addresses and production timings in place of the tests'.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bridgeConfig, loadBalancedConfig } from './collector/configs.js';

const DOC = readFileSync(new URL('../../../docs/collector.md', import.meta.url), 'utf8');
const PRODUCTION = { bearerToken: '${env:NEXUS_BRIDGE_TOKEN}', batchTimeout: '1s', retry: { initialInterval: '1s', maxInterval: '30s', maxElapsedTime: '300s' } } as const;

function block(name: string): string {
  const match = new RegExp(`<!-- collector-config: ${name} -->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/collector.md has no ${name} block`);
  return match[1]!;
}

/** The tests' receivers listen on ports they pick; a deployment listens on the OTLP ones. */
function listening(yaml: string): string {
  return yaml.replace('127.0.0.1:${env:OTELCOL_OTLP_HTTP_PORT}', '0.0.0.0:4318').replace('127.0.0.1:${env:OTELCOL_OTLP_GRPC_PORT}', '0.0.0.0:4317');
}

describe('docs/collector.md', () => {
  it('one bridge: the block is bridgeConfig()', () => {
    expect(block('one-bridge')).toBe(listening(bridgeConfig({ bridgeUrl: 'http://nexus-bridge:4318', ...PRODUCTION })));
  });

  it('N bridges: the block is loadBalancedConfig()', () => {
    expect(block('load-balanced')).toBe(listening(loadBalancedConfig({ backends: ['nexus-bridge-1:4317', 'nexus-bridge-2:4317'], ...PRODUCTION })));
  });
});
