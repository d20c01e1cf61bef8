// The exporter's own HTTP requests must not be traced: with an HTTP instrumentation on and every
// span exported, a traced upload would become a span to upload, whose upload is traced… forever.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';

const APP = fileURLToPath(new URL('./self-tracing/app.mjs', import.meta.url));
const HOOKS = fileURLToPath(new URL('./self-tracing/hooks.mjs', import.meta.url));
const run = promisify(execFile);

describe('with @opentelemetry/instrumentation-http on (an ESM app with the loader hook)', () => {
  let server: NexusLocal | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("traces the app's own HTTP call and none of the exporter's uploads", async () => {
    const key = generateKey();
    server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
    const { stdout } = await run(process.execPath, ['--import', HOOKS, APP], {
      env: { ...process.env, NEXUS_API_KEY: key, NEXUS_BASE_URL: server.url },
      timeout: 30_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { stats: { dropped: Record<string, number> } };
    expect(report.stats.dropped).toEqual({});

    const traces = server.traces();
    // The instrumentation is live: the app's GET is a span under `work`.
    expect(traces).toHaveLength(1);
    const names = traces[0]?.spans.map((span) => span.name).sort();
    expect(names).toEqual(['GET', 'work']);
    // One trace, two spans: nothing else was sent (an upload traced would add POST traces).
    expect(server.requests.filter((entry) => entry.method === 'POST')).toHaveLength(3);
  }, 40_000);
});
