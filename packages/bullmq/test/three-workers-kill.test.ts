import { randomUUID } from 'node:crypto';
import { createHookdesk, type Hookdesk } from '@hookdesk/core';
import { createStorage, type DeliveryStatus } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection } from '../src/index.js';
import { startSlowReceiver } from './fixtures/slow-receiver.js';
import { killWorkers, spawnWorker, type TunedWorkerConfig } from './fixtures/worker-process.js';

const describeRedis = await describeWithService('redis', describe);
afterEach(killWorkers);

const WEBHOOKS = 4;
const TICKETS = 500;
const DELIVERIES = WEBHOOKS * TICKETS;
// Attempts in flight in one worker; with 10 per webhook across the workers (concurrencyPerWebhook's
// default) and 4 webhooks, each of the 3 workers can keep all of its 10 busy.
const CONCURRENCY = 10;
const KILLS = 2;
// Only an attempt that reached the receiver and was not yet recorded when its worker died is sent
// again, and a worker has at most CONCURRENCY attempts in flight: at most CONCURRENCY per kill.
const MAX_DUPLICATES = CONCURRENCY * KILLS;

/** Every uuid the log lists with `status`, a page at a time. */
async function logged(hookdesk: Hookdesk, status: DeliveryStatus): Promise<string[]> {
  const uuids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await hookdesk.listLogs({ status, limit: 500, cursor });
    uuids.push(...page.items.map((item) => item.uuid));
    cursor = page.nextCursor;
  } while (cursor);
  return uuids;
}

/** How many of `uuids` the log holds in each status, read from their records. */
async function outcomes(hookdesk: Hookdesk, uuids: readonly string[]): Promise<Map<DeliveryStatus, number>> {
  const counts = new Map<DeliveryStatus, number>();
  for (const { status } of await Promise.all(uuids.map((uuid) => hookdesk.getLog(uuid)))) {
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return counts;
}

describeRedis('three workers, one of them killed twice', () => {
  it(`sends all ${DELIVERIES} deliveries, at most ${MAX_DUPLICATES} of them twice, none failed`, async () => {
    const receiver = await startSlowReceiver(20, 50);
    const namespace = `hookdesk-bullmq-three-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
    const web = createHookdesk({
      storage,
      queue: new BullmqDeliveryQueue({
        connection: redisConnection(REDIS_URL, { failFast: true }),
        queueName,
      }),
      process: false,
      allowPrivateNetworks: true,
    });
    const config: TunedWorkerConfig = {
      store: REDIS_URL,
      namespace,
      redisUrl: REDIS_URL,
      queueName,
      concurrency: CONCURRENCY,
      // A killed worker's jobs are taken over within about two of these (BullMQ's stalled check).
      lockDurationMs: 1_000,
      logAttempts: true,
    };
    try {
      await web.ready();
      for (let n = 0; n < WEBHOOKS; n++) {
        await web.createWebhook({ url: `${receiver.url}/${n}`, events: ['ticket.created'] });
      }
      const workers = [spawnWorker(config), spawnWorker(config), spawnWorker(config)];
      await Promise.all(workers.map((worker) => worker.ready()));

      // The web process records while the workers deliver, ten tickets at a time.
      const uuids: string[] = [];
      const recording = (async () => {
        for (let id = 1; id <= TICKETS; id += 10) {
          const batch = await Promise.all(
            Array.from({ length: 10 }, (_, n) =>
              web.ticketCreated({ id: id + n, subject: `ticket ${id + n}` }),
            ),
          );
          uuids.push(...batch.flat());
        }
      })();

      const victim = workers[0]!;
      await until(() => victim.attempts().length >= 100, 'the first worker in full flow', 30_000);
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBe('SIGKILL');
      const replacement = spawnWorker(config);
      await replacement.ready();
      // The replacement took its share (stalled jobs of the first among them) before it dies too.
      await until(() => replacement.attempts().length >= 50, 'the replacement in full flow', 30_000);
      replacement.child.kill('SIGKILL');
      expect(await replacement.exited).toBe('SIGKILL');
      const arrivedAtSecondKill = receiver.arrivals.size;
      await recording;
      expect(uuids).toHaveLength(DELIVERIES);
      // Both kills fell mid-run: deliveries were still to be sent after the second one.
      expect(arrivedAtSecondKill).toBeLessThan(DELIVERIES);

      await until(
        () => uuids.every((uuid) => receiver.arrivals.has(uuid)),
        'every delivery to arrive',
        40_000,
      );
      // Nothing arrived that the web process did not record.
      expect(receiver.arrivals.size).toBe(DELIVERIES);
      const duplicates = [...receiver.arrivals.values()].reduce((sum, list) => sum + list.length - 1, 0);
      console.log(
        `three-workers-kill: ${duplicates} duplicate arrivals (bound ${MAX_DUPLICATES}); ` +
          `${arrivedAtSecondKill} of ${DELIVERIES} had arrived at the second kill`,
      );
      expect(duplicates).toBeLessThanOrEqual(MAX_DUPLICATES);
      // Nonzero: the kills fell while attempts were at the receiver, so the bound was put to the test.
      expect(duplicates).toBeGreaterThan(0);

      // The records say how each delivery ended; every one of them succeeded, none failed.
      await until(
        async () => !(await outcomes(web, uuids)).has('pending'),
        'every delivery recorded',
        20_000,
      );
      expect(Object.fromEntries(await outcomes(web, uuids))).toEqual({ succeeded: DELIVERIES });
      expect((await web.listLogs({ status: 'failed' })).items).toEqual([]);
      // And the log lists them so: a worker killed between writing a delivery's record and its
      // status entries must not leave it out of the listing.
      const listed = new Set(await logged(web, 'succeeded'));
      expect(
        uuids.filter((uuid) => !listed.has(uuid)),
        'deliveries missing from the log listed by status succeeded',
      ).toEqual([]);
    } finally {
      killWorkers();
      await web.close();
      const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
      await obliterate.obliterate({ force: true });
      await obliterate.close();
      await storage.close();
      await receiver.close();
    }
  }, 120_000);
});
