import { SpanKind, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR, markFailed, PROVIDER, usageAttributes, type Failure } from '../attributes.js';
import { textMessages, toolCallMessages, toolTypeOf } from './attributes.js';
import { FINAL_RUN_STATUSES, type RequiredCall, type RunFacts, type StepFacts, type ToolCallFacts } from './wire.js';

/** One run the instrumentation follows, from its creation to the poll or event that shows its end. */
export interface TrackedRun {
  readonly span: Span;
  /** The run span's context: the requests made for this run are traced inside it. */
  readonly context: Context;
  readonly startedAt: number;
  endedAt?: number;
  id?: string;
  threadId?: string;
  agentId?: string;
  model?: string;
  /** Function calls the run waits on, from `requires_action` until the app submits their outputs. */
  readonly pendingTools: Map<string, Span>;
  /** Tool calls and steps already turned into spans: a second listing adds none. */
  readonly seenCalls: Set<string>;
  readonly seenSteps: Set<string>;
  /** When a streamed step was seen created: its span starts there instead of at its whole second. */
  readonly stepStarts: Map<string, number>;
  readonly outputTexts: string[];
}

export interface RunStart {
  threadId?: string;
  agentId?: string;
  requestModel?: string;
  server: Attributes;
  /** Content, recorded only with capture on. */
  inputTexts: string[];
  instructions?: string;
}

/** Runs followed at once; past it the oldest is ended as it is (an app that never polled it to its end). */
const MAX_RUNS = 256;
/** Streamed step start times kept a run (a run has a handful of steps). */
const MAX_STEPS = 1_000;
/** Agent names and threads with pending user messages remembered, each. */
const MAX_REMEMBERED = 256;
/** User messages kept a thread until its next run. */
const MAX_PENDING_TEXTS = 32;

/**
 * The spans of agent runs: `invoke_agent <agent>` from the run's creation until a poll or a streamed
 * event shows it completed, failed, expired, cancelled or incomplete; under it `execute_tool <name>`
 * for each tool call and `chat <model>` for each model step, as the run's answers and its steps
 * reveal them. Pure bookkeeping over what the policy reads: it sends nothing.
 */
export class RunTracker {
  readonly #tracer: () => Tracer;
  readonly #capture: () => boolean;
  readonly #runs = new Map<string, TrackedRun>();
  readonly #agentNames = new Map<string, string>();
  readonly #userTexts = new Map<string, string[]>();

  constructor(tracer: () => Tracer, capture: () => boolean) {
    this.#tracer = tracer;
    this.#capture = capture;
  }

  get capture(): boolean {
    return this.#capture();
  }

