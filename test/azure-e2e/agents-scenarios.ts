// Type-only imports: the tests load @azure/ai-agents only after tracing is registered.
import type { AgentEventMessage, AgentEventMessageStream, AgentsClient, MessageDeltaChunk, RunStep, ThreadMessage, ThreadRun, ToolOutput } from '@azure/ai-agents';
import { WEATHER_CALL } from './agents-v1-routes.js';

/** What the app's get_current_weather returns, as the tool output it submits. */
export const WEATHER_OUTPUT = JSON.stringify({ temperature: '12C', condition: 'cloudy' });
export const USER_QUESTION = "What is sqrt(1764)? And what's the weather in Seattle?";

/**
 * Nexus's tree of a polled run traced by the HTTP spans alone (no instrumentation): the exporter's
 * azure-agents-http reader names each `HTTP <METHOD>` span from its http.url.
 */
export function polledHttpTree(rootName: string): string[] {
  const calls = ['create_agent', 'create_thread', 'create_message', 'create_run', 'get_run', 'submit_tool_outputs', 'get_run', 'list_run_steps', 'list_messages', 'delete_agent'];
  return [rootName, ...calls.map((name) => `  ${name}`)];
}

/** What the app saw of one run. */
export interface ScenarioResult {
  /** The run as the app last saw it. */
  run: ThreadRun;
  /** Every run status the app received, in order (the stream's run events included). */
  statuses: string[];
  /** What runs.createAndPoll threw (polledRun only). */
  error?: string;
  /** Each SSE stream's events in order: create's, then submit_tool_outputs' (streamedRun only). */
  streams?: AgentEventMessage[][];
  /** The assistant's text, put together from the `thread.message.delta` events (streamedRun only). */
  streamedText?: string;
  /** runSteps.list after the run ended. */
  steps: RunStep[];
  /** messages.list after the run ended, newest first. */
  messages: ThreadMessage[];
}

/**
 * The run as an app drives it by hand: runs.create, runs.get until the run ends, submitting the
 * function's output when the run requires action.
 */
export async function manualRun(client: AgentsClient): Promise<ScenarioResult> {
  const { agentId, threadId } = await setUp(client);
  let run = await client.runs.create(threadId, agentId);
  const statuses: string[] = [run.status];
  while (['queued', 'in_progress', 'requires_action'].includes(run.status)) {
    const outputs = toolOutputs(run);
    run = outputs ? await client.runs.submitToolOutputs(threadId, run.id, outputs) : await client.runs.get(threadId, run.id);
    statuses.push(run.status);
  }
  return { run, statuses, ...(await wrapUp(client, agentId, threadId, run.id)) };
}

/**
 * The run through runs.createAndPoll. Its poller counts `requires_action` as still running, so
 * pollUntilDone would poll a run waiting for tool outputs until it expires: the app steps the
 * poller with poll() instead, submitting the outputs when a poll shows the action. A run that ends
 * `failed`, `expired` or `cancelled` makes poll() throw; the app catches it and reads poller.result.
 */
export async function polledRun(client: AgentsClient): Promise<ScenarioResult> {
  const { agentId, threadId } = await setUp(client);
  // Never awaited itself: the poller is a thenable whose `then` runs pollUntilDone.
  const poller = client.runs.createAndPoll(threadId, agentId);
  await poller.submitted();
  const current = (): ThreadRun => {
    if (!poller.result) throw new Error('createAndPoll has no run after submitted()');
    return poller.result;
  };
  const statuses: string[] = [current().status];
  let error: string | undefined;
  while (!poller.isDone && error === undefined) {
    const outputs = toolOutputs(current());
    if (outputs) statuses.push((await client.runs.submitToolOutputs(threadId, current().id, outputs)).status);
    try {
      await poller.poll();
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
    }
    // poll() stores the run it got before it throws on a failed one.
    statuses.push(current().status);
  }
  const run = current();
  return { run, statuses, ...(error === undefined ? {} : { error }), ...(await wrapUp(client, agentId, threadId, run.id)) };
}

/**
 * The run streamed: runs.create(...).stream(), and on `thread.run.requires_action` the outputs
 * submitted with runs.submitToolOutputs(...).stream(), read inside the first stream's loop as the
 * SDK's samples do.
 */
export async function streamedRun(client: AgentsClient): Promise<ScenarioResult> {
  const { agentId, threadId } = await setUp(client);
  const streams: AgentEventMessage[][] = [];
  const statuses: string[] = [];
  let run: ThreadRun | undefined;
  let streamedText = '';
  const read = async (stream: AgentEventMessageStream): Promise<void> => {
    const events: AgentEventMessage[] = [];
    streams.push(events);
    for await (const event of stream) {
      events.push(event);
      streamedText += deltaText(event);
      const eventRun = runOf(event);
      if (!eventRun) continue;
      run = eventRun;
      statuses.push(eventRun.status);
      const outputs = event.event === 'thread.run.requires_action' ? toolOutputs(eventRun) : undefined;
      if (outputs) await read(await client.runs.submitToolOutputs(threadId, eventRun.id, outputs).stream());
    }
  };
  await read(await client.runs.create(threadId, agentId).stream());
  if (!run) throw new Error('the stream carried no run event');
  const last: ThreadRun = run;
  return { run: last, statuses, streams, streamedText, ...(await wrapUp(client, agentId, threadId, last.id)) };
}

/** The agent (code interpreter + get_current_weather), a thread, and the user's question. */
async function setUp(client: AgentsClient): Promise<{ agentId: string; threadId: string }> {
  const agent = await client.createAgent('gpt-4o', {
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
  await client.messages.create(thread.id, 'user', USER_QUESTION);
  return { agentId: agent.id, threadId: thread.id };
}

/** What the app reads once the run has ended, then the agent deleted. */
async function wrapUp(client: AgentsClient, agentId: string, threadId: string, runId: string): Promise<{ steps: RunStep[]; messages: ThreadMessage[] }> {
  const steps: RunStep[] = [];
  for await (const step of client.runSteps.list(threadId, runId)) steps.push(step);
  const messages: ThreadMessage[] = [];
  for await (const message of client.messages.list(threadId)) messages.push(message);
  await client.deleteAgent(agentId);
  return { steps, messages };
}

/** The app "runs" each function the run asks for; undefined when the run asks for nothing. */
function toolOutputs(run: ThreadRun): ToolOutput[] | undefined {
  const action = run.requiredAction;
  if (!action || !('submitToolOutputs' in action)) return undefined;
  return action.submitToolOutputs.toolCalls.map((call) => ({ toolCallId: call.id, output: WEATHER_OUTPUT }));
}

/** The run of a `thread.run.*` event (not `thread.run.step.*`), which the SDK deserializes as a ThreadRun. */
function runOf(event: AgentEventMessage): ThreadRun | undefined {
  if (!event.event.startsWith('thread.run.') || event.event.startsWith('thread.run.step.')) return undefined;
  return typeof event.data === 'object' ? (event.data as ThreadRun) : undefined;
}

function deltaText(event: AgentEventMessage): string {
  if (event.event !== 'thread.message.delta' || typeof event.data !== 'object') return '';
  // The SDK deserializes `thread.message.delta` data as a MessageDeltaChunk.
  const chunk = event.data as MessageDeltaChunk;
  let text = '';
  for (const part of chunk.delta.content) if (part.type === 'text' && 'text' in part) text += part.text?.value ?? '';
  return text;
}
