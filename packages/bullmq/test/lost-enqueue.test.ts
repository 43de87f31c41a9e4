import { randomUUID } from 'node:crypto';
import { createHookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection, startWorker } from '../src/index.js';

const describeRedis = await describeWithService('redis', describe);

describeRedis('a recorded delivery whose job was lost', () => {
  it('is found in the log and queued by the next worker start, then sent once', async () => {
    const target = await startTestReceiver();
    const namespace = `hookdesk-bullmq-lost-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
    const queue = new BullmqDeliveryQueue({
      connection: redisConnection(REDIS_URL, { failFast: true }),
      queueName,
    });
    const web = createHookdesk({ storage, queue, process: false, allowPrivateNetworks: true });
    const bull = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
    const workerStorage = await createStorage({ store: REDIS_URL, namespace });
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      await web.ready();
      await web.createWebhook({ url: target.url, events: ['ticket.created'] });
      const uuids = [
        ...(await web.ticketCreated({ id: 1, subject: 'one' })),
        ...(await web.ticketCreated({ id: 2, subject: 'two' })),
      ];
      expect(await bull.getJobCounts('waiting')).toEqual({ waiting: 2 });
      // Redis lost the jobs (a failover, a flush) after the log recorded the deliveries.
      await bull.obliterate({ force: true });
      expect(await bull.getJob(uuids[0] as string)).toBeUndefined();

      worker = await startWorker({
        storage: workerStorage,
        connection: redisConnection(REDIS_URL),
        queue: { queueName },
        allowPrivateNetworks: true,
        logger: { debug() {}, info() {}, warn() {}, error: console.error },
      });
      await until(() => target.requests.length === 2, 'both deliveries sent', 10_000);
      await until(
        async () => (await web.listLogs({ status: 'succeeded' })).items.length === 2,
        'both succeeded in the log',
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(target.requests.map((r) => r.headers['x-hookdesk-uuid']).sort()).toEqual([...uuids].sort());
    } finally {
      await worker?.close();
      await web.close();
      await bull.obliterate({ force: true });
      await bull.close();
      await workerStorage.close();
      await storage.close();
      await target.close();
    }
  }, 30_000);
});