  rememberAgent(id: string, name: string): void {
    remember(this.#agentNames, id, name);
  }

  agentName(id: string | undefined): string | undefined {
    return id === undefined ? undefined : this.#agentNames.get(id);
  }

  /** A user message added to a thread: the input of the thread's next run (content, so capture only). */
  rememberUserText(threadId: string, text: string): void {
    if (!this.#capture()) return;
    const texts = this.#userTexts.get(threadId) ?? [];
    texts.push(text);
    // A thread that gets messages and never a run keeps only its latest.
    if (texts.length > MAX_PENDING_TEXTS) texts.shift();
    remember(this.#userTexts, threadId, texts);
  }

  start(parent: Context, start: RunStart): TrackedRun {
    const agentName = this.agentName(start.agentId);
    const attributes: Attributes = {
      [ATTR.operationName]: 'invoke_agent',
      [ATTR.providerName]: PROVIDER,
      ...start.server,
    };
    if (start.agentId) attributes[ATTR.agentId] = start.agentId;
    if (agentName) attributes[ATTR.agentName] = agentName;
    if (start.threadId) attributes[ATTR.conversationId] = start.threadId;
    if (start.requestModel) attributes[ATTR.requestModel] = start.requestModel;
    if (this.#capture()) {
      const texts = [...(start.threadId ? (this.#userTexts.get(start.threadId) ?? []) : []), ...start.inputTexts];
      if (texts.length > 0) attributes[ATTR.inputMessages] = textMessages('user', texts);
      if (start.instructions) attributes[ATTR.systemInstructions] = JSON.stringify([{ type: 'text', content: start.instructions }]);
    }
    if (start.threadId) this.#userTexts.delete(start.threadId);
    const name = agentName ?? start.agentId;
    const span = this.#tracer().startSpan(name ? `invoke_agent ${name}` : 'invoke_agent', { kind: SpanKind.CLIENT, attributes }, parent);
    return {
      span,
      context: trace.setSpan(parent, span),
      startedAt: Date.now(),
      ...(start.threadId ? { threadId: start.threadId } : {}),
      ...(start.agentId ? { agentId: start.agentId } : {}),
      pendingTools: new Map(),
      seenCalls: new Set(),
      seenSteps: new Set(),
      stepStarts: new Map(),
      outputTexts: [],
    };
  }

  find(runId: string): TrackedRun | undefined {
    return this.#runs.get(runId);
  }

  /** What a run object says now: its id, model, the calls it waits on, and its end. */
  observe(run: TrackedRun, facts: RunFacts): void {
    if (run.endedAt !== undefined) return;
    if (run.id === undefined) {
      run.id = facts.id;
      run.span.setAttribute(ATTR.responseId, facts.id);
      this.#follow(run);
    }
    if (facts.threadId && run.threadId === undefined) {
      run.threadId = facts.threadId;
      run.span.setAttribute(ATTR.conversationId, facts.threadId);
    }
    if (facts.agentId && run.agentId === undefined) {
      run.agentId = facts.agentId;
      run.span.setAttribute(ATTR.agentId, facts.agentId);
    }
    if (facts.model && facts.model !== run.model) {
      run.model = facts.model;
      run.span.setAttribute(ATTR.responseModel, facts.model);
    }
    if (facts.status === 'requires_action') this.#awaitCalls(run, facts.requiredCalls);
    if (facts.status && FINAL_RUN_STATUSES.has(facts.status)) this.#finish(run, facts, facts.status);
  }

  /** The outputs the app hands back: each ends its function call's span. */
  submitted(run: TrackedRun, outputs: ReadonlyArray<{ id: string; output?: string }>): void {
    for (const { id, output } of outputs) {
      const span = run.pendingTools.get(id);
      if (!span) continue;
      if (output !== undefined && this.#capture()) span.setAttribute(ATTR.toolCallResult, output);
      span.end();
      run.pendingTools.delete(id);
    }
  }

  /** The assistant's message, complete (streamed runs): the run's output, with capture on. */
  messageCompleted(run: TrackedRun, texts: readonly string[]): void {
    if (this.#capture() && run.endedAt === undefined) run.outputTexts.push(...texts);
  }

  /** A streamed step begins (`thread.run.step.created`). */
  stepCreated(run: TrackedRun, stepId: string): void {
    if (run.endedAt === undefined && !run.stepStarts.has(stepId) && run.stepStarts.size < MAX_STEPS) run.stepStarts.set(stepId, Date.now());
  }

  /**
   * Final steps, listed by the app or streamed: a `chat` span each, and an `execute_tool` span a
   * tool call. The service's times have whole seconds; a step seen live (`now`, as its event
   * arrives) spans from its creation event to now.
   */
  steps(run: TrackedRun, steps: readonly StepFacts[], now?: number): void {
    for (const step of steps) {
      if (run.seenSteps.has(step.id)) continue;
      run.seenSteps.add(step.id);
      const live = now !== undefined && run.endedAt === undefined ? run.stepStarts.get(step.id) : undefined;
      this.#step(run, live !== undefined && now !== undefined ? { ...step, startedAt: live, endedAt: now } : step);
    }
  }

  /** The request that would have created the run failed: the run span ends with its error. */
  failStart(run: TrackedRun, failure: Failure): void {
    if (run.endedAt !== undefined) return;
    markFailed(run.span, failure);
    this.#end(run);
  }

  /** A stream that ended before it named its run leaves nothing to follow: the span ends. */
  streamEnded(run: TrackedRun): void {
    if (run.id === undefined && run.endedAt === undefined) this.failStart(run, { type: 'stream_ended', message: 'the stream ended before the run was created' });
  }

  /** Every run still open ends as it is (the instrumentation is being disabled). */
  endAll(): void {
    for (const run of this.#runs.values()) if (run.endedAt === undefined) this.#end(run);
    this.#runs.clear();
  }

  #follow(run: TrackedRun): void {
    if (run.id === undefined) return;
    this.#runs.delete(run.id);
    this.#runs.set(run.id, run);
    if (this.#runs.size <= MAX_RUNS) return;
    const [oldestId, oldest] = this.#runs.entries().next().value as [string, TrackedRun];
    this.#runs.delete(oldestId);
    if (oldest.endedAt === undefined) this.#end(oldest);
  }

  #awaitCalls(run: TrackedRun, calls: readonly RequiredCall[]): void {
    for (const call of calls) {
      if (run.pendingTools.has(call.id) || run.seenCalls.has(call.id)) continue;
      run.seenCalls.add(call.id);
      const attributes = this.#toolAttributes(run, { id: call.id, type: 'function', name: call.name, ...(call.arguments !== undefined ? { arguments: call.arguments } : {}) });
      run.pendingTools.set(call.id, this.#tracer().startSpan(`execute_tool ${call.name}`, { kind: SpanKind.INTERNAL, attributes }, run.context));
    }
  }

  #finish(run: TrackedRun, facts: RunFacts, status: string): void {
    const { span } = run;
    span.setAttributes(usageAttributes(facts.usage));
    span.setAttribute(ATTR.runStatus, status);
    const failure = failureOf(facts, status);
    if (failure) markFailed(span, failure);
    if (run.outputTexts.length > 0) span.setAttribute(ATTR.outputMessages, textMessages('assistant', run.outputTexts));
    this.#end(run);
  }

  #end(run: TrackedRun): void {
    // Calls the app never answered end with the run: they were not run to an output.
    for (const tool of run.pendingTools.values()) tool.end();
    run.pendingTools.clear();
    run.span.end();
    run.endedAt = Date.now();
  }

  #step(run: TrackedRun, step: StepFacts): void {
    const limit = run.endedAt ?? Date.now();
    const start = clamp(step.startedAt ?? run.startedAt, run.startedAt, limit);
    const end = clamp(step.endedAt ?? limit, start, limit);
    const stepAttributes: Attributes = { [ATTR.runStepId]: step.id };
    if (step.type) stepAttributes[ATTR.runStepType] = step.type;
    const failed = step.status === 'failed' || step.status === 'expired' || step.status === 'cancelled';
    const failure = failed ? { type: step.error?.code ?? `step_${step.status ?? 'failed'}`, message: step.error?.message ?? `run step ${step.status ?? 'failed'}` } : undefined;

    // The model call that made this step: its tokens, and what it asked for.
    const chat: Attributes = {
      [ATTR.operationName]: 'chat',
      [ATTR.providerName]: PROVIDER,
      ...stepAttributes,
      ...usageAttributes(step.usage),
    };
    if (run.model) {
      chat[ATTR.requestModel] = run.model;
      chat[ATTR.responseModel] = run.model;
    }
    if (run.threadId) chat[ATTR.conversationId] = run.threadId;
    if (run.agentId) chat[ATTR.agentId] = run.agentId;
    if (step.messageId) chat[ATTR.messageId] = step.messageId;
    if (this.#capture() && step.toolCalls.length > 0) chat[ATTR.outputMessages] = toolCallMessages(step.toolCalls);
    this.#emit(run, run.model ? `chat ${run.model}` : 'chat', SpanKind.CLIENT, chat, start, end, failure);

    for (const call of step.toolCalls) {
      if (call.id !== undefined) {
        if (run.seenCalls.has(call.id)) continue;
        run.seenCalls.add(call.id);
      }
      this.#emit(run, `execute_tool ${call.name}`, SpanKind.INTERNAL, { ...this.#toolAttributes(run, call), ...stepAttributes }, start, end, failure);
    }
  }

  #toolAttributes(run: TrackedRun, call: ToolCallFacts): Attributes {
    const attributes: Attributes = {
      [ATTR.operationName]: 'execute_tool',
      [ATTR.toolName]: call.name,
      [ATTR.toolType]: toolTypeOf(call.type),
    };
    if (call.id !== undefined) attributes[ATTR.toolCallId] = call.id;
    if (run.threadId) attributes[ATTR.conversationId] = run.threadId;
    if (this.#capture()) {
      if (call.arguments !== undefined) attributes[ATTR.toolCallArguments] = call.arguments;
      if (call.result !== undefined) attributes[ATTR.toolCallResult] = call.result;
    }
    return attributes;
  }

  #emit(run: TrackedRun, name: string, kind: SpanKind, attributes: Attributes, start: number, end: number, failure: Failure | undefined): void {
    const span = this.#tracer().startSpan(name, { kind, attributes, startTime: start }, run.context);
    if (failure) markFailed(span, failure);
    span.end(end);
  }
}

/**
 * Failed → ERROR with the service's `last_error` (`rate_limit_exceeded: …`); expired and incomplete
 * → ERROR with a type of their own (`run_expired`, `run_incomplete`) so a backend can tell a timeout
 * from a failure. Cancelled is the app's choice, not an error; `azure.ai.agents.run.status` says it.
 */
export function failureOf(facts: RunFacts, status: string): Failure | undefined {
  if (status === 'failed') return { type: facts.error?.code ?? 'run_failed', message: facts.error?.message ?? 'run failed' };
  if (status === 'expired') return { type: 'run_expired', message: facts.error?.message ?? 'run expired before it completed' };
  if (status === 'incomplete') return { type: 'run_incomplete', message: facts.incompleteReason ?? facts.error?.message ?? 'run incomplete' };
  return undefined;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string);
}
