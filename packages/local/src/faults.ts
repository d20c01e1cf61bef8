// Fault injection: a queue of one-shot faults consumed by matching requests in arrival order,
// plus a standing extra latency.

export interface RequestMatch {
  method?: string;
  /** Matched against the URL pathname; a string must match exactly. */
  path?: string | RegExp;
}

export interface Faults {
  latency(ms: number): void;
  failNext(n: number, status: number, opts?: { body?: unknown; match?: RequestMatch }): void;
  resetNext(n: number, opts?: { match?: RequestMatch }): void;
  dropResponseNext(n: number, opts?: { match?: RequestMatch }): void;
  clear(): void;
}

export type FaultKind = 'fail' | 'reset' | 'drop';

export type Fault =
  | { kind: 'fail'; status: number; hasBody: boolean; body: unknown }
  | { kind: 'reset' }
  | { kind: 'drop' };

interface QueuedFault {
  fault: Fault;
  remaining: number;
  match: RequestMatch | undefined;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`fault count must be a non-negative integer, got ${n}`);
}

export function matches(match: RequestMatch | undefined, method: string, pathname: string): boolean {
  if (!match) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return match.path === pathname;
  match.path.lastIndex = 0; // a /g or /y regex would otherwise remember where it stopped
  return match.path.test(pathname);
}

export class FaultQueue implements Faults {
  private queue: QueuedFault[] = [];
  private extraLatency = 0;

  /** Replaces (does not add to) the previous extra latency; 0 turns it off. */
  latency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number, got ${ms}`);
    this.extraLatency = ms;
  }

  get latencyMs(): number {
    return this.extraLatency;
  }

  failNext(n: number, status: number, opts: { body?: unknown; match?: RequestMatch } = {}): void {
    checkCount(n);
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`invalid HTTP status ${status}`);
    const hasBody = opts.body !== undefined;
    this.push({ kind: 'fail', status, hasBody, body: opts.body }, n, opts.match);
  }

  resetNext(n: number, opts: { match?: RequestMatch } = {}): void {
    checkCount(n);
    this.push({ kind: 'reset' }, n, opts.match);
  }

  dropResponseNext(n: number, opts: { match?: RequestMatch } = {}): void {
    checkCount(n);
    this.push({ kind: 'drop' }, n, opts.match);
  }

  /** Forgets queued faults and the extra latency (the `latencyMs` option stays). */
  clear(): void {
    this.queue = [];
    this.extraLatency = 0;
  }

  /** Called once per request on arrival: the oldest queued fault that matches is used up. */
  take(method: string, pathname: string): Fault | null {
    const index = this.queue.findIndex((entry) => matches(entry.match, method, pathname));
    const entry = this.queue[index];
    if (!entry) return null;
    entry.remaining--;
    if (entry.remaining <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }

  private push(fault: Fault, n: number, match: RequestMatch | undefined): void {
    if (n > 0) this.queue.push({ fault, remaining: n, match });
  }
}
