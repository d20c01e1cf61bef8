import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  event: string;
  data: string;
}

/** Past this, a line without an end is not an event stream the instrumentation can follow. */
const MAX_PENDING = 4 * 1024 * 1024;

/**
 * Server-sent events read as they pass: chunks in, whole events out. Only `event:` and `data:`
 * fields matter here; comments, `id:` and `retry:` are skipped. An event larger than
 * MAX_PENDING stops the reading (it returns nothing from then on) instead of holding the stream.
 */
export class SseReader {
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';
  #event = '';
  #data: string[] = [];
  #stopped = false;

  push(chunk: Buffer | string): SseEvent[] {
    if (this.#stopped) return [];
    this.#pending += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = this.#pending.indexOf('\n', start);
      if (end === -1) break;
      const line = this.#pending.slice(start, this.#pending[end - 1] === '\r' ? end - 1 : end);
      start = end + 1;
      this.#line(line, events);
    }
    this.#pending = this.#pending.slice(start);
    if (this.#pending.length > MAX_PENDING) {
      this.#stopped = true;
      this.#pending = '';
    }
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.#data.length > 0 || this.#event) events.push({ event: this.#event || 'message', data: this.#data.join('\n') });
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }
}
