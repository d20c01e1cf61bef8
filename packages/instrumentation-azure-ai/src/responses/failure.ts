/**
 * What a Responses API result says about itself, read from its JSON: a `failed` result (HTTP 200,
 * with `error.code` and `error.message`) and an `incomplete` one (`incomplete_details.reason`) are
 * failures the Azure SDK's own span does not show. Pure: no OpenTelemetry, no I/O.
 */
export interface ResponseFailure {
  /** Low-cardinality, for `error.type`: the provider's code (`rate_limit_exceeded`), or `response_incomplete`. */
  type: string;
  /** For the span status: `code: message`, as the provider wrote it. */
  message: string;
}

/** The attributes of a result the SDK leaves unset when it fails (a streamed failure sets none). */
export interface ResponseFacts {
  id?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

/** Undefined for a `completed` (or `in_progress`, `queued`, unknown) result. */
export function responseFailure(response: unknown): ResponseFailure | undefined {
  if (!isObject(response)) return undefined;
  if (response['status'] === 'failed') {
    const error = isObject(response['error']) ? response['error'] : {};
    const code = text(error['code']) ?? 'response_failed';
    const message = text(error['message']);
    return { type: code, message: message ? `${code}: ${message}` : `${code}: the response failed` };
  }
  if (response['status'] === 'incomplete') {
    const details = isObject(response['incomplete_details']) ? response['incomplete_details'] : {};
    const reason = text(details['reason']);
    return { type: 'response_incomplete', message: reason ? `response_incomplete: ${reason}` : 'response_incomplete' };
  }
  return undefined;
}

export function responseFacts(response: unknown): ResponseFacts {
  if (!isObject(response)) return {};
  const usage = isObject(response['usage']) ? response['usage'] : {};
  const facts: ResponseFacts = {};
  const id = text(response['id']);
  const model = text(response['model']);
  const inputTokens = count(usage['input_tokens']);
  const outputTokens = count(usage['output_tokens']);
  if (id !== undefined) facts.id = id;
  if (model !== undefined) facts.model = model;
  if (inputTokens !== undefined) facts.inputTokens = inputTokens;
  if (outputTokens !== undefined) facts.outputTokens = outputTokens;
  return facts;
}

/** Stream events that carry a failed or incomplete result in `response`. */
export function isFailureEvent(event: unknown): event is { type: string; response: unknown } {
  return isObject(event) && (event['type'] === 'response.failed' || event['type'] === 'response.incomplete') && isObject(event['response']);
}
