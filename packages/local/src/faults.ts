// Fault injection: a queue of one-shot faults consumed by matching requests in arrival order,
// seeded random faults for load tests, a standing extra latency, and an outage switch.

export interface RequestMatch {
  method?: string;
  /** Matched against the URL pathname; a string must match exactly. */
  path?: string | RegExp;
}

/**
 * Probabilistic faults: each request that no queued fault took draws one number from a seeded
 * generator and gets at most one of these, with these probabilities (their sum must be ≤ 1).
 */
export interface RandomFaultOptions {
  /** Probability of answering `failStatus` without touching the store. */
  failRate?: number;
  /** Default 503. */
  failStatus?: number;
  /** JSON body of the failure; default the plain-text status line, like `failNext`. */
  failBody?: unknown;
  /** Probability of destroying the socket before the request is read (nothing is written). */
  resetRate?: number;
  /** Probability of handling the request in full, then hanging up without an answer (written). */
  dropResponseRate?: number;
  /** Seed of the generator (a 32-bit integer); default 1. The same seed gives the same draws. */
  seed?: number;
  /** Only these requests draw; others are never faulted at random. */
  match?: RequestMatch;
}

/** How the server behaves while down. */
export type OutageMode =
  /** The listener is closed: connecting fails with ECONNREFUSED. */
  | 'refuse'
  /** Connections are accepted, then reset at once, before any request is read. */
  | 'reset';

export interface Faults {
  latency(ms: number): void;
  /** `headers`: extra response headers of the failure (e.g. `retry-after`). */
  failNext(n: number, status: number, opts?: { body?: unknown; match?: RequestMatch; headers?: Record<string, string> }): void;
  resetNext(n: number, opts?: { match?: RequestMatch }): void;
  dropResponseNext(n: number, opts?: { match?: RequestMatch }): void;
  /** Turns random faults on (replacing the previous settings), or off with `null`. */
  random(options: RandomFaultOptions | null): void;
  /**
   * Takes the server down, like a crash: open connections are destroyed, requests in progress are
   * abandoned (not written), and new connections are refused (`refuse`, the default) or reset.
   * Resolves once the server is down. Data, keys and armed faults stay.
   */
  down(options?: { mode?: OutageMode }): Promise<void>;
  /** Brings the server back on the same port. Resolves once it accepts connections again. */
  up(): Promise<void>;
  /** Whether the server is down, and how. */
  readonly outage: OutageMode | null;
  /** Forgets queued faults, random faults and the extra latency (an outage stays: call `up()`). */
  clear(): void;
}

export type FaultKind = 'fail' | 'reset' | 'drop';

export type Fault =
  | { kind: 'fail'; status: number; hasBody: boolean; body: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'drop' };

interface QueuedFault {
  fault: Fault;
  remaining: number;
  match: RequestMatch | undefined;
}

interface RandomFaults {
  fail: number;
  reset: number;
  drop: number;
  failure: Fault;
  match: RequestMatch | undefined;
  next: () => number;
}

/** What the server does for `down()` and `up()`. */
export interface OutageSwitch {
  set(mode: OutageMode | null): Promise<void>;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`fault count must be a non-negative integer, got ${n}`);
}

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`invalid HTTP status ${status}`);
}

function checkRate(name: string, value: number | undefined): number {
  const rate = value ?? 0;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new RangeError(`${name} must be a probability between 0 and 1, got ${String(value)}`);
  }
  return rate;
}

/** mulberry32: a small, fast 32-bit generator; good enough to spread faults, and reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
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
  private randomFaults: RandomFaults | undefined;
  private mode: OutageMode | null = null;
  /** Calls to the switch run one after another, in call order. */
  private switching: Promise<void> = Promise.resolve();

  constructor(private readonly outageSwitch?: OutageSwitch) {}

  /** Replaces (does not add to) the previous extra latency; 0 turns it off. */
  latency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number, got ${ms}`);
    this.extraLatency = ms;
  }

  get latencyMs(): number {
    return this.extraLatency;
  }

  failNext(n: number, status: number, opts: { body?: unknown; match?: RequestMatch; headers?: Record<string, string> } = {}): void {
    checkCount(n);
    checkStatus(status);
    const hasBody = opts.body !== undefined;
    const headers = opts.headers ? { ...opts.headers } : undefined;
    this.push({ kind: 'fail', status, hasBody, body: opts.body, ...(headers ? { headers } : {}) }, n, opts.match);
  }

  resetNext(n: number, opts: { match?: RequestMatch } = {}): void {
    checkCount(n);
    this.push({ kind: 'reset' }, n, opts.match);
  }

  dropResponseNext(n: number, opts: { match?: RequestMatch } = {}): void {
    checkCount(n);
    this.push({ kind: 'drop' }, n, opts.match);
  }

  random(options: RandomFaultOptions | null): void {
    if (options === null) {
      this.randomFaults = undefined;
      return;
    }
    const fail = checkRate('failRate', options.failRate);
    const reset = checkRate('resetRate', options.resetRate);
    const drop = checkRate('dropResponseRate', options.dropResponseRate);
    if (fail + reset + drop > 1 + 1e-9) throw new RangeError(`failRate + resetRate + dropResponseRate must be ≤ 1, got ${fail + reset + drop}`);
    const status = options.failStatus ?? 503;
    checkStatus(status);
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    const hasBody = options.failBody !== undefined;
    this.randomFaults = {
      fail,
      reset,
      drop,
      failure: { kind: 'fail', status, hasBody, body: options.failBody },
      match: options.match,
      next: seededRandom(seed),
    };
  }

  down(options: { mode?: OutageMode } = {}): Promise<void> {
    const mode = options.mode ?? 'refuse';
    if (mode !== 'refuse' && mode !== 'reset') return Promise.reject(new RangeError(`unknown outage mode ${String(mode)}`));
    return this.switchTo(mode);
  }

  up(): Promise<void> {
    return this.switchTo(null);
  }

  get outage(): OutageMode | null {
    return this.mode;
  }

  /** Forgets queued faults, random faults and the extra latency (the `latencyMs` option and an outage stay). */
  clear(): void {
    this.queue = [];
    this.extraLatency = 0;
    this.randomFaults = undefined;
  }

  /**
   * Called once per request on arrival: the oldest queued fault that matches is used up; else,
   * with random faults on and matching, one draw decides.
   */
  take(method: string, pathname: string): Fault | null {
    const index = this.queue.findIndex((entry) => matches(entry.match, method, pathname));
    const entry = this.queue[index];
    if (entry) {
      entry.remaining--;
      if (entry.remaining <= 0) this.queue.splice(index, 1);
      return entry.fault;
    }
    const random = this.randomFaults;
    if (!random || !matches(random.match, method, pathname)) return null;
    const draw = random.next();
    if (draw < random.fail) return random.failure;
    if (draw < random.fail + random.reset) return { kind: 'reset' };
    if (draw < random.fail + random.reset + random.drop) return { kind: 'drop' };
    return null;
  }

  private switchTo(mode: OutageMode | null): Promise<void> {
    const outageSwitch = this.outageSwitch;
    if (!outageSwitch) return Promise.reject(new Error('this fault queue has no server to take down'));
    const run = this.switching.then(async () => {
      await outageSwitch.set(mode);
      this.mode = mode;
    });
    this.switching = run.catch(() => undefined);
    return run;
  }

  private push(fault: Fault, n: number, match: RequestMatch | undefined): void {
    if (n > 0) this.queue.push({ fault, remaining: n, match });
  }
}
