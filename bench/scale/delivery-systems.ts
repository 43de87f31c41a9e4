// The three things bench:scale compares, behind one interface so every row is measured by the same
// code (measure-rounds.ts): bare BullMQ workers POSTing with undici, Hookdesk's web process
// recording into BullMQ for `startWorker` processes, and one Hookdesk on its in-process queue. Each
// lives on a BullMQ queue or a store namespace of its own, removed by `close`; the BullMQ ones
// start paused (the queue's global pause), so a row's deliveries can be recorded before any is sent.
import { randomUUID } from 'node:crypto';
import { BullmqDeliveryQueue, redisConnection } from '@hookdesk/bullmq';
import { createHookdesk, type Hookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { tidyOnClose } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BACKLOG, IN_FLIGHT, TICKET } from '../dispatch/loopback.js';
import type { BareJob, BareWorkerOptions } from './bare-worker-child.js';
import { type Child, spawnChild } from './child-channel.js';
import type { HookdeskWorkerOptions } from './hookdesk-worker-child.js';

export interface BenchEnv {
  /** The Redis for queues and stores, with the bench's logical database. */
  redisUrl: string;
  /** A client on it, for tidying up. */
  admin: Redis;
  /** The receiver's URL. */
  receiverUrl: string;
  /** Attempts in flight in one delivering process. */
  concurrency: number;
  /**
   * Hookdesk's `concurrencyPerWebhook`, shared by all the workers of a row: set to every worker's
   * attempts together, so the bound never holds a worker back (its Redis slot calls are still made).
   */
  perWebhook: number;
}

export interface Settled {
  succeeded: number;
  /** Attempts that did not succeed (retried or failed): none are expected. */
  failed: number;
}

export interface DeliverySystem {
  /** Holds deliveries back while paused; otherwise `pause` does nothing and they go out at once. */
  readonly holds: boolean;
  /** Records (or enqueues) `count` deliveries, one per event. */
  record(count: number): Promise<void>;
  /** One event now: its delivery's uuid once recorded. */
  emit(): Promise<string>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Deliveries settled so far, over every delivering process. */
  settled(): Promise<Settled>;
  /** CPU seconds each delivering process has used so far (this one, for the in-process queue). */
  workerCpu(): Promise<number[]>;
  close(): Promise<void>;
}

const BARE_WORKER = 'scale/bare-worker-child.ts';
const HOOKDESK_WORKER = 'scale/hookdesk-worker-child.ts';
const ADD_BULK = 500;

/** The bare worker's body: Hookdesk's fields and ticket, so both send about the same bytes. */
function bareJob(id: number): BareJob {
  const uuid = randomUUID();
  const ticket = JSON.stringify({ ...TICKET, id });
  const body = `{"uuid":"${uuid}","event":"ticket.created","created_at":"${new Date().toISOString()}","ticket":${ticket}}`;
  return { uuid, body };
}

function jobOptions(uuid: string) {
  // As Hookdesk enqueues: the uuid as job id, nothing kept once done.
  return { jobId: uuid, removeOnComplete: true, removeOnFail: true };
}

async function startAll(file: string, count: number, options: unknown): Promise<Child[]> {
  const children = Array.from({ length: count }, () => spawnChild(file, options));
  try {
    await Promise.all(children.map((child) => child.ready));
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    throw error;
  }
  return children;
}

async function sumSettled(children: readonly Child[]): Promise<Settled> {
  const all = await Promise.all(children.map((child) => child.ask<Settled>('settled')));
  return all.reduce((sum, one) => ({
    succeeded: sum.succeeded + one.succeeded,
    failed: sum.failed + one.failed,
  }));
}

