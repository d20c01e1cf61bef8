import type { Attributes } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import type { RequiredCall, ToolCallFacts } from './wire.js';

/** What every span of an operation says about where it went. */
export function serverAttributes(url: string): Attributes {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { [ATTR.serverAddress]: parsed.hostname, [ATTR.serverPort]: port };
  } catch {
    return {};
  }
}

/**
 * `gen_ai.tool.type` of the convention: `function` for the app's functions (and OpenAPI operations
 * the service calls as functions), `datastore` for retrieval, `extension` for the service's tools.
 */
export function toolTypeOf(wireType: string): 'function' | 'datastore' | 'extension' {
  if (wireType === 'function') return 'function';
  if (wireType === 'file_search' || wireType === 'azure_ai_search') return 'datastore';
  return 'extension';
}

/** A text message in the convention's JSON shape (`gen_ai.input.messages` / `gen_ai.output.messages`). */
export function textMessages(role: string, texts: readonly string[]): string {
  return JSON.stringify([{ role, parts: texts.map((content) => ({ type: 'text', content })) }]);
}

/** The model's tool requests of a step, as one assistant message of `tool_call` parts. */
export function toolCallMessages(calls: ReadonlyArray<ToolCallFacts | RequiredCall>): string {
  const parts = calls.map((call) => ({
    type: 'tool_call',
    ...(call.id !== undefined ? { id: call.id } : {}),
    name: call.name,
    ...(call.arguments !== undefined ? { arguments: call.arguments } : {}),
  }));
  return JSON.stringify([{ role: 'assistant', parts }]);
}
