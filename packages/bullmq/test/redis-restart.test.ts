import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHookdesk, type Hookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection } from '../src/index.js';
import { startSlowReceiver } from './fixtures/slow-receiver.js';
import { killWorkers, spawnWorker, type TunedWorkerConfig } from './fixtures/worker-process.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer && process.env.CI === 'true') {
  throw new Error('CI=true but there is no redis-server binary to start a Redis of its own.');
}
if (!hasRedisServer) console.warn('Skipping: no redis-server binary to start a Redis of its own.');
// The store stays on the shared Redis; the queue gets a Redis of its own, restarted mid-run.
const describeRestart = hasRedisServer ? await describeWithService('redis', describe) : describe.skip;

const servers: ChildProcess[] = [];
afterEach(() => {
  killWorkers();
  for (const server of servers.splice(0)) server.kill('SIGKILL');
});

const DELIVERIES = 400;
const CONCURRENCY = 4;

/** A free loopback port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A redis-server that keeps what it acknowledged across a restart: every write in the append-only
 * file, fsynced before the reply (what DEPLOYMENT.md asks of the queue's Redis), no RDB snapshots.
 */
function startRedis(port: number, dir: string): ChildProcess {
  const server = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
      ...['--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'],
    ],
    { stdio: 'ignore' },
  );
  servers.push(server);
  return server;
}

/** Whether a Redis answers PING on `port` (not while it is still loading its data). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** What `ticketCreated` came to within `ms`: resolved, rejected (and why), or still waiting. */
async function settleWithin(hookdesk: Hookdesk, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<{ outcome: 'waiting' }>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'waiting' }), ms);
  });
  const created = hookdesk.ticketCreated({ id: 0, subject: 'while the queue is down' }).then(
    (uuids) => ({ outcome: 'resolved' as const, uuids }),
    (error: unknown) => ({ outcome: 'rejected' as const, error }),
  );
  try {
    return await Promise.race([created, waited]);
  } finally {
    clearTimeout(timer);
  }
}

describeRestart('the queue’s Redis restarted mid-run', () => {
  it('loses no delivery, resumes within 10 s, and rejects an event while it is down', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'hookdesk-redis-restart-'));
    const queueUrl = `redis://127.0.0.1:${port}`;
    let redis = startRedis(port, dir);
    await until(() => answersPing(port), 'the queue’s Redis to start', 10_000);

    const receiver = await startSlowReceiver(20, 50);
    const namespace = `hookdesk-bullmq-restart-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    // The store on the shared Redis, up throughout: what is lost or refused is the queue's doing.
    const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
    const web = createHookdesk({
      storage,
      queue: new BullmqDeliveryQueue({
        connection: redisConnection(queueUrl, { failFast: true }),
        queueName,
      }),
      process: false,
      allowPrivateNetworks: true,
    });
    const config: TunedWorkerConfig = {
      store: REDIS_URL,
      namespace,
      redisUrl: queueUrl,
      queueName,
      concurrency: CONCURRENCY,
      lockDurationMs: 1_000,
    };
    try {
      await web.ready();
      await web.createWebhook({ url: receiver.url, events: ['ticket.created'] });
      const uuids: string[] = [];
      for (let id = 1; id <= DELIVERIES; id += 10) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, (_, n) =>
            web.ticketCreated({ id: id + n, subject: `ticket ${id + n}` }),
          ),
        );
        uuids.push(...batch.flat());
      }
      const worker = spawnWorker(config);
      await worker.ready();
      await until(() => receiver.arrivals.size >= 100, 'deliveries under way', 30_000);

      redis.kill('SIGTERM');
      await new Promise((resolve) => redis.once('exit', resolve));
      const arrivedAtRestart = receiver.arrivals.size;
      expect(arrivedAtRestart).toBeLessThan(DELIVERIES);
      // No silent success: the event is refused while its deliveries cannot be queued.
      const whileDown = await settleWithin(web, 10_000);
      expect(whileDown.outcome).toBe('rejected');

      redis = startRedis(port, dir);
      await until(() => answersPing(port), 'the queue’s Redis to start again', 10_000);
      const backAt = Date.now();
      // More arrivals than the worker had in flight when Redis went down: some of them came out of
      // the queue after the restart.
      const arrivedSince = () =>
        [...receiver.arrivals.values()].flat().filter((arrival) => arrival.at > backAt).length;
      await until(() => arrivedSince() > CONCURRENCY, 'deliveries after the restart', 15_000);
      const since = [...receiver.arrivals.values()]
        .flat()
        .map((arrival) => arrival.at - backAt)
        .filter((ms) => ms > 0)
        .sort((a, b) => a - b);
      const resumedMs = since[CONCURRENCY]!;
      expect(resumedMs).toBeLessThan(10_000);

      // Every delivery queued before the restart is still there and sent by the same worker (which
      // re-queues nothing itself: recovery runs only at a worker's start).
      await until(
        () => uuids.every((uuid) => receiver.arrivals.has(uuid)),
        'every delivery to arrive',
        30_000,
      );
      await until(
        async () =>
          (await Promise.all(uuids.map((uuid) => web.getLog(uuid)))).every((r) => r.status !== 'pending'),
        'every delivery recorded',
        10_000,
      );
      const statuses = await Promise.all(uuids.map(async (uuid) => (await web.getLog(uuid)).status));
      expect(statuses.filter((status) => status !== 'succeeded')).toEqual([]);
      const duplicates = [...receiver.arrivals.values()].reduce((sum, list) => sum + list.length - 1, 0);
      // Only an attempt in flight when Redis went down can be sent again.
      expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);

      // The refused event was recorded and never queued: it waits, unsent, for the next worker's
      // start-up recovery.
      const refused = (await storage.log.uuids({}, 10_000)).filter((uuid) => !uuids.includes(uuid));
      expect(refused).toHaveLength(1);
      expect((await web.getLog(refused[0]!)).status).toBe('pending');
      expect(receiver.arrivals.has(refused[0]!)).toBe(false);
      await spawnWorker(config).ready();
      await until(
        async () => (await web.getLog(refused[0]!)).status === 'succeeded',
        'the refused event sent after a worker start',
        20_000,
      );
      console.log(
        `redis-restart: ${arrivedAtRestart} of ${DELIVERIES} had arrived at the restart, first arrival ` +
          `${since[0]} ms after Redis was back, ${CONCURRENCY + 1} by ${resumedMs} ms, ${duplicates} sent twice`,
      );
    } finally {
      killWorkers();
      await web.close();
      await storage.close();
      await receiver.close();
      redis.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
