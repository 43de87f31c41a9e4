import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request that crossed the proxy, and what the upstream answered. */
export interface ProxiedRequest {
  /** `x-hookdesk-uuid`, or `''` when absent. */
  uuid: string;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** The upstream's status, or `null` when it could not be reached (the proxy answered 502). */
  status: number | null;
}

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request so far, in arrival order (each filled in once the upstream answered). */
  requests: ProxiedRequest[];
  /** Where requests go from now on, e.g. a receiver restarted on another port. */
  setUpstream(url: string): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a receiver, as a load balancer would stand: it forwards each
 * request's bytes unchanged and counts what crossed, by delivery uuid, so an attack can tell a
 * delivery sent twice from one sent once without reading either side's internals.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  let target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const seen: ProxiedRequest = {
      uuid: String(req.headers['x-hookdesk-uuid'] ?? ''),
      at: Date.now(),
      status: null,
    };
    requests.push(seen);
    const out = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        seen.status = answer.statusCode ?? null;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      seen.status = null;
      if (!res.headersSent) res.writeHead(502).end('upstream unreachable');
      else res.destroy();
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setUpstream(url) {
      target = new URL(url);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
