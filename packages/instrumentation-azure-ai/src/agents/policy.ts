import { Readable, Transform, pipeline } from 'node:stream';
import { context, diag, SpanKind, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR, markFailed, PROVIDER, type Failure } from '../attributes.js';
import { serverAttributes, textMessages } from './attributes.js';
import { operationOf, type AgentsOperation } from './routes.js';
import type { RunTracker, TrackedRun } from './run-tracker.js';
import { SseReader, type SseEvent } from './sse.js';
import { finalStepsOf, parseBody, record, runOf, text } from './wire.js';

/** The name the policy goes by in a client's pipeline: adding it twice is a no-op. */
export const AGENTS_POLICY_NAME = 'nexusOtelAzureAIAgentsTracingPolicy';

/** What the policy uses of a core-rest-pipeline request and response; theirs are wider. */
export interface PipelineRequestLike {
  url: string;
  method: string;
  body?: unknown;
}
export interface PipelineResponseLike {
  status: number;
  bodyAsText?: string | null;
  readableStreamBody?: NodeJS.ReadableStream;
}

/** A core-rest-pipeline `PipelinePolicy`: `client.pipeline.addPolicy(policy)`, or `additionalPolicies`. */
export interface AgentsTracingPolicy {
  readonly name: string;
  sendRequest<Req extends PipelineRequestLike, Res extends PipelineResponseLike>(request: Req, next: (request: Req) => Promise<Res>): Promise<Res>;
}

interface PolicyParts {
  tracer: () => Tracer;
  tracker: RunTracker;
  enabled: () => boolean;
}

/**
 * The Agents client's requests, read as they pass through its pipeline (outside retries, so one
 * logical call is one observation): agents, threads and messages as spans of their own; a run as
 * an `invoke_agent` span that the run's later requests (polls, tool outputs, step listings) are
 * traced inside, until one of them shows the run's end. It changes no request and no response: a
 * streamed answer is read through a pass-through as the app consumes it.
 */
export function createAgentsTracingPolicy({ tracer, tracker, enabled }: PolicyParts): AgentsTracingPolicy {
  return {
    name: AGENTS_POLICY_NAME,
    async sendRequest(request, next) {
      const operation = enabled() ? quietly(() => operationOf(request.method, request.url)) : undefined;
      if (!operation) return next(request);
      switch (operation.kind) {
        case 'create_agent':
        case 'create_thread':
        case 'create_message':
          return traceOperation(operation, request, next, tracer, tracker);
        case 'create_run':
        case 'create_thread_and_run':
          return traceRunStart(operation, request, next, tracker);
        default:
          return traceRunRequest(operation, request, next, tracker);
      }
    },
  };
}

async function traceOperation<Req extends PipelineRequestLike, Res extends PipelineResponseLike>(
  operation: AgentsOperation,
  request: Req,
  next: (request: Req) => Promise<Res>,
  tracer: () => Tracer,
  tracker: RunTracker,
): Promise<Res> {
  const body = record(parseBodyQuietly(request.body)) ?? {};
  const span = quietly(() => startOperationSpan(operation, body, request.url, tracer, tracker));
  if (!span) return next(request);
  let response: Res;
  try {
    response = await context.with(trace.setSpan(context.active(), span), () => next(request));
  } catch (error) {
    quietly(() => markFailed(span, thrownFailure(error)));
    span.end();
    throw error;
  }
  quietly(() => finishOperationSpan(operation, body, response, span, tracker));
  span.end();
  return response;
}

function startOperationSpan(operation: AgentsOperation, body: Record<string, unknown>, url: string, tracer: () => Tracer, tracker: RunTracker): Span {
  const attributes: Attributes = { [ATTR.operationName]: operation.kind, [ATTR.providerName]: PROVIDER, ...serverAttributes(url) };
  let name: string = operation.kind;
  if (operation.kind === 'create_agent') {
    const agentName = text(body['name']);
    const model = text(body['model']);
    if (agentName) {
      attributes[ATTR.agentName] = agentName;
      name = `create_agent ${agentName}`;
    }
    if (model) attributes[ATTR.requestModel] = model;
    const instructions = text(body['instructions']);
    if (instructions && tracker.capture) attributes[ATTR.systemInstructions] = JSON.stringify([{ type: 'text', content: instructions }]);
  } else if (operation.kind === 'create_message') {
    attributes[ATTR.conversationId] = operation.threadId;
    const role = text(body['role']) ?? 'user';
    const texts = textsOf(body['content']);
    if (tracker.capture && texts.length > 0) attributes[ATTR.inputMessages] = textMessages(role, texts);
  }
  return tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, context.active());
}

