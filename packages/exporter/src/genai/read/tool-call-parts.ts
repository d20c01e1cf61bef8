/**
 * Tool calls carried inside message parts or run-step event bodies → `ToolCallReading`s.
 *
 * `toolCallsFromMessages` reads canonical (normalised) messages:
 * - `tool_call` parts with `{id, name, arguments}` (function calls) → type `function`; output stays
 *   null (the result arrives later as a `tool_call_response` in another span's input; joined elsewhere).
 * - `tool_call` parts whose `content` is `{type: '<tool>_call', id, …details}`: the built-in tools of
 *   `@azure/ai-projects` 2.x (`formatters.js`, `getToolCallDetailProps`). With content recording off only
 *   `type` and `id` are there, so input/output stay null.
 * - `server_tool_call` parts (semconv v1.40), filled with a `server_tool_call_response` part of the same
 *   id in the same messages when there is one.
 *
 * `toolCallsFromRunStepContent` reads the Python `AIAgentsInstrumentor` event body
 * `{"tool_calls": [...]}` of `gen_ai.run_step.tool_calls` (and streaming `gen_ai.assistant.message`):
 * `{id, type:'function', function:{name, arguments}}`, `{id, type:T, T:{…details}}`,
 * `{id, type:'openapi', function:{…}}`, flat `{id, type:'mcp', name, arguments, output, server_label}`;
 * content off: `{id, type}` only.
 *
 * Per tool (first key present wins): see INPUT_KEYS / OUTPUT_KEYS. Nothing here throws.
 */
import type { JsonValue } from '../../map/types.js';
import { asString, isRecord, parseDeep, parseMaybeJson } from '../messages/json.js';
import { isRedactionMarker } from '../messages/normalize.js';
import type { Message } from '../messages/model.js';
import type { ToolCallReading } from '../reading.js';

type Details = { [key: string]: JsonValue };

/** Where a built-in tool keeps what it was asked (v2 Responses item fields and v1 run-step details). */
const INPUT_KEYS: Record<string, string[]> = {
  code_interpreter: ['code', 'input'],
  file_search: ['queries', 'query'],
  web_search: ['action', 'query'],
  mcp: ['arguments'],
  openapi: ['arguments'],
  azure_ai_search: ['input', 'arguments', 'query'],
  bing_grounding: ['requesturl', 'arguments', 'query', 'input'],
  bing_custom_search: ['requesturl', 'arguments', 'query', 'input'],
  computer: ['action'],
  image_generation: ['prompt'],
  local_shell: ['command', 'action'],
  shell: ['command', 'action'],
  apply_patch: ['patch'],
};
const DEFAULT_INPUT_KEYS = ['arguments', 'input', 'query', 'queries', 'code', 'action', 'command', 'prompt', 'requesturl'];

/** Where it keeps what came back. */
const OUTPUT_KEYS: Record<string, string[]> = {
  code_interpreter: ['outputs'],
  file_search: ['results'],
  web_search: ['results', 'output'],
  mcp: ['output'],
  azure_ai_search: ['output', 'results'],
};
const DEFAULT_OUTPUT_KEYS = ['output', 'outputs', 'results', 'result'];

/** Values that are often JSON strings (tool arguments, MCP/OpenAPI output): parsed, twice-encoded too. */
const JSON_KEYS = new Set(['arguments', 'output', 'result']);

/** Every tool call in (output) messages, in order. Function call outputs are left null. */
export function toolCallsFromMessages(messages: Message[]): ToolCallReading[] {
  if (!Array.isArray(messages)) return [];
  const calls: ToolCallReading[] = [];
  const serverResponses = new Map<string, JsonValue>();
  const pending: Array<{ call: ToolCallReading; id: string }> = [];

  for (const message of messages) {
    const parts: unknown = isRecord(message) ? message['parts'] : undefined;
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (!isRecord(part)) continue;
      const type = asString(part['type']);
      if (type === 'tool_call') {
        const content = part['content'];
        if (isRecord(content) && typeof content['type'] === 'string') {
          calls.push(builtInCall(content['type'], content, asString(content['id']) ?? asString(part['id'])));
        } else {
          calls.push({
            id: asString(part['id']) ?? null,
            type: 'function',
            name: nonEmpty(asString(part['name'])) ?? 'function',
            input: contentValue(part['arguments']),
            output: null,
          });
        }
      } else if (type === 'server_tool_call') {
        const details = part['server_tool_call'];
        const id = asString(part['id']);
        const toolType = isRecord(details) ? asString(details['type']) : undefined;
        const call = builtInCall(toolType ?? 'server_tool', isRecord(details) ? details : {}, id);
        const name = nonEmpty(asString(part['name']));
        if (name) call.name = name;
        calls.push(call);
        if (id && call.output === null) pending.push({ call, id });
      } else if (type === 'server_tool_call_response') {
        const id = asString(part['id']);
        const body = part['server_tool_call_response'];
        if (id && isRecord(body)) {
          const out = pick(body, OUTPUT_KEYS[toolTypeOf(asString(body['type']) ?? '')] ?? DEFAULT_OUTPUT_KEYS);
          if (out !== null) serverResponses.set(id, out);
        }
      }
    }
  }
  for (const { call, id } of pending) {
    const out = serverResponses.get(id);
    if (out !== undefined) call.output = out;
  }
  return calls;
}

