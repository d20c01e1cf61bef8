// The transport's pool of kept-alive connections, over real loopback sockets: at most maxSockets,
// waiters served in order, and a failed or abandoned connect never holds a slot.
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPool, type Connect, type Connection } from '../../src/nexus/connection-pool.js';
import { listenOnLoopback } from '../net.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0;
  const port = await listenOnLoopback(
    createServer((socket) => {
      accepted += 1;
      socket.on('error', () => undefined);
    }),
    cleanups,
  );
  return { port, accepted: () => accepted };
}

function connectTo(port: number): Connect {
  return (callback) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.once('connect', () => callback(null, socket));
    socket.once('error', (error) => callback(error));
    return () => socket.destroy();
  };
}

function acquire(pool: ConnectionPool): Promise<Connection> {
  return new Promise((resolve, reject) => pool.acquire((error, connection) => (error || !connection ? reject(error ?? new Error('none')) : resolve(connection))));
}

function pool(connect: Connect, maxSockets: number): ConnectionPool {
  const p = new ConnectionPool(connect, maxSockets);
  cleanups.push(() => p.close());
  return p;
}

describe('ConnectionPool', () => {
  it('a connect that throws is that request\'s error, and frees its slot', async () => {
    const { port } = await server();
    let calls = 0;
    const working = connectTo(port);
    const p = pool((callback) => {
      calls += 1;
      if (calls === 1) throw new Error('bad TLS options');
      return working(callback);
    }, 1);
    await expect(acquire(p)).rejects.toThrow('bad TLS options');
    const connection = await acquire(p);
    expect(connection.socket.destroyed).toBe(false);
  });

  it('never more than maxSockets; a waiter gets the released connection, then one opened when another closes', async () => {
    const s = await server();
    const p = pool(connectTo(s.port), 2);
    const [a, b] = await Promise.all([acquire(p), acquire(p)]);
    const third = acquire(p);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(s.accepted()).toBe(2);
    p.release(a);
    expect(await third).toBe(a);
    const fourth = acquire(p);
    p.discard(b);
    const opened = await fourth;
    expect(opened).not.toBe(b);
    expect(s.accepted()).toBe(3);
  });

  it('an abandoned connect is closed when it completes and holds no slot', async () => {
    const s = await server();
    const p = pool(connectTo(s.port), 1);
    const withdraw = p.acquire(() => {
      throw new Error('must not be called');
    });
    withdraw();
    const connection = await acquire(p);
    expect(connection.socket.destroyed).toBe(false);
  });

  it('an idle connection the server closes leaves the pool', async () => {
    const sockets: Socket[] = [];
    const port = await listenOnLoopback(createServer((socket) => sockets.push(socket)), cleanups);
    const p = pool(connectTo(port), 1);
    const first = await acquire(p);
    p.release(first);
    sockets[0]!.end();
    await new Promise((resolve) => first.socket.once('close', resolve));
    const second = await acquire(p);
    expect(second).not.toBe(first);
  });
});
