import { describe, expect, it } from 'vitest';
import { readSpanEvents } from '../../src/genai/read/span-events.js';
import type { ReadableSpanLike } from '../../src/index.js';
import { loadFixture } from '../fixtures/load.js';

const LEGACY = 'azure/captured-legacy-ai-projects-1.0.0-beta.3-content-on.json';
const PYTHON = 'azure/sample-python-azure-ai-agents-manual-run.json';

function spanOf(file: string, name: string, index = 0): ReadableSpanLike {
  const found = loadFixture(file).spans.filter((span) => span.name === name)[index];
  if (!found) throw new Error(`no span ${name}#${index} in ${file}`);
  return found;
}

type EventSpec = [name: string, attributes?: Record<string, unknown>];

/** A hand-made span carrying the given events, one millisecond apart. */
function spanWith(events: EventSpec[], attributes: Record<string, unknown> = {}): ReadableSpanLike {
  return {
    name: 'chat gpt-4o',
    kind: 2,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
    startTime: [1_763_000_000, 0],
    endTime: [1_763_000_001, 0],
    status: { code: 0 },
    attributes,
    events: events.map(([name, attrs], i) => ({ name, time: [1_763_000_000, i * 1_000_000] as [number, number], attributes: attrs })),
    resource: { attributes: {} },
  };
}

/** What `@azure-rest/ai-inference` writes (tracingHelper.ts): `gen_ai.system` + `gen_ai.event.content`. */
function azureInference(name: string, body: unknown): EventSpec {
  return [name, { 'gen_ai.system': 'az.ai.inference', 'gen_ai.event.content': JSON.stringify(body) }];
}

describe('readSpanEvents: legacy @azure/ai-projects 1.0.0-beta.3 (captured, content on)', () => {
  it('CreateAgent: the instructions event becomes a system message', () => {
    expect(readSpanEvents(spanOf(LEGACY, 'CreateAgent'))).toEqual({
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a helpful agent. Use code interpreter for math and getCurrentWeather for weather.' }] },
      ],
    });
  });

  it('CreateMessage: the user message', () => {
    expect(readSpanEvents(spanOf(LEGACY, 'CreateMessage'))).toEqual({
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: "What is sqrt(1764)? And what's the weather in Seattle?" }] }],
    });
  });

  it('CreateRun: `gen_ai.system.message` with `{}` is no content (recognised, nothing read)', () => {
    expect(readSpanEvents(spanOf(LEGACY, 'CreateRun'))).toEqual({});
  });

  it('SubmitToolOutputsToRun: the tool output (a JSON string in the body) becomes a parsed tool_call_response', () => {
    expect(readSpanEvents(spanOf(LEGACY, 'SubmitToolOutputsToRun'))).toEqual({
      inputMessages: [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_fn_0001', response: { temperature: '12C', condition: 'cloudy' } }] }],
    });
  });

  it('ListMessages: Azure `{text:{value}}` content, in event order (the service lists newest first)', () => {
    expect(readSpanEvents(spanOf(LEGACY, 'ListMessages'))).toEqual({
      inputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'sqrt(1764) = 42. It is currently 12°C and cloudy in Seattle.' }] },
        { role: 'user', parts: [{ type: 'text', content: "What is sqrt(1764)? And what's the weather in Seattle?" }] },
      ],
    });
  });

  it('spans without message events (GetRun, HTTP, root) are not this source', () => {
    const { spans } = loadFixture(LEGACY);
    for (const s of spans.filter((x) => x.name === 'GetRun' || x.name.startsWith('HTTP ') || x.name === 'weather-math-scenario' || x.name === 'DeleteAgent')) {
      expect(readSpanEvents(s)).toBeUndefined();
    }
  });
});

