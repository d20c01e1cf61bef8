import type { JsonValue } from '../map/types.js';
import type { Message, Part } from './messages/model.js';

/** A tool call found on a span (attributes, events or message parts), to become an `execute_tool <tool>` span. */
export interface ToolCallReading {
  /** The tool call id when the source has one. */
  id: string | null;
  /** `function`, `code_interpreter`, `file_search`, `bing_grounding`, `azure_ai_search`, `mcp`, `openapi`, `web_search`, … */
  type: string;
  /** What follows `execute_tool ` in the span name: the function's name, `code_interpreter`, `<server>.<tool>` for MCP… */
  name: string;
  /** Code, arguments or query. */
  input: JsonValue;
  /** Outputs, logs or results; null when the source has none (yet). */
  output: JsonValue;
  status?: 'ok' | 'error';
  error?: string;
  /** The step's own times (ms since epoch) when the source gives them; else the carrier span's. */
  startedAtMillis?: number;
  endedAtMillis?: number;
}

export interface UsageReading {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Served from the provider's cache: part of the input tokens. */
  cacheReadTokens?: number;
  /** Written to the provider's cache: part of the input tokens. */
  cacheCreationTokens?: number;
  reasoningTokens?: number;
}

/** Ids that make a trace findable with the Nexus search box. */
export interface IdsReading {
  agentId?: string;
  agentName?: string;
  conversationId?: string;
  threadId?: string;
  runId?: string;
  responseId?: string;
  messageId?: string;
  stepId?: string;
}

/**
 * What one reader understood of one span. Every field is optional: the combiner takes each field
 * from the first reader, in precedence order, that supplies it.
 */
export interface SpanReading {
  /** `chat`, `invoke_agent`, `execute_tool`, `create_agent`, `process_thread_run`, … */
  operation?: string;
  /** A better span name (the legacy `Agent_Operation` bug, `HTTP POST` of a known agent route). */
  name?: string;
  systemInstructions?: Part[];
  inputMessages?: Message[];
  outputMessages?: Message[];
  toolDefinitions?: JsonValue;
  /** Input/output that is not a conversation (tool arguments/result, raw `input.value`). */
  inputValue?: JsonValue;
  outputValue?: JsonValue;
  /** Tool calls to show as child `execute_tool` spans. */
  toolCalls?: ToolCallReading[];
  usage?: UsageReading;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
  ids?: IdsReading;
  /** Agent run status: `completed`, `failed`, `cancelled`, `expired`, `requires_action`, … */
  runStatus?: string;
  /** One human line, `code: message`, when the span or run failed. */
  error?: string;
  /** This span is itself feedback or an evaluation (made from a log record): its input is rendered from it. */
  evaluation?: import('../logs/evaluation.js').Evaluation;
  /** Feedback and evaluation events on the span, to show as child spans. */
  evaluations?: Array<{ evaluation: import('../logs/evaluation.js').Evaluation; timeMillis: number }>;
  /** What was dropped while reading, one line each, for the diag logger. */
  problems?: string[];
}

/** One reader per source. Pure; returns undefined when the span is not of its source. */
export type SpanReader = (span: import('../otel/types.js').ReadableSpanLike) => SpanReading | undefined;
