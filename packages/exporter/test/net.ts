import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A port on loopback with nothing listening (connecting to it is refused). */
export async function deadPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Listens on loopback and returns the port; `cleanups` gets a step that destroys the server's open
 * sockets (plain and TLS: the exporter keeps them alive) and closes it.
 */
export async function listenOnLoopback(server: Server, cleanups: Array<() => Promise<void> | void>): Promise<number> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  server.on('secureConnection', track);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}