describe('readSpanEvents: Python azure-ai-agents sample', () => {
  it('message events are read; gen_ai.run_step.* events are left to the Azure reader', () => {
    expect(readSpanEvents(spanOf(PYTHON, 'create_agent weather-math-agent'))?.inputMessages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a helpful agent. Use code interpreter for math and get_current_weather for weather.' }] },
    ]);
    expect(readSpanEvents(spanOf(PYTHON, 'submit_tool_outputs'))?.inputMessages).toEqual([
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_fn_1', response: { temperature: '12C', condition: 'cloudy' } }] },
    ]);
    expect(readSpanEvents(spanOf(PYTHON, 'list_run_steps', 0))).toBeUndefined();
    expect(readSpanEvents(spanOf(PYTHON, 'list_run_steps', 1))).toBeUndefined();
  });

  it('streaming assistant events with tool_calls: functions become tool_call parts, built-in tools are kept whole', () => {
    const reading = readSpanEvents(
      spanWith([
        [
          'gen_ai.assistant.message',
          {
            'gen_ai.event.content': JSON.stringify({
              tool_calls: [
                { id: 'call_fn_1', type: 'function', function: { name: 'get_current_weather', arguments: { location: 'Seattle, WA' } } },
                { id: 'call_ci_1', type: 'code_interpreter', code_interpreter: { input: 'print(42)', outputs: [{ type: 'logs', logs: '42\n' }] } },
              ],
            }),
          },
        ],
      ]),
    );
    expect(reading?.inputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_fn_1', name: 'get_current_weather', arguments: { location: 'Seattle, WA' } },
          {
            type: 'tool_call',
            content: { id: 'call_ci_1', type: 'code_interpreter', code_interpreter: { input: 'print(42)', outputs: [{ type: 'logs', logs: '42\n' }] } },
          },
        ],
      },
    ]);
  });

  it('content off (Python): `{}`, `{"role":"user"}` and `{"content":"","id"}` carry no content', () => {
    const reading = readSpanEvents(
      spanWith([
        ['gen_ai.system.message', { 'gen_ai.event.content': '{}' }],
        ['gen_ai.user.message', { 'gen_ai.event.content': '{"role":"user"}' }],
        ['gen_ai.tool.message', { 'gen_ai.event.content': '{"content":"","id":"call_1"}' }],
        ['gen_ai.assistant.message', { 'gen_ai.event.content': '{"tool_calls":[{"id":"call_1","type":"function"},{"id":"ci_1","type":"code_interpreter"}]}' }],
      ]),
    );
    expect(reading).toEqual({
      inputMessages: [
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: null }] },
        {
          role: 'assistant',
          parts: [
            { type: 'tool_call', id: 'call_1', name: 'tool', arguments: null },
            { type: 'tool_call', content: { id: 'ci_1', type: 'code_interpreter' } },
          ],
        },
      ],
    });
  });
});

