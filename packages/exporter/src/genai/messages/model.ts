import type { JsonValue } from '../../map/types.js';

/**
 * The one message model every source is normalised into, in the shape of the current GenAI
 * conventions (gen-ai-input-messages.json / gen-ai-output-messages.json): a role and parts.
 */
export interface TextPart {
  type: 'text';
  content: string;
}

export interface ToolCallPart {
  type: 'tool_call';
  id: string | null;
  name: string;
  /** Parsed when the source gave a JSON string that parses; else kept as given. */
  arguments: JsonValue;
}

export interface ToolCallResponsePart {
  type: 'tool_call_response';
  id: string | null;
  response: JsonValue;
}

/** Any other part type (reasoning, blob, file, uri, server_tool_call, Azure's tool_call with content…), kept as it came. */
export interface OtherPart {
  type: string;
  [field: string]: JsonValue;
}

export type Part = TextPart | ToolCallPart | ToolCallResponsePart | OtherPart;

export interface Message {
  role: string;
  parts: Part[];
  name?: string;
  /** Output messages only. */
  finish_reason?: string;
}
