import { context, createContextKey, trace, type Span } from '@opentelemetry/api';
import { isFailureEvent } from './failure.js';
import { markResult } from './mark.js';

/**
 * Set by the wrapper around a client's `responses.create` (the SDK's traced entry): the span that
 * was active before the SDK started its own, so the inner call knows the active span is the SDK's.
 */
const CALLER_SPAN = createContextKey('@nexus-otel/instrumentation-azure-ai caller span');
const NO_SPAN = Symbol('no span');

type Create = (this: unknown, body?: unknown, options?: unknown) => unknown;
interface ResponsesLike {
  create: Create;
}
interface OpenAIClientLike {
  responses?: ResponsesLike;
}

const PATCHED = new WeakSet<object>();

/**
 * `Responses.prototype.create` of the openai copy the SDK loaded: runs inside the SDK's span (the
 * SDK's wrapper calls it with that span active), sees the parsed result or the stream, and does
 * nothing unless called through a client made by the patched `getOpenAIClient`.
 */
export function watchResponses(prototype: ResponsesLike): void {
  if (PATCHED.has(prototype)) return;
  PATCHED.add(prototype);
  const original = prototype.create;
  prototype.create = function create(this: unknown, body?: unknown, options?: unknown): unknown {
    const result = original.call(this, body, options);
    const caller = context.active().getValue(CALLER_SPAN);
    const span = trace.getActiveSpan();
    // Not through an instrumented client, or the SDK traced nothing (its tracing is off).
    if (caller === undefined || !span || span === caller || !span.isRecording()) return result;
    // The SDK awaits this same promise after it returns: this handler is registered first, so it
    // runs before the SDK sets OK and ends the span. The promise itself goes back untouched.
    if (isThenable(result)) {
      result.then(
        (value) => {
          if (isStreaming(body)) watchStream(value, span);
          else markResult(span, value);
        },
        () => undefined,
      );
    }
    return result;
  };
}

/** `client.responses.create` of a client the SDK made: remembers the caller's span, then the SDK's traced create. */
export function scopeClient(client: unknown): void {
  const responses = (client as OpenAIClientLike | undefined)?.responses;
  if (!responses || typeof responses.create !== 'function') return;
  const traced = responses.create;
  responses.create = function create(this: unknown, ...args: unknown[]): unknown {
    const caller = trace.getActiveSpan() ?? NO_SPAN;
    return context.with(context.active().setValue(CALLER_SPAN, caller), () => traced.apply(this, args as [unknown, unknown]));
  };
}

/** The prototype whose `create` the SDK's client calls, or undefined when the client is not openai's. */
export function responsesPrototype(client: unknown): ResponsesLike | undefined {
  const responses = (client as OpenAIClientLike | undefined)?.responses;
  if (!responses || typeof responses !== 'object') return undefined;
  const prototype = Object.getPrototypeOf(responses) as ResponsesLike | null;
  return prototype && typeof prototype.create === 'function' ? prototype : undefined;
}

export function isWatched(prototype: object): boolean {
  return PATCHED.has(prototype);
}

/**
 * A streamed result: `response.failed` and `response.incomplete` events carry the result. The SDK
 * reads only `response.completed`, and ends its span OK when the stream ends.
 */
function watchStream(stream: unknown, span: Span): void {
  if (!stream || typeof stream !== 'object') return;
  const target = stream as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> };
  const iterate = target[Symbol.asyncIterator];
  if (typeof iterate !== 'function') return;
  target[Symbol.asyncIterator] = function iterator(this: unknown): AsyncIterator<unknown> {
    const inner = iterate.call(this);
    const next = inner.next.bind(inner);
    inner.next = async (...args: [] | [unknown]) => {
      const step = await next(...args);
      if (!step.done && isFailureEvent(step.value)) markResult(span, step.value.response);
      return step;
    };
    return inner;
  };
}

function isStreaming(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
