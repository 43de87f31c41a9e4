import { randomUUID } from 'node:crypto';
import { createHookdesk, type Hookdesk } from '@hookdesk/core';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection, startWorker } from '../src/index.js';

const describeRedis = await describeWithService('redis', describe);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A web process and a worker process's engines in one test, sharing a Redis store and queue. */
async function web(
  receiverUrl: string | null,
  options: { retrySchedule?: number[] } = {},
): Promise<{
  web: Hookdesk;
  startWorker: (overrides?: { timeoutMs?: number }) => Promise<Hookdesk>;
  storage: HookdeskStorage;
  queueName: string;
  webhookId: string | null;
}> {
  const namespace = `hookdesk-bullmq-${randomUUID()}`;
  const queueName = `hookdesk-test-${randomUUID()}`;
  const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
  const queue = new BullmqDeliveryQueue({
    connection: redisConnection(REDIS_URL, { failFast: true }),
    queueName,
  });
  const webEngine = createHookdesk({ storage, queue, process: false, allowPrivateNetworks: true });
  await webEngine.ready();
  cleanups.push(async () => {
    await webEngine.close();
    const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
    await obliterate.obliterate({ force: true });
    await obliterate.close();
    await storage.close();
  });
  const webhook = receiverUrl
    ? await webEngine.createWebhook({ url: receiverUrl, events: ['ticket.created'] })
    : null;
  return {
    web: webEngine,
    storage,
    queueName,
    webhookId: webhook?.id ?? null,
    async startWorker(overrides = {}) {
      const workerStorage = await createStorage({ store: REDIS_URL, namespace });
      const worker = await startWorker({
        storage: workerStorage,
        connection: redisConnection(REDIS_URL),
        queue: { queueName, retryLaterMs: 200 },
        allowPrivateNetworks: true,
        retrySchedule: options.retrySchedule ?? [300],
        retryJitter: 0,
        pollIntervalMs: 200,
        ...overrides,
      });
      cleanups.push(async () => {
        await worker.close();
        await workerStorage.close();
      });
      return worker;
    },
  };
}

async function receiver(respond?: Parameters<typeof startTestReceiver>[0]): Promise<TestReceiver> {
  const r = await startTestReceiver(respond);
  cleanups.push(() => r.close());
  return r;
}

