import type { Socket } from 'node:net';

/** Opens one connection; the function it returns abandons the attempt (a request timed out meanwhile). */
export type Connect = (callback: (error: Error | null, socket?: Socket) => void) => () => void;

/** What the request a connection carries hears from its socket. */
export interface ExchangeHandler {
  data(chunk: Buffer): void;
  /** The server ended its side. */
  end(): void;
  error(error: Error): void;
  /** The socket closed (after an error, an end, or `destroy`). */
  close(): void;
}

/**
 * A kept-alive socket, listened to once for its whole life: the request it carries, if any, is the
 * handler; bytes or an end while it is idle mean the server closed it or talks out of turn.
 */
export class Connection {
  handler: ExchangeHandler | undefined;
  /** Requests it carried before the current one: > 0 means the server may have closed it meanwhile. */
  served = 0;

  constructor(
    readonly socket: Socket,
    onClose: (connection: Connection) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      if (this.handler) this.handler.data(chunk);
      else socket.destroy();
    });
    socket.on('end', () => this.handler?.end());
    // Set only while idle (the server's keep-alive hint): the server is about to close it.
    socket.on('timeout', () => socket.destroy());
    socket.on('error', (error: Error) => this.handler?.error(error));
    socket.on('close', () => {
      onClose(this);
      this.handler?.close();
    });
  }
}

type Waiter = (error: Error | null, connection?: Connection) => void;

/**
 * At most `maxSockets` connections to one origin, idle ones reused last-in first-out (the warm
 * one; the others may time out at the server). One request at a time on each: no pipelining.
 * The NexusClient's limiter already bounds requests in flight, so waiting here is rare.
 */
export class ConnectionPool {
  readonly #idle: Connection[] = [];
  readonly #waiting: Waiter[] = [];
  #open = 0;
  #closed = false;
  readonly #all = new Set<Connection>();

  constructor(
    private readonly connect: Connect,
    private readonly maxSockets: number,
  ) {}

  /** Hands a connection to `callback` (at once when one is idle); the function returned withdraws the ask. */
  acquire(callback: Waiter): () => void {
    if (this.#closed) {
      callback(Object.assign(new Error('the exporter was shut down'), { code: 'ERR_CLOSED' }));
      return noop;
    }
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      if (!idle.socket.destroyed && idle.socket.writable) {
        if (idle.socket.timeout) idle.socket.setTimeout(0);
        callback(null, idle);
        return noop;
      }
    }
    if (this.#open < this.maxSockets) return this.#open1(callback);
    this.#waiting.push(callback);
    return () => {
      const at = this.#waiting.indexOf(callback);
      if (at >= 0) this.#waiting.splice(at, 1);
    };
  }

  /**
   * The answer was read whole and the server keeps the connection: the next request may use it.
   * `carried` false: it comes back unused (its request had timed out before it was handed over).
   */
  release(connection: Connection, carried = true, idleMillis = Number.POSITIVE_INFINITY): void {
    connection.handler = undefined;
    if (carried) connection.served += 1;
    if (this.#closed || connection.socket.destroyed) {
      connection.socket.destroy();
      return;
    }
    const next = this.#waiting.shift();
    if (next) {
      next(null, connection);
      return;
    }
    // A socket's timeout timer is unref'd: an idle connection never keeps the process alive.
    if (Number.isFinite(idleMillis)) connection.socket.setTimeout(idleMillis);
    this.#idle.push(connection);
  }

  /** The connection cannot carry another request (an error, a timeout, `connection: close`). */
  discard(connection: Connection): void {
    connection.handler = undefined;
    connection.socket.destroy();
  }

  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter(Object.assign(new Error('the exporter was shut down'), { code: 'ERR_CLOSED' }));
    for (const connection of this.#all) connection.socket.destroy();
    this.#idle.length = 0;
  }

  /** `connect` calls back once; a throw counts as its error; an abandoned attempt frees its slot at once. */
  #open1(callback: Waiter): () => void {
    this.#open += 1;
    let state: 'connecting' | 'settled' | 'abandoned' = 'connecting';
    const connected = (error: Error | null, socket?: Socket): void => {
      if (state === 'settled') {
        // Abandoned and already counted out: a socket that still arrives is not wanted.
        socket?.destroy();
        return;
      }
      const abandoned = state === 'abandoned';
      state = 'settled';
      if (error || !socket) {
        this.#open -= 1;
        if (!abandoned) callback(error ?? new Error('no socket'));
        this.#wakeNext();
        return;
      }
      const connection = new Connection(socket, (closed) => this.#closed1(closed));
      this.#all.add(connection);
      if (abandoned || this.#closed) socket.destroy();
      else callback(null, connection);
    };
    let abort: () => void = noop;
    try {
      abort = this.connect(connected);
    } catch (error) {
      connected(error instanceof Error ? error : new Error(String(error)));
    }
    return () => {
      if (state !== 'connecting') return;
      state = 'abandoned';
      abort();
      // The slot is free now, whether or not the attempt still calls back.
      connected(Object.assign(new Error('connection attempt abandoned'), { code: 'ECONNABORTED' }));
    };
  }

  #closed1(connection: Connection): void {
    this.#open -= 1;
    this.#all.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    this.#wakeNext();
  }

  /** A connection went away while requests wait: open one for the first of them. */
  #wakeNext(): void {
    if (this.#closed || this.#open >= this.maxSockets) return;
    const next = this.#waiting.shift();
    if (next) this.#open1(next);
  }
}

function noop(): void {
  // Nothing to withdraw: the connection was handed over at once.
}
