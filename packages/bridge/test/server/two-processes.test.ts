// Whole traces across processes: service A (frontend) calls service B (pricing) over HTTP with W3C
// trace context; each process exports OTLP to the bridge with its own SDK. One Nexus trace results,
// owned by A's root, with B's span nested under A's tool call.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgeHarness, eventually, type BridgeHarness } from './harness.js';

const SERVICE = fileURLToPath(new URL('./fixtures/service.ts', import.meta.url));

let h: BridgeHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Runs the service fixture; resolves with what it printed once `done` matches. */
function service(role: string, env: Record<string, string>, done: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVICE, role], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (done.test(out)) resolve(out);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => (done.test(out) ? resolve(out) : reject(new Error(`${role} exited ${code}: ${err}`))));
  });
}

describe('nexus-otel-bridge: a trace across two processes', () => {
  it('A calls B over HTTP (traceparent); both export to the bridge: one trace, B nested under A', async () => {
    h = await bridgeHarness();
    const otlp = { OTLP_URL: h.bridge.url };
    const pricing = await service('pricing', otlp, /listening \d+/);
    const port = /listening (\d+)/.exec(pricing)![1]!;
    const frontend = await service('frontend', { ...otlp, PRICING_URL: `http://127.0.0.1:${port}/price` }, /otel trace [0-9a-f]{32}/);
    const otelTraceId = /otel trace ([0-9a-f]{32})/.exec(frontend)![1]!;
    expect(await eventually(() => h!.nexus.traces()[0]?.spans.length === 3, 20_000)).toBe(true);
    const traces = h.nexus.traces();
    expect(traces).toHaveLength(1);
    const [stored] = traces;
    expect([stored!.name, stored!.agentName, stored!.status]).toEqual(['invoke_agent planner', 'frontend', 'success']);
    expect((stored!.metadata as Record<string, unknown>)['otel_trace_id']).toBe(otelTraceId);
    const byName = new Map(stored!.spans.map((s) => [s.name, s]));
    expect(byName.get('invoke_agent planner')!.parentSpanId).toBeNull();
    expect(byName.get('execute_tool get_price')!.parentSpanId).toBe(byName.get('invoke_agent planner')!.id);
    expect(byName.get('chat gpt-4o-mini')!.parentSpanId).toBe(byName.get('execute_tool get_price')!.id);
  });
});