describeRedis('BullmqDeliveryQueue on Redis', () => {
  it('delivers what a web process records from a worker process, signed, once', async () => {
    const target = await receiver();
    const setup = await web(target.url);
    const [uuid] = await setup.web.ticketCreated({ id: 1, subject: 'Printer on fire' });
    // Recorded and queued, not sent: the web process delivers nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.requests).toHaveLength(0);
    await setup.startWorker();
    await until(
      async () => (await setup.web.getLog(uuid as string)).status === 'succeeded',
      'delivered',
      10_000,
    );
    expect(target.requests.map((r) => r.headers['x-hookdesk-uuid'])).toEqual([uuid]);
    expect(target.requests[0]?.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('retries on the schedule as a delayed job, then succeeds', async () => {
    const target = await receiver({ respond: [{ status: 500 }, { status: 200 }] });
    const setup = await web(target.url, { retrySchedule: [400] });
    await setup.startWorker();
    const [uuid] = await setup.web.ticketCreated({ id: 2, subject: 'retry me' });
    await until(
      async () => (await setup.web.getLog(uuid as string)).status === 'succeeded',
      'retried',
      10_000,
    );
    const entry = await setup.web.getLog(uuid as string);
    expect(entry.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
    const gap = Date.parse(entry.attempts[1]!.at) - Date.parse(entry.attempts[0]!.at);
    expect(gap).toBeGreaterThanOrEqual(400);
    expect(target.requests.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '2']);
  });

  it('queues a delivery once however often it is enqueued (the uuid is the job id)', async () => {
    const setup = await web(null);
    const queue = new BullmqDeliveryQueue({
      connection: redisConnection(REDIS_URL),
      queueName: setup.queueName,
    });
    cleanups.push(() => queue.close());
    const uuid = randomUUID();
    const dueAt = Date.now() + 60_000;
    await queue.enqueue([{ uuid, dueAt }], { fresh: true });
    await queue.enqueue([{ uuid, dueAt }], { fresh: true });
    await queue.enqueue([{ uuid, dueAt: dueAt + 1_000 }]);
    const reader = new Queue(setup.queueName, { connection: redisConnection(REDIS_URL) });
    cleanups.push(() => reader.close());
    expect(await reader.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 1,
      active: 0,
    });
    await queue.remove(uuid);
    expect(await reader.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
  });

  it('holds queued deliveries while the global switch is off, and sends them once it is on', async () => {
    const target = await receiver();
    const setup = await web(target.url);
    const [uuid] = await setup.web.ticketCreated({ id: 3, subject: 'wait for the switch' });
    await setup.web.setActive(false);
    await setup.startWorker();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(target.requests).toHaveLength(0);
    await setup.web.setActive(true);
    await until(async () => (await setup.web.getLog(uuid as string)).status === 'succeeded', 'sent', 10_000);
    expect(target.requests.map((r) => r.headers['x-hookdesk-uuid'])).toEqual([uuid]);
  });

  it('sends a resend from the web process once, with no retry', async () => {
    const target = await receiver({ respond: { status: 500 } });
    const setup = await web(target.url, { retrySchedule: [] });
    await setup.startWorker();
    const [uuid] = await setup.web.ticketCreated({ id: 5, subject: 'resend me' });
    await until(async () => (await setup.web.getLog(uuid as string)).status === 'failed', 'failed', 10_000);
    await setup.web.resend({ ids: [uuid as string] });
    await until(async () => target.requests.length === 2, 'the resend', 10_000);
    await until(
      async () => (await setup.web.getLog(uuid as string)).status === 'failed',
      'failed again',
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(target.requests.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '2']);
  });

  it('keeps a queued resend one attempt when a worker starts and recovers pending deliveries', async () => {
    const target = await receiver({ respond: { status: 500 } });
    const setup = await web(target.url, { retrySchedule: [100, 100] });
    const [uuid] = await setup.web.ticketCreated({ id: 6, subject: 'resend before any worker' });
    await setup.web.resend({ ids: [uuid as string] });
    // Its start-up recovery finds the delivery pending in the log: the resend's job must stay one.
    await setup.startWorker();
    await until(async () => (await setup.web.getLog(uuid as string)).status === 'failed', 'failed', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(target.requests.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1']);
  });

  it('keeps a running attempt’s retry delay when another worker starts meanwhile', async () => {
    const target = await receiver({ respond: [{ hang: true }, { status: 200 }] });
    const setup = await web(target.url, { retrySchedule: [5_000] });
    await setup.startWorker({ timeoutMs: 1_500 });
    const [uuid] = await setup.web.ticketCreated({ id: 7, subject: 'slow first attempt' });
    await until(() => target.requests.length === 1, 'the first attempt', 10_000);
    // The second worker's recovery sees the delivery pending while the first one's attempt runs.
    await setup.startWorker();
    await until(
      async () => (await setup.web.getLog(uuid as string)).attemptCount === 1,
      'attempt 1 logged',
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(target.requests).toHaveLength(1);
    expect((await setup.web.getLog(uuid as string)).status).toBe('pending');
  });

  it('rejects an event whose enqueue fails: nothing is acknowledged that is not queued', async () => {
    const target = await receiver();
    const storage = await createStorage({ store: 'memory' });
    // Nothing listens on port 1.
    const queue = new BullmqDeliveryQueue({
      connection: redisConnection('redis://127.0.0.1:1', { failFast: true }),
    });
    const engine = createHookdesk({ storage, queue, process: false, allowPrivateNetworks: true });
    cleanups.push(async () => {
      await engine.close().catch(() => {});
      await storage.close();
    });
    await engine.ready();
    await engine.createWebhook({ url: target.url, events: ['ticket.created'] });
    await expect(engine.ticketCreated({ id: 4, subject: 'no queue' })).rejects.toThrow();
  });
});
