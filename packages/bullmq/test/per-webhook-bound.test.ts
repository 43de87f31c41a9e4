import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHookdesk } from '@hookdesk/core';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection, startWorker } from '../src/index.js';

const describeRedis = await describeWithService('redis', describe);

describeRedis('concurrencyPerWebhook across workers', () => {
  it('holds for the webhook across two workers, not per worker', async () => {
    // Holds each request 900 ms, longer than a slot's 400 ms lease (renewed while held), and notes
    // the most it ever held at once.
    let now = 0;
    let most = 0;
    let answered = 0;
    const server = createServer((req, res) => {
      now++;
      most = Math.max(most, now);
      req.resume();
      setTimeout(() => {
        now--;
        answered++;
        res.writeHead(200, { 'content-length': '0' });
        res.end();
      }, 900);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const namespace = `hookdesk-bullmq-bound-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    const storages: HookdeskStorage[] = [];
    const open = async () => {
      const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
      storages.push(storage);
      return storage;
    };
    const web = createHookdesk({
      storage: await open(),
      queue: new BullmqDeliveryQueue({
        connection: redisConnection(REDIS_URL, { failFast: true }),
        queueName,
      }),
      process: false,
      allowPrivateNetworks: true,
    });
    const workers = [];
    try {
      await web.ready();
      await web.createWebhook({ url, events: ['ticket.created'] });
      for (let i = 0; i < 2; i++) {
        workers.push(
          await startWorker({
            storage: await open(),
            connection: redisConnection(REDIS_URL),
            concurrency: 20,
            queue: { queueName, lockDurationMs: 400 },
            concurrencyPerWebhook: 3,
            allowPrivateNetworks: true,
          }),
        );
      }
      const count = 12;
      for (let id = 1; id <= count; id++) await web.ticketCreated({ id, subject: `ticket ${id}` });
      await until(() => answered === count, `all ${count} answered (${answered})`, 20_000);
      // Each worker alone would hold 3; together, without the shared bound, up to 6.
      expect(most).toBe(3);
    } finally {
      for (const worker of workers) await worker.close();
      await web.close();
      const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
      await obliterate.obliterate({ force: true });
      await obliterate.close();
      for (const storage of storages) await storage.close();
      server.close();
    }
  }, 60_000);

  it('keeps a slot a moment after an attempt, for the next one, then gives it back', async () => {
    const queueName = `hookdesk-test-${randomUUID()}`;
    const queue = new BullmqDeliveryQueue({ connection: redisConnection(REDIS_URL), queueName });
    const reader = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
    const client = new Redis(REDIS_URL);
    const held = () => client.zcard(`bull:${queueName}:hookdesk-slots:wh-1`);
    try {
      const first = await queue.acquireSlot('wh-1', 2, 10_000);
      await first();
      // Kept, still counted: the next attempt takes it without the store.
      expect(await held()).toBe(1);
      const second = await queue.acquireSlot('wh-1', 2, 10_000);
      const third = await queue.acquireSlot('wh-1', 2, 10_000);
      expect(await held()).toBe(2);
      // The bound counts kept and lent slots alike: a third holder waits.
      let fourth = false;
      const waiting = queue.acquireSlot('wh-1', 2, 10_000).then((release) => {
        fourth = true;
        return release;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(fourth).toBe(false);
      await second();
      await third();
      await until(() => fourth, 'the waiting holder, once a kept slot went back', 5_000);
      await (await waiting)();
      await until(async () => (await held()) === 0, 'every kept slot given back when idle', 5_000);
    } finally {
      await queue.close();
      await reader.obliterate({ force: true });
      await reader.close();
      client.disconnect();
    }
  }, 30_000);
});
