import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback receiver that holds every request before answering 204, counting how many it holds. */
export interface HoldingReceiver {
  url: string;
  /** Requests answered so far. */
  readonly answered: number;
  /** The most requests it ever held at once. */
  readonly mostAtOnce: number;
  close(): Promise<void>;
}

/** Starts a receiver that answers each request `holdMs` after its body arrived. */
export async function startHoldingReceiver(holdMs: number): Promise<HoldingReceiver> {
  let holding = 0;
  let mostAtOnce = 0;
  let answered = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      holding++;
      mostAtOnce = Math.max(mostAtOnce, holding);
      const timer = setTimeout(() => {
        timers.delete(timer);
        holding--;
        answered++;
        res.writeHead(204);
        res.end();
      }, holdMs);
      timers.add(timer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get answered() {
      return answered;
    },
    get mostAtOnce() {
      return mostAtOnce;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
