import type { TraceStateLike } from './types.js';

/**
 * A W3C `tracestate` header value held as the API's `TraceState`: an immutable list of key=value
 * entries, newest first. Kept as received; `serialize()` gives the header value back.
 */
export class ReceivedTraceState implements TraceStateLike {
  private constructor(private readonly entries: ReadonlyArray<readonly [string, string]>) {}

  static parse(header: string): ReceivedTraceState {
    const entries: Array<readonly [string, string]> = [];
    for (const member of header.split(',')) {
      const at = member.indexOf('=');
      if (at <= 0) continue;
      const key = member.slice(0, at).trim();
      const value = member.slice(at + 1).trim();
      if (key && !entries.some(([k]) => k === key)) entries.push([key, value]);
    }
    return new ReceivedTraceState(entries);
  }

  get(key: string): string | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }

  set(key: string, value: string): ReceivedTraceState {
    return new ReceivedTraceState([[key, value], ...this.entries.filter(([k]) => k !== key)]);
  }

  unset(key: string): ReceivedTraceState {
    return new ReceivedTraceState(this.entries.filter(([k]) => k !== key));
  }

  serialize(): string {
    return this.entries.map(([k, v]) => `${k}=${v}`).join(',');
  }
}

/** The span's or link's trace state, or undefined when the field is empty. */
export function traceStateOf(value: string | null | undefined): ReceivedTraceState | undefined {
  return typeof value === 'string' && value.trim() ? ReceivedTraceState.parse(value) : undefined;
}
