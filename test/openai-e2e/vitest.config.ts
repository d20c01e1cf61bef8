import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: {
      // The OpenAI stub lives in examples/openai (its default target); its source, like the packages'.
      '@nexus-otel/example-openai/openai-stub': fileURLToPath(new URL('../../examples/openai/src/openai-stub.ts', import.meta.url)),
      '@nexus-otel/local': fileURLToPath(new URL('../../packages/local/src/index.ts', import.meta.url)),
      '@nexus-otel/exporter': fileURLToPath(new URL('../../packages/exporter/src/index.ts', import.meta.url)),
    },
    // The exporter's source (aliased above) would import its own dev copy of @opentelemetry/api
    // (1.9); in an app its peer dependency is the app's one copy. Here that is the 1.10 this
    // package pins for the 3.x OTel line.
    dedupe: ['@opentelemetry/api'],
  },
  test: {
    // Project configs do not inherit the root's timeouts; CI machines are loaded.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    name: 'openai-e2e', include: ['*.test.ts'],
  },
});
