// What the dispatch benchmarks share: the loopback receiver, the ticket, the raw undici baseline
// and the throughput loop (run.ts for the figures, breakdown.ts for where the CPU goes).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Hookdesk } from '@hookdesk/core';
import { Pool } from 'undici';

export const IN_FLIGHT = 50;
// Events recorded but not yet delivered, at most: the engine overlaps their store writes.
export const BACKLOG = Number(process.env.BACKLOG ?? 200);
export const BASELINE_REQUESTS = 20_000;
export const HOOKDESK_EVENTS = 10_000;

// A ticket whose ticket.created body is about 2 KB, like the baseline's body.
export const TICKET = {
  id: 0,
  subject: 'Printer on fire ☃',
  status: 'open',
  priority: 'urgent',
  text: 'x'.repeat(1_800),
};
export const BASELINE_BODY = Buffer.from(
  JSON.stringify({ uuid: crypto.randomUUID(), event: 'ticket.created', ticket: TICKET }),
);

/** The receiver: answers 200 at once; notes when each delivery uuid arrived. */
export async function startReceiver() {
  const arrivals = new Map<string, number>();
  let count = 0;
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      count++;
      const uuid = req.headers['x-hookdesk-uuid'];
      if (typeof uuid === 'string') arrivals.set(uuid, performance.now());
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    origin: `http://127.0.0.1:${port}`,
    arrivals,
    count: () => count,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export async function baseline(receiver: Receiver): Promise<Rate> {
  const pool = new Pool(receiver.origin);
  const headers = { 'content-type': 'application/json', 'content-length': String(BASELINE_BODY.length) };
  const run = async (count: number) => {
    let started = 0;
    const worker = async () => {
      while (started < count) {
        started++;
        const { body } = await pool.request({ method: 'POST', path: '/hook', headers, body: BASELINE_BODY });
        await body.dump();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  };
  try {
    // A longer warm-up than measureRate's: measured cold, the first baseline of a process came out
    // 40-50 % costlier per request than later ones, which flattered every ratio to it.
    await run(BASELINE_REQUESTS / 2);
    return await measureRate(BASELINE_REQUESTS, run);
  } finally {
    await pool.close();
  }
}

/** Requests or events per second of wall-clock time and per CPU-second. */
export interface Rate {
  perSecond: number;
  perCpuSecond: number;
}

/** `run(500)` to warm up, then `run(count)` timed: its rate in wall-clock and CPU time. */
export async function measureRate(count: number, run: (count: number) => Promise<void>): Promise<Rate> {
  await run(500);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await run(count);
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: count / seconds, perCpuSecond: count / cpuSeconds(cpu) };
}

/** CPU seconds (user + system, every thread of this process) since `start`. */
export function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Events/s from ticketCreated to "succeeded" in the log, with at most IN_FLIGHT events unrecorded at once. */
export async function throughput(hookdesk: Hookdesk, events = HOOKDESK_EVENTS): Promise<Rate> {
  let succeeded = 0;
  const onSucceeded = () => {
    succeeded++;
  };
  hookdesk.on('delivery.succeeded', onSucceeded);
  const run = async (events: number) => {
    const target = succeeded + events;
    let sent = 0;
    const producer = async () => {
      while (sent < events) {
        sent++;
        // Back-pressure: the producer stays at most IN_FLIGHT deliveries ahead of the receiver.
        while (sent - (succeeded - (target - events)) > BACKLOG) await new Promise((r) => setImmediate(r));
        await hookdesk.ticketCreated({ ...TICKET, id: sent });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, producer));
    await waitFor(() => succeeded >= target, 60_000, 'deliveries');
  };
  try {
    return await measureRate(events, run);
  } finally {
    hookdesk.off('delivery.succeeded', onSucceeded);
  }
}