describe('readSpanEvents: @azure-rest/ai-inference (hand-built from tracingHelper.ts)', () => {
  it('content on: request messages in order, tool call arguments encoded twice, choice with camelCase toolCalls', () => {
    const args = JSON.stringify({ location: 'Boston' });
    const reading = readSpanEvents(
      spanWith([
        azureInference('gen_ai.system.message', { content: 'You are a weather bot.' }),
        azureInference('gen_ai.user.message', { content: "What's the weather like in Boston?" }),
        azureInference('gen_ai.assistant.message', {
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: args } }],
        }),
        azureInference('gen_ai.tool.message', { content: '"rainy"', id: 'call_1' }),
        azureInference('gen_ai.choice', {
          finish_reason: 'tool_calls',
          index: 0,
          message: { toolCalls: [{ id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"EST"}' } }] },
        }),
      ]),
    );
    expect(reading).toEqual({
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
        { role: 'user', parts: [{ type: 'text', content: "What's the weather like in Boston?" }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { location: 'Boston' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy' }] },
      ],
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'get_time', arguments: { tz: 'EST' } }], finish_reason: 'tool_calls' },
      ],
    });
  });

  it('a text choice, and several choices in event order', () => {
    const reading = readSpanEvents(
      spanWith([
        azureInference('gen_ai.choice', { finish_reason: 'stop', index: 0, message: { content: 'It is sunny.' } }),
        azureInference('gen_ai.choice', { finish_reason: 'length', index: 1, message: { content: 'It is' } }),
      ]),
    );
    expect(reading?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is sunny.' }], finish_reason: 'stop' },
      { role: 'assistant', parts: [{ type: 'text', content: 'It is' }], finish_reason: 'length' },
    ]);
    expect(reading?.inputMessages).toBeUndefined();
  });

  it('content off: `""` content and blanked tool names/arguments are no content; only the call ids remain', () => {
    const reading = readSpanEvents(
      spanWith([
        azureInference('gen_ai.system.message', { content: '' }),
        azureInference('gen_ai.user.message', { content: '' }),
        azureInference('gen_ai.assistant.message', { content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: '', arguments: '' } }] }),
        azureInference('gen_ai.tool.message', { content: '', id: 'call_1' }),
        azureInference('gen_ai.choice', { finish_reason: 'stop', index: 0, message: { content: '' } }),
        azureInference('gen_ai.choice', {
          finish_reason: 'tool_calls',
          index: 1,
          message: { content: '', toolCalls: [{ id: 'call_2', type: 'function', function: { name: '', arguments: '' } }] },
        }),
      ]),
    );
    expect(reading).toEqual({
      inputMessages: [
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'tool', arguments: null }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: null }] },
      ],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'tool', arguments: null }], finish_reason: 'tool_calls' }],
    });
  });

  it('multimodal user content (an array of parts) is normalised', () => {
    const reading = readSpanEvents(
      spanWith([
        azureInference('gen_ai.user.message', {
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          ],
        }),
      ]),
    );
    expect(reading?.inputMessages).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is in this image?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
    ]);
  });

  it('v1.28 choice with tool_calls beside the message, and a choice without the message wrapper', () => {
    const reading = readSpanEvents(
      spanWith([
        ['gen_ai.choice', { 'gen_ai.event.content': JSON.stringify({ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant' }, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }) }],
        ['gen_ai.choice', { 'gen_ai.event.content': JSON.stringify({ index: 1, finish_reason: 'stop', content: 'plain' }) }],
      ]),
    );
    expect(reading?.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: {} }], finish_reason: 'tool_calls' },
      { role: 'assistant', parts: [{ type: 'text', content: 'plain' }], finish_reason: 'stop' },
    ]);
  });

  it('a body role wins over the event name; the event name is the fallback', () => {
    const reading = readSpanEvents(spanWith([azureInference('gen_ai.system.message', { role: 'developer', content: 'Be terse.' })]));
    expect(reading?.inputMessages).toEqual([{ role: 'developer', parts: [{ type: 'text', content: 'Be terse.' }] }]);
  });

  it('structured event content (not a JSON string) is accepted', () => {
    const reading = readSpanEvents(spanWith([['gen_ai.user.message', { 'gen_ai.event.content': { content: 'hi' } }]]));
    expect(reading?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
  });
});

describe('readSpanEvents: v1.26 gen_ai.content.prompt / gen_ai.content.completion', () => {
  it('OpenAI-format messages in gen_ai.prompt and gen_ai.completion', () => {
    const reading = readSpanEvents(
      spanWith([
        ['gen_ai.content.prompt', { 'gen_ai.prompt': JSON.stringify([{ role: 'system', content: 'You are helpful.' }, { role: 'user', content: 'Capital of France?' }]) }],
        ['gen_ai.content.completion', { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Paris.', finish_reason: 'stop' }]) }],
      ]),
    );
    expect(reading).toEqual({
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are helpful.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] },
      ],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finish_reason: 'stop' }],
    });
  });

  it('completion as OpenAI choices, with a tool call and a tool message in the prompt', () => {
    const reading = readSpanEvents(
      spanWith([
        [
          'gen_ai.content.prompt',
          {
            'gen_ai.prompt': JSON.stringify([
              { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
              { role: 'tool', tool_call_id: 'c1', content: '{"hits":3}' },
            ]),
          },
        ],
        ['gen_ai.content.completion', { 'gen_ai.completion': JSON.stringify([{ index: 0, message: { role: 'assistant', content: '3 hits.' }, finish_reason: 'stop' }]) }],
      ]),
    );
    expect(reading).toEqual({
      inputMessages: [
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { q: 'x' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { hits: 3 } }] },
      ],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: '3 hits.' }], finish_reason: 'stop' }],
    });
  });

  it('plain-text prompt and completion (text completion APIs)', () => {
    const reading = readSpanEvents(spanWith([['gen_ai.content.prompt', { 'gen_ai.prompt': 'Once upon a time' }], ['gen_ai.content.completion', { 'gen_ai.completion': ' there was a fox.' }]]));
    expect(reading).toEqual({
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Once upon a time' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: ' there was a fox.' }] }],
    });
  });

  it('JSON cut short by a length limit goes raw to inputValue/outputValue', () => {
    const cut = '[{"role":"user","content":"Capital of Fr';
    const reading = readSpanEvents(spanWith([['gen_ai.content.prompt', { 'gen_ai.prompt': cut }], ['gen_ai.content.completion', { 'gen_ai.completion': '[{"role":"assis' }]]));
    expect(reading).toEqual({ inputValue: cut, outputValue: '[{"role":"assis' });
  });

  it('structured (non-string) values are accepted', () => {
    const reading = readSpanEvents(spanWith([['gen_ai.content.prompt', { 'gen_ai.prompt': [{ role: 'user', content: 'hi' }] }]]));
    expect(reading?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
  });
});

