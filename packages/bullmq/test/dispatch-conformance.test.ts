import { randomUUID } from 'node:crypto';
import { createHookdesk } from '@hookdesk/core';
import { dispatchConformanceSuite } from '@hookdesk/dispatch-conformance';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection, startWorker } from '../src/index.js';

const describeRedis = await describeWithService('redis', describe);

describeRedis('BullmqDeliveryQueue', () => {
  // A web process records into the queue (process: false); a worker from startWorker delivers.
  // Each has its own connection to one Redis store namespace, as two processes would.
  dispatchConformanceSuite(
    { describe, it, expect, beforeEach, afterEach },
    async (options) => {
      const namespace = `hookdesk-dispatch-${randomUUID()}`;
      const queueName = `hookdesk-test-${randomUUID()}`;
      const webStorage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
      const web = createHookdesk({
        ...options,
        storage: webStorage,
        queue: new BullmqDeliveryQueue({
          connection: redisConnection(REDIS_URL, { failFast: true }),
          queueName,
        }),
        process: false,
      });
      await web.ready();
      const workerStorage = await createStorage({ store: REDIS_URL, namespace });
      // An attempt the switch held back is handed out again after retryLaterMs (5 s by default).
      const worker = await startWorker({
        ...options,
        storage: workerStorage,
        connection: redisConnection(REDIS_URL),
        queue: { queueName, retryLaterMs: 200 },
      });
      return {
        recorder: web,
        deliverer: worker,
        async close() {
          await worker.close();
          await web.close();
          const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
          await obliterate.obliterate({ force: true });
          await obliterate.close();
          await workerStorage.close();
          await webStorage.close();
        },
      };
    },
    { name: 'BullMQ, a web process records and a worker delivers' },
  );
});