/** The tool calls of a Python `gen_ai.run_step.tool_calls` event body (`gen_ai.event.content`). */
export function toolCallsFromRunStepContent(content: unknown): ToolCallReading[] {
  const body = parseMaybeJson(content);
  const list = isRecord(body) ? body['tool_calls'] : Array.isArray(body) ? body : undefined;
  if (!Array.isArray(list)) return [];
  const calls: ToolCallReading[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const type = nonEmpty(asString(entry['type'])) ?? 'tool';
    const id = asString(entry['id']);
    const fn = entry['function'];
    if (type === 'function') {
      const details = isRecord(fn) ? fn : {};
      calls.push({
        id: id ?? null,
        type: 'function',
        name: nonEmpty(asString(details['name'])) ?? 'function',
        input: contentValue(details['arguments']),
        // The service fills `function.output` once submitted; the instrumentor does not copy it today.
        output: contentValue(details['output']),
      });
      continue;
    }
    // `{type: T, T: {…}}`, openapi's `{function: {…}}`, or mcp's flat fields.
    const nested = entry[type];
    const details: Details = isRecord(nested) ? nested : isRecord(fn) ? fn : withoutKeys(entry, ['id', 'type']);
    calls.push(builtInCall(type, details, id));
  }
  return calls;
}

/** One built-in tool call from its details (`code_interpreter_call` or `code_interpreter`). */
function builtInCall(rawType: string, details: Details, id: string | undefined): ToolCallReading {
  const type = toolTypeOf(rawType);
  const call: ToolCallReading = {
    id: id ?? null,
    type,
    name: toolName(type, details),
    input: pick(details, INPUT_KEYS[type] ?? DEFAULT_INPUT_KEYS),
    output: pick(details, OUTPUT_KEYS[type] ?? DEFAULT_OUTPUT_KEYS),
  };
  if (call.input === null && !(type in INPUT_KEYS)) {
    // A tool this file does not know: keep its details (minus bookkeeping and output) as the input.
    const rest = withoutKeys(details, ['id', 'type', 'status', 'name', 'server_label', 'error', ...DEFAULT_OUTPUT_KEYS]);
    if (Object.keys(rest).length > 0) call.input = rest;
  }
  if (type === 'code_interpreter') call.output = readableCodeOutputs(call.output);
  if (type === 'web_search' && isRecord(call.input)) {
    // `action: {type:'search', query, sources?}`: the query is the input, the sources what came back.
    const action = call.input;
    const query = asString(action['query']);
    if (call.output === null && Array.isArray(action['sources'])) call.output = action['sources'];
    if (query && !isRedactionMarker(query)) call.input = query;
  }
  const error = errorLine(details['error']);
  const status = asString(details['status']);
  if (error) {
    call.status = 'error';
    call.error = error;
  } else if (status === 'failed') {
    call.status = 'error';
    call.error = `${type}: failed`;
  } else if (status === 'completed') {
    call.status = 'ok';
  }
  return call;
}

/** `code_interpreter_call` → `code_interpreter`; `mcp_list_tools` and `code_interpreter` stay. */
function toolTypeOf(raw: string): string {
  return raw.endsWith('_call') && raw.length > 5 ? raw.slice(0, -5) : raw;
}

function toolName(type: string, details: Details): string {
  const name = nonEmpty(asString(details['name']));
  const label = nonEmpty(asString(details['server_label']));
  if (type.startsWith('mcp') && label && name) return `${label}.${name}`;
  if (name) return name;
  const fn = details['function'];
  const fnName = isRecord(fn) ? nonEmpty(asString(fn['name'])) : undefined;
  if (fnName) return fnName;
  if (type.startsWith('mcp') && label) return `${label}.${type}`;
  return type;
}

function pick(details: Details, keys: string[]): JsonValue {
  for (const key of keys) {
    if (details[key] === undefined) continue;
    const value = JSON_KEYS.has(key) ? contentValue(details[key]) : redacted(details[key]);
    if (value !== null) return value;
  }
  return null;
}

/** Logs-only outputs become one readable string; images or mixed outputs stay the array they were. */
function readableCodeOutputs(outputs: JsonValue): JsonValue {
  if (!Array.isArray(outputs) || outputs.length === 0) return outputs;
  const logs: string[] = [];
  for (const item of outputs) {
    const text = isRecord(item) && item['type'] === 'logs' ? asString(item['logs']) : undefined;
    if (text === undefined) return outputs;
    logs.push(text.replace(/\n$/, ''));
  }
  return logs.join('\n');
}

/** A JSON string (twice-encoded too) parsed; a redaction marker or nothing is null. */
function contentValue(value: unknown): JsonValue {
  return redacted(parseDeep(value) ?? null);
}

function redacted(value: JsonValue | undefined): JsonValue {
  if (value === undefined) return null;
  if (typeof value === 'string' && isRedactionMarker(value)) return null;
  return value;
}

function errorLine(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return nonEmpty(value.trim());
  if (!isRecord(value)) return undefined;
  const code = asString(value['code']) ?? asString(value['type']);
  const message = asString(value['message']);
  const line = [code, message].filter(Boolean).join(': ');
  return line || JSON.stringify(value);
}

function withoutKeys(record: Details, keys: string[]): Details {
  const out: Details = {};
  for (const [key, value] of Object.entries(record)) if (!keys.includes(key)) out[key] = value;
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || isRedactionMarker(value) ? undefined : value;
}
