import { describe, expect, it } from 'vitest';
import { SseReader } from '../../src/agents/sse.js';

const STREAM = 'event: thread.run.created\ndata: {"id":"run_1"}\n\n: a comment\nevent: thread.message.delta\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: done\ndata: [DONE]\n\n';

describe('SseReader', () => {
  it('reads whole events from one chunk, with CRLF lines, comments and multi-line data', () => {
    expect(new SseReader().push(STREAM)).toEqual([
      { event: 'thread.run.created', data: '{"id":"run_1"}' },
      { event: 'thread.message.delta', data: '{"a":\n1}' },
      { event: 'done', data: '[DONE]' },
    ]);
  });

  it('gives the same events however the bytes are cut, a multi-byte character included', () => {
    const bytes = Buffer.from(STREAM.replace('run_1', 'run_é'), 'utf8');
    const whole = new SseReader().push(bytes);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const reader = new SseReader();
      expect([...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))]).toEqual(whole);
    }
    expect(whole[0]).toEqual({ event: 'thread.run.created', data: '{"id":"run_é"}' });
  });

  it('stops reading, without holding memory, at a line longer than 4 MiB', () => {
    const reader = new SseReader();
    expect(reader.push(`data: ${'x'.repeat(4 * 1024 * 1024 + 1)}`)).toEqual([]);
    expect(reader.push('\n\nevent: done\ndata: [DONE]\n\n')).toEqual([]);
  });
});
