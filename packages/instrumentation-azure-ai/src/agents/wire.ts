/**
 * What the instrumentation reads of the Agents service's JSON (snake_case, times in unix seconds),
 * defensively: a field of an unexpected type is treated as absent, never thrown on.
 */

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
}

export interface RunError {
  code?: string;
  message?: string;
}

/** A function call the run waits on (`requires_action` → `submit_tool_outputs`). */
export interface RequiredCall {
  id: string;
  name: string;
  arguments?: string;
}

export interface RunFacts {
  id: string;
  threadId?: string;
  agentId?: string;
  status?: string;
  model?: string;
  error?: RunError;
  incompleteReason?: string;
  usage?: Usage;
  requiredCalls: RequiredCall[];
  instructions?: string;
}

export interface ToolCallFacts {
  id?: string;
  /** The wire's type: `function`, `code_interpreter`, `file_search`, `bing_grounding`, `mcp`, … */
  type: string;
  /** The function's (or MCP tool's) own name, else the type. */
  name: string;
  arguments?: string;
  result?: string;
}

export interface StepFacts {
  id: string;
  type?: string;
  status?: string;
  error?: RunError;
  usage?: Usage;
  toolCalls: ToolCallFacts[];
  /** The message a `message_creation` step wrote. */
  messageId?: string;
  /** Unix milliseconds, from the step's own second-resolution times. */
  startedAt?: number;
  endedAt?: number;
}

/** Terminal run statuses: the run span ends when it sees one. */
export const FINAL_RUN_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete']);
/** Step statuses after which a step no longer changes. */
const FINAL_STEP_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'expired']);

type Json = Record<string, unknown>;

export function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A JSON text body, or undefined when there is none or it is not JSON. */
export function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body.length === 0) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export function usageOf(value: unknown): Usage | undefined {
  const usage = record(value);
  if (!usage) return undefined;
  const inputTokens = count(usage['prompt_tokens']);
  const outputTokens = count(usage['completion_tokens']);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  return { ...(inputTokens !== undefined ? { inputTokens } : {}), ...(outputTokens !== undefined ? { outputTokens } : {}) };
}

function errorOf(value: unknown): RunError | undefined {
  const error = record(value);
  if (!error) return undefined;
  const code = text(error['code']);
  const message = text(error['message']);
  return code || message ? { ...(code ? { code } : {}), ...(message ? { message } : {}) } : undefined;
}

/** A run object (`thread.run`), or undefined when the value is not one. */
export function runOf(value: unknown): RunFacts | undefined {
  const run = record(value);
  const id = text(run?.['id']);
  if (!run || !id) return undefined;
  const facts: RunFacts = { id, requiredCalls: requiredCallsOf(run['required_action']) };
  const threadId = text(run['thread_id']);
  const agentId = text(run['assistant_id']);
  const status = text(run['status']);
  const model = text(run['model']);
  const error = errorOf(run['last_error']);
  const incompleteReason = text(record(run['incomplete_details'])?.['reason']);
  const usage = usageOf(run['usage']);
  const instructions = text(run['instructions']);
  if (threadId) facts.threadId = threadId;
  if (agentId) facts.agentId = agentId;
  if (status) facts.status = status;
  if (model) facts.model = model;
  if (error) facts.error = error;
  if (incompleteReason) facts.incompleteReason = incompleteReason;
  if (usage) facts.usage = usage;
  if (instructions) facts.instructions = instructions;
  return facts;
}

function requiredCallsOf(value: unknown): RequiredCall[] {
  const calls = record(record(value)?.['submit_tool_outputs'])?.['tool_calls'];
  if (!Array.isArray(calls)) return [];
  const out: RequiredCall[] = [];
  for (const call of calls) {
    const entry = record(call);
    const fn = record(entry?.['function']);
    const id = text(entry?.['id']);
    const name = text(fn?.['name']);
    if (!id || !name) continue;
    const args = typeof fn?.['arguments'] === 'string' ? fn['arguments'] : undefined;
    out.push({ id, name, ...(args !== undefined ? { arguments: args } : {}) });
  }
  return out;
}

/** The steps of a list answer (`{ data: [...] }`) or a single step, each only once it is final. */
export function finalStepsOf(value: unknown): StepFacts[] {
  const body = record(value);
  const items = Array.isArray(body?.['data']) ? (body['data'] as unknown[]) : [value];
  const out: StepFacts[] = [];
  for (const item of items) {
    const step = stepOf(item);
    if (step && step.status && FINAL_STEP_STATUSES.has(step.status)) out.push(step);
  }
  return out;
}

export function stepOf(value: unknown): StepFacts | undefined {
  const step = record(value);
  const id = text(step?.['id']);
  if (!step || !id || step['object'] === 'thread.run') return undefined;
  const details = record(step['step_details']);
  const facts: StepFacts = { id, toolCalls: toolCallsOf(details?.['tool_calls']) };
  const type = text(step['type']) ?? text(details?.['type']);
  const status = text(step['status']);
  const error = errorOf(step['last_error']);
  const usage = usageOf(step['usage']);
  const messageId = text(record(details?.['message_creation'])?.['message_id']);
  const startedAt = seconds(step['created_at']);
  const endedAt = seconds(step['completed_at']) ?? seconds(step['failed_at']) ?? seconds(step['cancelled_at']) ?? seconds(step['expired_at']);
  if (type) facts.type = type;
  if (status) facts.status = status;
  if (error) facts.error = error;
  if (usage) facts.usage = usage;
  if (messageId) facts.messageId = messageId;
  if (startedAt !== undefined) facts.startedAt = startedAt;
  if (endedAt !== undefined) facts.endedAt = endedAt;
  return facts;
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/** The tool calls of a `tool_calls` step, each with its readable input and output where it has them. */
export function toolCallsOf(value: unknown): ToolCallFacts[] {
  if (!Array.isArray(value)) return [];
  const out: ToolCallFacts[] = [];
  for (const item of value) {
    const call = record(item);
    const type = text(call?.['type']);
    if (!call || !type) continue;
    const id = text(call['id']);
    const facts = type === 'mcp' ? mcpCall(call) : type === 'function' || type === 'openapi' ? functionCall(call, type) : builtInCall(call, type);
    out.push(id ? { id, ...facts } : facts);
  }
  return out;
}

function functionCall(call: Json, type: string): ToolCallFacts {
  const fn = record(call['function']) ?? record(call[type]) ?? {};
  return withText({ type, name: text(fn['name']) ?? type }, fn['arguments'], fn['output']);
}

function mcpCall(call: Json): ToolCallFacts {
  return withText({ type: 'mcp', name: text(call['name']) ?? 'mcp' }, call['arguments'], call['output']);
}

/**
 * Code interpreter (`input` code, `outputs`), file search (`results`), Azure AI Search and the
 * grounding tools (`input`/`output`, or only the request details): what went in and what came out.
 */
function builtInCall(call: Json, type: string): ToolCallFacts {
  const details = record(call[type]);
  if (!details) return { type, name: type };
  const input = details['input'] ?? details['ranking_options'] ?? (details['output'] === undefined && details['outputs'] === undefined && details['results'] === undefined ? details : undefined);
  const output = details['outputs'] ?? details['output'] ?? details['results'];
  return withText({ type, name: type }, input, output);
}

function withText(facts: ToolCallFacts, input: unknown, output: unknown): ToolCallFacts {
  const args = asText(input);
  const result = asText(output);
  if (args !== undefined) facts.arguments = args;
  if (result !== undefined) facts.result = result;
  return facts;
}

function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
