import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { responseFacts, responseFailure } from './failure.js';

// Current GenAI semantic conventions (@opentelemetry/semantic-conventions incubating), by value:
// the incubating entry point is not meant to be a runtime dependency.
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';

const KEPT = new WeakSet<Span>();

/**
 * A failed or incomplete result on the SDK's own span: status ERROR with the provider's message,
 * `error.type`, and the result's id, model and usage. Nothing for any other result.
 */
export function markResult(span: Span, response: unknown): boolean {
  const failure = responseFailure(response);
  if (!failure) return false;
  const facts = responseFacts(response);
  if (facts.id !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, facts.id);
  if (facts.model !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, facts.model);
  if (facts.inputTokens !== undefined) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, facts.inputTokens);
  if (facts.outputTokens !== undefined) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, facts.outputTokens);
  span.setAttribute(ATTR_ERROR_TYPE, failure.type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  keepError(span);
  return true;
}

/**
 * The SDK ends the span with `setStatus(OK)` whatever the result said, and the OpenTelemetry SDK
 * lets a later OK replace an ERROR (only OK is final). So on this one span, an OK that comes after
 * our ERROR is ignored; any other status still goes through.
 */
function keepError(span: Span): void {
  if (KEPT.has(span)) return;
  KEPT.add(span);
  const setStatus = span.setStatus.bind(span);
  span.setStatus = (status) => (status.code === SpanStatusCode.OK ? span : setStatus(status));
}
