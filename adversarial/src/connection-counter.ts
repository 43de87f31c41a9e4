import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';

export interface ConnectionCounter {
  port: number;
  /** TCP connections accepted so far, on any loopback address. */
  connections: number;
  close(): Promise<void>;
}

/**
 * A TCP listener on every local address of both families (`::`, dual-stack), port 0, that counts
 * the connections it accepts and answers each with an empty 200: the target an SSRF attempt would
 * reach through `127.0.0.1`, `127.0.0.2`, `[::1]`, `0.0.0.0` or `[::ffff:127.0.0.1]` alike.
 */
export async function startConnectionCounter(): Promise<ConnectionCounter> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    counter.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  const counter: ConnectionCounter = {
    port: (server.address() as AddressInfo).port,
    connections: 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return counter;
}
