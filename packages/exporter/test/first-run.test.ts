// What a first run tells its user when the app is set up the way the OpenTelemetry getting-started
// guides leave it: no service name.
import { afterEach, describe, expect, it } from 'vitest';
import { SpanFactory, exportBatch, harness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('an app with no service name', () => {
  it('lands under the SDK default agent, and says once how to name it', async () => {
    h = await harness();
    const f = new SpanFactory('unknown_service:node');
    await exportBatch(h.exporter, f.end(f.start('invoke_agent')));
    await exportBatch(h.exporter, f.end(f.start('invoke_agent')));
    await h.exporter.forceFlush();
    expect(h.server.traces().map((t) => t.agentName)).toEqual(['unknown_service:node', 'unknown_service:node']);
    const lines = h.diagLines.filter((line) => line.includes('sets no service name'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn .*"unknown_service:node".*NEXUS_AGENT.*service\.name on the provider's resource/);
  });

  it('says nothing when the service is named', async () => {
    h = await harness();
    const named = new SpanFactory('checkout-agent');
    await exportBatch(h.exporter, named.end(named.start('invoke_agent')));
    await h.exporter.forceFlush();
    expect(h.server.traces().map((t) => t.agentName)).toEqual(['checkout-agent']);
    expect(h.diagLines.filter((line) => line.includes('sets no service name'))).toEqual([]);
  });

  it('says nothing when the agent is set, whatever the service name', async () => {
    h = await harness({ agent: 'support-bot' });
    const unnamed = new SpanFactory('unknown_service:node');
    await exportBatch(h.exporter, unnamed.end(unnamed.start('invoke_agent')));
    await h.exporter.forceFlush();
    expect(h.server.traces().map((t) => t.agentName)).toEqual(['support-bot']);
    expect(h.diagLines.filter((line) => line.includes('sets no service name'))).toEqual([]);
  });
});
