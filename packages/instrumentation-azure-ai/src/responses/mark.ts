import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ATTR, markFailed, usageAttributes } from '../attributes.js';
import { responseFacts, responseFailure } from './failure.js';

const KEPT = new WeakSet<Span>();

/**
 * A failed or incomplete result on the SDK's own span: status ERROR with the provider's message,
 * `error.type`, and the result's id, model and usage. Nothing for any other result.
 */
export function markResult(span: Span, response: unknown): boolean {
  const failure = responseFailure(response);
  if (!failure) return false;
  const facts = responseFacts(response);
  if (facts.id !== undefined) span.setAttribute(ATTR.responseId, facts.id);
  if (facts.model !== undefined) span.setAttribute(ATTR.responseModel, facts.model);
  span.setAttributes(usageAttributes(facts));
  markFailed(span, failure);
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
