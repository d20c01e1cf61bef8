import { Agent } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { createSelfSignedCert, startFoundryStub } from '@nexus-otel/example-azure-agents/foundry-stub';
import { createAgentsV1Routes } from './agents-v1-routes.js';
import { manualRun, polledHttpTree } from './agents-scenarios.js';
import { spanTree } from './span-tree.js';
import { startAzureTracing } from './tracing.js';

/** The SDK only needs a token to put in the Authorization header; the stub does not check it. */
const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3600_000 }) };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('@azure/ai-agents 1.1.0 (HTTP spans only) → NexusSpanExporter → Nexus', () => {
  it('a run with a function call becomes one trace named after the agent operations, with the run ids', async () => {
    const tls = createSelfSignedCert();
    const v1 = createAgentsV1Routes();
    const stub = await startFoundryStub(tls, v1.routes);
    cleanups.push(() => stub.close());
    const key = generateKey();
    const nexus = await startNexusLocal({ keys: { [key]: {} } });
    cleanups.push(() => nexus.close());
    const tracing = startAzureTracing(new NexusSpanExporter({ apiKey: key, baseUrl: nexus.url, agent: 'azure-e2e' }));
    cleanups.push(() => tracing.shutdown());

    // Imported only now: the instrumentation must be registered before the Azure packages load.
    const { AgentsClient } = await import('@azure/ai-agents');
    // Trust for the stub's self-signed certificate, for this client only: core-rest-pipeline takes an
    // https.Agent in the client options (`agent`), so no process-wide NODE_EXTRA_CA_CERTS or
    // NODE_TLS_REJECT_UNAUTHORIZED is needed.
    const agent = new Agent({ ca: tls.cert });
    cleanups.push(() => agent.destroy());
    const client = new AgentsClient(stub.endpoint, credential, { agent });

    // The app's own root span: without it every HTTP span would be a trace of its own.
    const { run, steps, messages } = await tracing.tracer.startActiveSpan('weather-math-scenario', async (root) => {
      try {
        return await manualRun(client);
      } finally {
        root.end();
      }
    });
    expect(run.status).toBe('completed');
    for (const step of steps) expect(step.status).toBe('completed');
    expect(messages).toHaveLength(2);
    await tracing.shutdown();

    // The stub saw the whole run, each request inside the scenario's trace.
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /assistants',
      'POST /threads',
      `POST /threads/${v1.ids.thread}/messages`,
      `POST /threads/${v1.ids.thread}/runs`,
      `GET /threads/${v1.ids.thread}/runs/${v1.ids.run}`,
      `POST /threads/${v1.ids.thread}/runs/${v1.ids.run}/submit_tool_outputs`,
      `GET /threads/${v1.ids.thread}/runs/${v1.ids.run}`,
      `GET /threads/${v1.ids.thread}/runs/${v1.ids.run}/steps`,
      `GET /threads/${v1.ids.thread}/messages`,
      `DELETE /assistants/${v1.ids.agent}`,
    ]);
    const traceIds = new Set(stub.requests.map((r) => r.traceparent?.split('-')[1]));
    expect(traceIds.size).toBe(1);
    expect(v1.submittedOutputs).toEqual([{ tool_call_id: v1.ids.toolCall, output: '{"temperature":"12C","condition":"cloudy"}' }]);

    const traces = nexus.traces();
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    const tree = spanTree(trace);

    expect(trace.name).toBe('weather-math-scenario');
    expect(trace.agentName).toBe('azure-e2e');
    expect(trace.status).toBe('success');
    expect(trace.metadata).toMatchObject({ agent_id: v1.ids.agent, thread_id: v1.ids.thread, run_id: v1.ids.run });
    expect(tree).toEqual(polledHttpTree('weather-math-scenario'));
    expect(trace.spans.every((s) => s.status === 'ok' && s.error === null)).toBe(true);
  });
});
