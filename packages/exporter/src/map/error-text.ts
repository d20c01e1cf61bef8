import { stringAttribute } from './attributes.js';
import { spanStatusOf } from './status.js';
import type { ReadableSpanLike } from '../otel/types.js';

/**
 * One human line for a failed span: the status message, else the recorded exception
 * (`type: message`), else `error.type`. Null for a span that did not fail.
 */
export function errorTextOf(span: ReadableSpanLike): string | null {
  if (spanStatusOf(span) !== 'error') return null;
  const message = typeof span.status.message === 'string' ? span.status.message.trim() : '';
  if (message) return message;
  const exception = (span.events ?? []).find((event) => event?.name === 'exception');
  if (exception) {
    const type = stringAttribute(exception.attributes, 'exception.type');
    const text = stringAttribute(exception.attributes, 'exception.message');
    const line = [type, text].filter(Boolean).join(': ');
    if (line) return line;
  }
  return stringAttribute(span.attributes, 'error.type') ?? 'error';
}
