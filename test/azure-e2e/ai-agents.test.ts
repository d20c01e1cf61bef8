import { Agent } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { createSelfSignedCert, startFoundryStub } from '@nexus-otel/example-azure-agents/foundry-stub';
import { createAgentsV1Routes, WEATHER_CALL } from './agents-v1-routes.js';
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
    await tracing.tracer.startActiveSpan('weather-math-scenario', async (root) => {
      try {
        const created = await client.createAgent('gpt-4o', {
          name: 'weather-math-agent',
          instructions: 'You are a helpful agent. Use code interpreter for math and get_current_weather for weather.',
          tools: [
            { type: 'code_interpreter' },
            {
              type: 'function',
              function: {
                name: WEATHER_CALL.name,
                description: 'Current weather for a city',
                parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
              },
            },
          ],
        });
        const thread = await client.threads.create();
        await client.messages.create(thread.id, 'user', "What is sqrt(1764)? And what's the weather in Seattle?");
        let run = await client.runs.create(thread.id, created.id);
        while (['queued', 'in_progress', 'requires_action'].includes(run.status)) {
          const action = run.requiredAction;
          if (action && 'submitToolOutputs' in action) {
            const outputs = action.submitToolOutputs.toolCalls.map((call) => ({
              toolCallId: call.id,
              output: JSON.stringify({ temperature: '12C', condition: 'cloudy' }),
            }));
            run = await client.runs.submitToolOutputs(thread.id, run.id, outputs);
          } else {
            run = await client.runs.get(thread.id, run.id);
          }
        }
        expect(run.status).toBe('completed');
        for await (const step of client.runSteps.list(thread.id, run.id)) expect(step.status).toBe('completed');
        const messages = [];
        for await (const message of client.messages.list(thread.id)) messages.push(message);
        expect(messages).toHaveLength(2);
        await client.deleteAgent(created.id);
      } finally {
        root.end();
      }
    });
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
    // The exporter's azure-agents-http reader names each `HTTP <METHOD>` span from its http.url.
    expect(tree).toEqual([
      'weather-math-scenario',
      '  create_agent',
      '  create_thread',
      '  create_message',
      '  create_run',
      '  get_run',
      '  submit_tool_outputs',
      '  get_run',
      '  list_run_steps',
      '  list_messages',
      '  delete_agent',
    ]);
    expect(trace.spans.every((s) => s.status === 'ok' && s.error === null)).toBe(true);
  });
});
