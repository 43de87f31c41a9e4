// The bench's one receiver, in a process of its own: the latency row's producer runs in the parent,
// and arrivals timestamped on the parent's event loop would wait for whatever it was recording.
// Answers 200 at once and notes when each `x-hookdesk-uuid` first arrived, in epoch ms from
// `performance.timeOrigin + performance.now()`, which other processes on this host can compare.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { answer } from './child-channel.js';

export interface ReceiverStats {
  /** Requests answered since the last reset, repeats included. */
  requests: number;
  /** Distinct uuids among them. */
  unique: number;
  /** Epoch ms of the first and the last request since the last reset; 0 before any. */
  first: number;
  last: number;
}

const arrivals = new Map<string, number>();
let requests = 0;
let first = 0;
let last = 0;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    requests++;
    if (first === 0) first = at;
    last = at;
    const uuid = req.headers['x-hookdesk-uuid'];
    if (typeof uuid === 'string' && !arrivals.has(uuid)) arrivals.set(uuid, at);
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

answer(
  {
    reset: () => {
      arrivals.clear();
      requests = 0;
      first = 0;
      last = 0;
    },
    stats: (): ReceiverStats => ({ requests, unique: arrivals.size, first, last }),
    /** Arrival times of `uuids`, in their order; null for one not (yet) received. */
    arrivals: (uuids: string[]) => uuids.map((uuid) => arrivals.get(uuid) ?? null),
  },
  { url: `http://127.0.0.1:${port}/hook` },
  async () => {
    server.closeAllConnections();
    server.close();
  },
);