function finishOperationSpan(operation: AgentsOperation, body: Record<string, unknown>, response: PipelineResponseLike, span: Span, tracker: RunTracker): void {
  if (response.status >= 400) {
    markFailed(span, answerFailure(response));
    return;
  }
  const id = text(record(parseBody(response.bodyAsText))?.['id']);
  if (!id) return;
  if (operation.kind === 'create_agent') {
    span.setAttribute(ATTR.agentId, id);
    const agentName = text(body['name']);
    if (agentName) tracker.rememberAgent(id, agentName);
  } else if (operation.kind === 'create_thread') {
    span.setAttribute(ATTR.conversationId, id);
    for (const message of Array.isArray(body['messages']) ? body['messages'] : []) {
      const entry = record(message);
      if (text(entry?.['role']) === 'user') for (const value of textsOf(entry?.['content'])) tracker.rememberUserText(id, value);
    }
  } else if (operation.kind === 'create_message') {
    span.setAttribute(ATTR.messageId, id);
    if ((text(body['role']) ?? 'user') === 'user') for (const value of textsOf(body['content'])) tracker.rememberUserText(operation.threadId, value);
  }
}

async function traceRunStart<Req extends PipelineRequestLike, Res extends PipelineResponseLike>(
  operation: AgentsOperation,
  request: Req,
  next: (request: Req) => Promise<Res>,
  tracker: RunTracker,
): Promise<Res> {
  const body = record(parseBodyQuietly(request.body)) ?? {};
  const run = quietly(() => {
    const threadId = 'threadId' in operation ? operation.threadId : undefined;
    const requestModel = text(body['model']);
    const agentId = text(body['assistant_id']);
    const instructions = text(body['instructions']);
    const inputTexts = [
      ...userTextsOf(body['additional_messages']),
      ...userTextsOf(record(body['thread'])?.['messages']),
    ];
    return tracker.start(context.active(), {
      server: serverAttributes(request.url),
      inputTexts,
      ...(threadId ? { threadId } : {}),
      ...(agentId ? { agentId } : {}),
      ...(requestModel ? { requestModel } : {}),
      ...(instructions ? { instructions } : {}),
    });
  });
  if (!run) return next(request);
  let response: Res;
  try {
    response = await context.with(run.context, () => next(request));
  } catch (error) {
    quietly(() => tracker.failStart(run, thrownFailure(error)));
    throw error;
  }
  quietly(() => {
    if (response.status >= 400) tracker.failStart(run, answerFailure(response));
    else readRunAnswer(run, response, body['stream'] === true, tracker, true);
  });
  return response;
}

async function traceRunRequest<Req extends PipelineRequestLike, Res extends PipelineResponseLike>(
  operation: AgentsOperation,
  request: Req,
  next: (request: Req) => Promise<Res>,
  tracker: RunTracker,
): Promise<Res> {
  const runId = 'runId' in operation ? operation.runId : undefined;
  const run = runId === undefined ? undefined : tracker.find(runId);
  if (!run) return next(request);
  const body = operation.kind === 'submit_tool_outputs' ? (record(parseBodyQuietly(request.body)) ?? {}) : {};
  // The app hands the outputs back now: that is when its function calls ended.
  if (operation.kind === 'submit_tool_outputs') quietly(() => tracker.submitted(run, toolOutputsOf(body['tool_outputs'])));
  const response = await context.with(run.context, () => next(request));
  quietly(() => {
    // A failed poll or listing says nothing about the run itself.
    if (response.status >= 400) return;
    if (operation.kind === 'list_run_steps' || operation.kind === 'get_run_step') tracker.steps(run, finalStepsOf(parseBody(response.bodyAsText)));
    else readRunAnswer(run, response, body['stream'] === true, tracker, false);
  });
  return response;
}

