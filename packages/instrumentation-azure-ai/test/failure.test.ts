// What a Responses result says about itself: pure readers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isFailureEvent, responseFacts, responseFailure } from '../src/responses/failure.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../src/version.js';

describe('responseFailure', () => {
  it('failed: the provider code as error.type, "code: message" as the status message', () => {
    expect(responseFailure({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded.' } })).toEqual({
      type: 'rate_limit_exceeded',
      message: 'rate_limit_exceeded: Rate limit is exceeded.',
    });
    expect(responseFailure({ status: 'failed', error: null })).toEqual({ type: 'response_failed', message: 'response_failed: the response failed' });
  });

  it('incomplete: one error.type, the reason in the message', () => {
    expect(responseFailure({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } })).toEqual({ type: 'response_incomplete', message: 'response_incomplete: content_filter' });
    expect(responseFailure({ status: 'incomplete' })).toEqual({ type: 'response_incomplete', message: 'response_incomplete' });
  });

  it.each([[{ status: 'completed', error: null }], [{ status: 'in_progress' }], [{}], [null], ['failed'], [42]])('nothing for %j', (value) => {
    expect(responseFailure(value)).toBeUndefined();
  });
});

describe('responseFacts', () => {
  it('id, model and token counts when they are there, nothing made up', () => {
    expect(responseFacts({ id: 'resp_1', model: 'gpt-4o', usage: { input_tokens: 12, output_tokens: 0 } })).toEqual({ id: 'resp_1', model: 'gpt-4o', inputTokens: 12, outputTokens: 0 });
    expect(responseFacts({ id: '', usage: { input_tokens: -1, output_tokens: 'x' } })).toEqual({});
    expect(responseFacts(undefined)).toEqual({});
  });
});

describe('isFailureEvent', () => {
  it('response.failed and response.incomplete stream events with their result', () => {
    expect(isFailureEvent({ type: 'response.failed', response: {} })).toBe(true);
    expect(isFailureEvent({ type: 'response.incomplete', response: {} })).toBe(true);
    expect(isFailureEvent({ type: 'response.completed', response: {} })).toBe(false);
    expect(isFailureEvent({ type: 'response.failed' })).toBe(false);
    expect(isFailureEvent('response.failed')).toBe(false);
  });
});

it('the instrumentation scope is the package, at its version', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  expect({ name: PACKAGE_NAME, version: PACKAGE_VERSION }).toEqual({ name: manifest.name, version: manifest.version });
});
