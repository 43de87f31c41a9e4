import { randomUUID } from 'node:crypto';
import { createHookdesk } from '@hookdesk/core';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { signSha1 } from '@hookdesk/wire';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection, startWorker } from '../src/index.js';

const describeRedis = await describeWithService('redis', describe);
const CACHE_MS = 300;

// The bound README states: another process's change to the settings (the key) or to a webhook is
// used everywhere within `cacheMs` (default 1 s).
describeRedis('several processes, one configuration', () => {
  it('uses a webhook created and a key rotated in another process within cacheMs', async () => {
    const receiver = await startTestReceiver();
    const namespace = `hookdesk-bullmq-config-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    const storages: HookdeskStorage[] = [];
    const open = async () => {
      const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
      storages.push(storage);
      return storage;
    };
    const webProcess = async () => {
      const engine = createHookdesk({
        storage: await open(),
        queue: new BullmqDeliveryQueue({
          connection: redisConnection(REDIS_URL, { failFast: true }),
          queueName,
        }),
        process: false,
        allowPrivateNetworks: true,
        cacheMs: CACHE_MS,
      });
      await engine.ready();
      return engine;
    };
    const a = await webProcess();
    const b = await webProcess();
    const worker = await startWorker({
      storage: await open(),
      connection: redisConnection(REDIS_URL),
      queue: { queueName },
      allowPrivateNetworks: true,
      cacheMs: CACHE_MS,
    });
    try {
      // Both web processes have read the (empty) webhook list; a webhook made in A...
      expect(await b.ticketCreated({ id: 1, subject: 'before' })).toEqual([]);
      await a.createWebhook({ url: receiver.url, events: ['ticket.created'] });
      await new Promise((resolve) => setTimeout(resolve, CACHE_MS + 50));
      // ...is matched by B within cacheMs.
      expect(await b.ticketCreated({ id: 2, subject: 'after' })).toHaveLength(1);
      await receiver.waitForRequests(1, 10_000);

      const { key: rotatedKey } = await a.rotateKey();
      await new Promise((resolve) => setTimeout(resolve, CACHE_MS + 50));
      await b.ticketCreated({ id: 3, subject: 'after the rotation' });
      const [, second] = await receiver.waitForRequests(2, 10_000);
      // The worker signs with the key A rotated to.
      expect(second!.headers['x-hookdesk-signature']).toBe(signSha1(rotatedKey, second!.body));
      await until(
        async () => (await a.listLogs({ status: 'succeeded' })).items.length === 2,
        'both logged',
        10_000,
      );
    } finally {
      await worker.close();
      await a.close();
      await b.close();
      const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
      await obliterate.obliterate({ force: true });
      await obliterate.close();
      for (const storage of storages) await storage.close();
      await receiver.close();
    }
  }, 60_000);
});