/** A successful answer: a run object, or a stream of the run's events. */
function readRunAnswer(run: TrackedRun, response: PipelineResponseLike, streamed: boolean, tracker: RunTracker, starting: boolean): void {
  if (streamed && response.readableStreamBody) {
    followStream(response, run, tracker);
    return;
  }
  const facts = runOf(parseBody(response.bodyAsText));
  if (facts) tracker.observe(run, facts);
  else if (starting) tracker.failStart(run, { type: 'unreadable_run', message: 'the service answered no run object' });
}

/** Puts a pass-through in the response's place and reads the run's events as the app reads them. */
function followStream(response: PipelineResponseLike, run: TrackedRun, tracker: RunTracker): void {
  const source = response.readableStreamBody;
  if (!source) return;
  const reader = new SseReader();
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      quietly(() => {
        for (const event of reader.push(chunk)) onEvent(event, run, tracker);
      });
      done(null, chunk);
    },
  });
  // Errors and early ends travel both ways: the app sees the stream's own error, and a consumer
  // that stops reading releases the connection.
  pipeline(source as Readable, tap, () => quietly(() => tracker.streamEnded(run)));
  response.readableStreamBody = tap;
}

function onEvent(event: SseEvent, run: TrackedRun, tracker: RunTracker): void {
  if (event.event === 'thread.run.step.created') {
    const id = text(record(parseBody(event.data))?.['id']);
    if (id) tracker.stepCreated(run, id);
  } else if (event.event.startsWith('thread.run.step.')) {
    tracker.steps(run, finalStepsOf(parseBody(event.data)), Date.now());
  } else if (event.event.startsWith('thread.run.')) {
    const facts = runOf(parseBody(event.data));
    if (facts) tracker.observe(run, facts);
  } else if (event.event === 'thread.message.completed') {
    const message = record(parseBody(event.data));
    if (text(message?.['role']) === 'assistant') tracker.messageCompleted(run, textsOf(message?.['content']));
  }
}

/** A message's text: a plain string, or the text parts of a content array (`{ type: 'text', text: { value } }`). */
function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return content ? [content] : [];
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const part of content) {
    const entry = record(part);
    const value = text(record(entry?.['text'])?.['value']) ?? (typeof entry?.['text'] === 'string' ? entry['text'] : undefined);
    if (value) out.push(value);
  }
  return out;
}

function userTextsOf(messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((message) => {
    const entry = record(message);
    return text(entry?.['role']) === 'user' ? textsOf(entry?.['content']) : [];
  });
}

function toolOutputsOf(value: unknown): Array<{ id: string; output?: string }> {
  if (!Array.isArray(value)) return [];
  const out: Array<{ id: string; output?: string }> = [];
  for (const item of value) {
    const entry = record(item);
    const id = text(entry?.['tool_call_id']);
    if (!id) continue;
    const output = entry?.['output'];
    out.push(typeof output === 'string' ? { id, output } : { id });
  }
  return out;
}

/** An error answer: the service's `error.code` and `error.message`, else the HTTP status. */
function answerFailure(response: PipelineResponseLike): Failure {
  const error = record(record(parseBody(response.bodyAsText))?.['error']);
  return { type: text(error?.['code']) ?? String(response.status), message: text(error?.['message']) ?? `HTTP ${response.status}` };
}

/** A request that threw: its `code` (`ECONNREFUSED`…) or error name, and its message. */
function thrownFailure(error: unknown): Failure {
  const code = record(error)?.['code'];
  const type = typeof code === 'string' && code ? code : error instanceof Error ? error.name : 'Error';
  return { type, message: error instanceof Error ? error.message : String(error) };
}

function parseBodyQuietly(body: unknown): unknown {
  return quietly(() => parseBody(body));
}

/** The app's call goes on whatever the instrumentation's own reading does. */
function quietly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    diag.debug('@nexus-otel/instrumentation-azure-ai: could not read an Agents request', error);
    return undefined;
  }
}
