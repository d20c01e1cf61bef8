// A loopback TCP proxy between the exporter and the local Nexus, for what the server's own faults
// cannot do: add latency on the wire, and cut a connection at an arbitrary byte (a request half
// sent, an answer half received), with a real RST.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { seededRandom } from '@nexus-otel/local';

export interface TcpProxyOptions {
  /** Where to forward: the local Nexus. */
  target: { host: string; port: number };
  /** Added to every chunk, each way (ms). Order is kept. */
  latencyMs?: number;
  /** Probability that a chunk (each way) is cut short: part of it is forwarded, then both sides are reset. */
  cutRate?: number;
  /** Seed of the cut decisions and positions. */
  seed?: number;
}

export interface TcpProxy {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Cuts made so far, by the direction of the chunk cut. */
  readonly cuts: { readonly upstream: number; readonly downstream: number };
  /** Changes latency and cut rate from now on. */
  set(options: { latencyMs?: number; cutRate?: number }): void;
  close(): Promise<void>;
}

/** Forwards `from` → `to` with latency; a cut writes part of a chunk, then resets both sockets. */
function pipe(from: Socket, to: Socket, state: { latencyMs: number; cutRate: number; random: () => number }, onCut: () => void, kill: () => void): void {
  const queue: Array<{ at: number; data: Buffer; cut: boolean }> = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0]!.at <= now) {
      const item = queue.shift()!;
      if (item.data.length > 0 && !to.destroyed) to.write(item.data);
      if (item.cut) {
        // Let the partial chunk reach the wire, then reset both sides.
        setTimeout(kill, 5);
        queue.length = 0;
        return;
      }
    }
    if (queue.length > 0) timer = setTimeout(flush, Math.max(0, queue[0]!.at - Date.now()));
  };
  from.on('data', (data: Buffer) => {
    let chunk = data;
    let cut = false;
    if (state.cutRate > 0 && state.random() < state.cutRate) {
      chunk = data.subarray(0, Math.floor(state.random() * data.length));
      cut = true;
      onCut();
      from.pause(); // nothing after the cut goes through
    }
    queue.push({ at: Date.now() + state.latencyMs, data: chunk, cut });
    timer ??= setTimeout(flush, state.latencyMs);
  });
  from.on('end', () => {
    queue.push({ at: Date.now() + state.latencyMs, data: Buffer.alloc(0), cut: false });
    setTimeout(() => {
      if (!to.destroyed) to.end();
    }, state.latencyMs + 1);
  });
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const state = { latencyMs: options.latencyMs ?? 0, cutRate: options.cutRate ?? 0, random: seededRandom(options.seed ?? 1) };
  const sockets = new Set<Socket>();
  const cuts = { upstream: 0, downstream: 0 };
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = connect(options.target.port, options.target.host);
    sockets.add(client);
    sockets.add(upstream);
    let killed = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      for (const socket of [client, upstream]) if (!socket.destroyed) socket.resetAndDestroy();
    };
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => kill());
      socket.on('close', () => {
        sockets.delete(socket);
        if (socket === upstream && !client.destroyed) client.destroy();
        if (socket === client && !upstream.destroyed) upstream.destroy();
      });
    }
    pipe(client, upstream, state, () => (cuts.upstream += 1), kill);
    pipe(upstream, client, state, () => (cuts.downstream += 1), kill);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    cuts,
    set(next) {
      if (next.latencyMs !== undefined) state.latencyMs = next.latencyMs;
      if (next.cutRate !== undefined) state.cutRate = next.cutRate;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