/** Obliterates the queue and removes whatever else lives under its prefix (Hookdesk's slot sets). */
async function removeQueue(env: BenchEnv, queue: Queue): Promise<void> {
  try {
    await queue.obliterate({ force: true });
    let cursor = '0';
    do {
      const [next, keys] = await env.admin.scan(cursor, 'MATCH', `bull:${queue.name}:*`, 'COUNT', 1000);
      if (keys.length > 0) await env.admin.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await queue.close();
  }
}

/** `count` events through `hookdesk.ticketCreated`, IN_FLIGHT at a time, as a busy web process. */
async function recordEvents(hookdesk: Hookdesk, count: number, nextId: () => number): Promise<void> {
  let started = 0;
  const producer = async () => {
    while (started < count) {
      started++;
      await hookdesk.ticketCreated({ ...TICKET, id: nextId() });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, producer));
}

/** Bare BullMQ workers in `workers` processes; the parent enqueues with `addBulk`. */
export async function bareSystem(
  env: BenchEnv,
  workers: number,
  options: { signed?: boolean } = {},
): Promise<DeliverySystem> {
  const queue = new Queue<BareJob>(`hookdesk-bench-scale-bare-${randomUUID()}`, {
    connection: redisConnection(env.redisUrl),
  });
  let children: Child[] = [];
  let id = 0;
  try {
    await queue.pause();
    children = await startAll(BARE_WORKER, workers, {
      redisUrl: env.redisUrl,
      queueName: queue.name,
      concurrency: env.concurrency,
      url: env.receiverUrl,
      signed: options.signed === true,
    } satisfies BareWorkerOptions);
  } catch (error) {
    await removeQueue(env, queue);
    throw error;
  }
  return {
    holds: true,
    async record(count) {
      for (let done = 0; done < count; done += ADD_BULK) {
        const jobs = Array.from({ length: Math.min(ADD_BULK, count - done) }, () => bareJob(++id));
        await queue.addBulk(jobs.map((data) => ({ name: 'delivery', data, opts: jobOptions(data.uuid) })));
      }
    },
    async emit() {
      const data = bareJob(++id);
      await queue.add('delivery', data, jobOptions(data.uuid));
      return data.uuid;
    },
    pause: () => queue.pause(),
    resume: () => queue.resume(),
    settled: () => sumSettled(children),
    workerCpu: () => Promise.all(children.map((child) => child.ask<number>('cpu'))),
    async close() {
      try {
        await Promise.all(children.map((child) => child.stop()));
      } finally {
        await removeQueue(env, queue);
      }
    },
  };
}

/** Hookdesk on BullMQ: a web Hookdesk (`process: false`) here, `startWorker` in `workers` processes. */
export async function hookdeskSystem(env: BenchEnv, workers: number): Promise<DeliverySystem> {
  const name = `hookdesk-bench-scale-${randomUUID()}`;
  const storage = tidyOnClose(await createStorage({ store: env.redisUrl, namespace: name }));
  // Pauses, resumes and removes the queue the web process enqueues into and the workers take from.
  const control = new Queue(name, { connection: redisConnection(env.redisUrl) });
  const web = createHookdesk({
    storage,
    queue: new BullmqDeliveryQueue({
      connection: redisConnection(env.redisUrl, { failFast: true }),
      queueName: name,
    }),
    process: false,
    allowPrivateNetworks: true,
  });
  let children: Child[] = [];
  let id = 0;
  const close = async () => {
    try {
      await Promise.all(children.map((child) => child.stop()));
      await web.close();
    } finally {
      try {
        await removeQueue(env, control);
      } finally {
        await storage.close();
      }
    }
  };
  try {
    await control.pause();
    await web.ready();
    await web.createWebhook({ url: env.receiverUrl, events: ['ticket.created'] });
    // Started after the webhook exists and before any delivery: each worker's start-up recovery
    // (up to 10,000 pending deliveries re-queued) finds nothing to do.
    children = await startAll(HOOKDESK_WORKER, workers, {
      redisUrl: env.redisUrl,
      namespace: name,
      queueName: name,
      concurrency: env.concurrency,
      concurrencyPerWebhook: env.perWebhook,
    } satisfies HookdeskWorkerOptions);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    holds: true,
    record: (count) => recordEvents(web, count, () => ++id),
    async emit() {
      return (await web.ticketCreated({ ...TICKET, id: ++id }))[0] as string;
    },
    pause: () => control.pause(),
    resume: () => control.resume(),
    settled: () => sumSettled(children),
    workerCpu: () => Promise.all(children.map((child) => child.ask<number>('cpu'))),
    close,
  };
}

/**
 * One Hookdesk with its in-process queue (`process: true`) on a Redis store, in this process. It
 * cannot hold deliveries back (its global switch off records none), so it records and delivers at
 * once: `record` keeps at most BACKLOG deliveries recorded ahead of the settled ones.
 */
export async function inProcessSystem(env: BenchEnv): Promise<DeliverySystem> {
  const storage = tidyOnClose(
    await createStorage({ store: env.redisUrl, namespace: `hookdesk-bench-scale-${randomUUID()}` }),
  );
  const hookdesk = createHookdesk({
    storage,
    allowPrivateNetworks: true,
    concurrency: env.concurrency,
    concurrencyPerWebhook: env.concurrency,
  });
  const settled: Settled = { succeeded: 0, failed: 0 };
  // Producers held back by the backlog wait for a settlement, not in a loop that would burn the
  // very CPU this row measures.
  const waiting: (() => void)[] = [];
  const onSettled = (outcome: keyof Settled) => () => {
    settled[outcome]++;
    for (const wake of waiting.splice(0)) wake();
  };
  hookdesk.on('delivery.succeeded', onSettled('succeeded'));
  hookdesk.on('delivery.retrying', onSettled('failed'));
  hookdesk.on('delivery.failed', onSettled('failed'));
  let id = 0;
  try {
    await hookdesk.ready();
    await hookdesk.createWebhook({ url: env.receiverUrl, events: ['ticket.created'] });
  } catch (error) {
    await hookdesk.close();
    await storage.close();
    throw error;
  }
  return {
    holds: false,
    async record(count) {
      const done = () => settled.succeeded + settled.failed;
      const target = id + count;
      const producer = async () => {
        while (id < target) {
          const mine = ++id;
          while (mine - done() > BACKLOG) await new Promise<void>((resolve) => waiting.push(resolve));
          await hookdesk.ticketCreated({ ...TICKET, id: mine });
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, producer));
    },
    async emit() {
      return (await hookdesk.ticketCreated({ ...TICKET, id: ++id }))[0] as string;
    },
    pause: async () => {},
    resume: async () => {},
    settled: async () => ({ ...settled }),
    workerCpu: async () => {
      const { user, system } = process.cpuUsage();
      return [(user + system) / 1e6];
    },
    async close() {
      try {
        await hookdesk.close();
      } finally {
        await storage.close();
      }
    },
  };
}