describe('readSpanEvents: hostile input', () => {
  it('no events, events not an array, unrelated events: undefined', () => {
    expect(readSpanEvents(spanWith([]))).toBeUndefined();
    expect(readSpanEvents({ ...spanWith([]), events: null as unknown as [] })).toBeUndefined();
    expect(readSpanEvents(spanWith([['exception', { 'exception.message': 'x' }], ['ai.stream.firstChunk']]))).toBeUndefined();
  });

  it('events with no attributes, bad names or null entries are skipped', () => {
    const span = spanWith([['gen_ai.user.message'], ['gen_ai.choice', undefined]]);
    const events = [null, { name: 42, time: [0, 0] }, ...span.events] as unknown as ReadableSpanLike['events'];
    expect(readSpanEvents({ ...span, events })).toEqual({});
  });

  it('a cut-short body stays text under the event role; a non-JSON body is text', () => {
    const reading = readSpanEvents(
      spanWith([
        ['gen_ai.user.message', { 'gen_ai.event.content': '{"content":"What is sq' }],
        ['gen_ai.choice', { 'gen_ai.event.content': 'just text' }],
      ]),
    );
    expect(reading).toEqual({
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: '{"content":"What is sq' }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'just text' }] }],
    });
  });

  it('wrong types inside the body are ignored', () => {
    const reading = readSpanEvents(
      spanWith([
        ['gen_ai.user.message', { 'gen_ai.event.content': 42 }],
        ['gen_ai.user.message', { 'gen_ai.event.content': '[1,2]' }],
        ['gen_ai.assistant.message', { 'gen_ai.event.content': '{"tool_calls":"nope","content":7}' }],
        ['gen_ai.choice', { 'gen_ai.event.content': '{"finish_reason":5,"message":"oops"}' }],
        ['gen_ai.content.prompt', { 'gen_ai.prompt': 17 }],
      ]),
    );
    expect(() => JSON.stringify(reading)).not.toThrow();
    expect(reading?.inputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: '7' }] }]);
    expect(reading?.outputMessages).toBeUndefined();
  });

  it('user text that looks like JSON stays text', () => {
    const reading = readSpanEvents(spanWith([['gen_ai.user.message', { 'gen_ai.event.content': JSON.stringify({ content: '{"a":1}' }) }]]));
    expect(reading?.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: '{"a":1}' }] }]);
  });

  it('redaction markers are no content', () => {
    const reading = readSpanEvents(
      spanWith([
        ['gen_ai.user.message', { 'gen_ai.event.content': '__REDACTED__' }],
        ['gen_ai.user.message', { 'gen_ai.event.content': '{"content":"__REDACTED__"}' }],
        ['gen_ai.content.prompt', { 'gen_ai.prompt': '' }],
      ]),
    );
    expect(reading).toEqual({});
  });
});
