import { randomUUID } from 'node:crypto';
import type { DeliveryHandler, DeliveryQueue, Logger } from '@hookdesk/core';
import type { QueuedDelivery } from '@hookdesk/storage';
import { type ConnectionOptions, DelayedError, type Job, Queue, Worker } from 'bullmq';
import { evictionProblem } from './eviction-policy.js';
import { acquireSharedSlot, type ScriptClient } from './shared-slots.js';

/** The BullMQ queue deliveries wait in unless `queueName` says otherwise. */
export const DEFAULT_QUEUE_NAME = 'hookdesk-deliveries';

export interface BullmqDeliveryQueueOptions {
  /** Where BullMQ keeps the queue: ioredis options or an ioredis instance (see `redisConnection`). */
  connection: ConnectionOptions;
  /** @default 'hookdesk-deliveries' */
  queueName?: string;
  /** BullMQ's key prefix in Redis. @default 'bull' */
  prefix?: string;
  /**
   * Attempts in flight at once in this worker process (`start` only).
   * @default 100
   */
  concurrency?: number;
  /**
   * Wait before a delivery whose attempt could not run (the store was down, the engine was
   * stopping, the global switch was off) is handed out again.
   * @default 5000
   */
  retryLaterMs?: number;
  /**
   * How long a worker holds a job before another may take it over as stalled: a worker killed
   * mid-attempt has its deliveries sent by another after about this long.
   * @default 30000
   */
  lockDurationMs?: number;
  logger?: Logger;
}

/** What the attempt running in this process asked for before it finished. */
interface Running {
  next: QueuedDelivery | null;
  removed: boolean;
}

interface JobData {
  uuid: string;
  once?: true;
}

/**
 * Core's `DeliveryQueue` on BullMQ, for several processes: web processes only enqueue
 * (`createHookdesk({ queue, process: false })`), worker processes also `start` it and deliver.
 * The delivery uuid is the job id, so a delivery is queued once however often it is enqueued; a
 * retry is the same job moved to BullMQ's delayed set; a worker killed mid-attempt leaves its job
 * to BullMQ's stalled-job recovery, which never counts it towards failing it (`maxStalledCount`).
 */
export class BullmqDeliveryQueue implements DeliveryQueue {
  readonly #options: Required<Omit<BullmqDeliveryQueueOptions, 'logger' | 'prefix'>> &
    Pick<BullmqDeliveryQueueOptions, 'logger' | 'prefix'>;
  readonly #queue: Queue<JobData>;
  readonly #running = new Map<string, Running>();
  #worker: Worker<JobData> | null = null;
  #handler: DeliveryHandler | null = null;

  constructor(options: BullmqDeliveryQueueOptions) {
    if (!options || typeof options !== 'object' || options.connection === undefined) {
      throw new TypeError('`connection` is required: ioredis options or an ioredis instance for BullMQ.');
    }
    this.#options = {
      queueName: DEFAULT_QUEUE_NAME,
      concurrency: 100,
      retryLaterMs: 5_000,
      lockDurationMs: 30_000,
      ...options,
    };
    for (const name of ['concurrency', 'retryLaterMs', 'lockDurationMs'] as const) {
      const value = this.#options[name];
      if (!Number.isInteger(value) || value < 1) {
        throw new TypeError(`\`${name}\` must be a whole number from 1, got ${String(value)}.`);
      }
    }
    // Commands go out at once (ioredis holds them until connected), so an enqueue fails when Redis
    // does (after `maxRetriesPerRequest` reconnections) instead of waiting for a ready connection.
    this.#queue = new Queue<JobData>(this.#options.queueName, { ...this.#base(), skipWaitingForReady: true });
    // BullMQ reports connection trouble as events; an unheard 'error' would crash the host.
    this.#queue.on('error', (error) => this.#options.logger?.error({ err: error }, 'BullMQ queue error'));
  }

  #base() {
    const { connection, prefix } = this.#options;
    return prefix === undefined ? { connection } : { connection, prefix };
  }

  async enqueue(entries: readonly QueuedDelivery[], options: { fresh?: boolean } = {}): Promise<void> {
    if (entries.length === 0) return;
    const now = Date.now();
    const add: QueuedDelivery[] = [];
    for (const entry of entries) {
      const running = this.#running.get(entry.uuid);
      // Its attempt is running here: the job moves on when that attempt is done.
      if (running) running.next = entry;
      else add.push(entry);
    }
    if (options.fresh) {
      await this.#queue.addBulk(
        add.map((entry) => ({ name: 'delivery', data: dataOf(entry), opts: this.#jobOptions(entry, now) })),
      );
      return;
    }
    await Promise.all(add.map((entry) => this.#reschedule(entry, now)));
  }

  /** Adds the job, or moves the one that exists to the entry's due time. */
  async #reschedule(entry: QueuedDelivery, now: number): Promise<void> {
    const existing = await this.#queue.getJob(entry.uuid);
    if (!existing) {
      await this.#queue.add('delivery', dataOf(entry), this.#jobOptions(entry, now));
      return;
    }
    const data = dataOf(entry);
    if (existing.data.once !== data.once) await existing.updateData(data);
    const state = await existing.getState();
    if (state === 'delayed') await existing.changeDelay(Math.max(0, entry.dueAt - now));
    else if (state === 'waiting' || state === 'prioritized') {
      // Due already; a later due time only matters for a retry, which comes from its own attempt.
      if (entry.dueAt > now) await existing.changeDelay(entry.dueAt - now).catch(() => {});
    } else if (state === 'active') {
      // Another process runs its attempt: it reads this mark when done and runs the job again.
      await existing.updateData({ ...data, again: entry.dueAt } as JobData);
    } else {
      await existing.remove().catch(() => {});
      await this.#queue.add('delivery', data, this.#jobOptions(entry, now));
    }
  }

  #jobOptions(entry: QueuedDelivery, now: number) {
    return {
      jobId: entry.uuid,
      delay: Math.max(0, entry.dueAt - now),
      removeOnComplete: true,
      removeOnFail: true,
    };
  }

  async remove(uuid: string): Promise<void> {
    const running = this.#running.get(uuid);
    if (running) {
      running.removed = true;
      running.next = null;
      return;
    }
    const job = await this.#queue.getJob(uuid);
    // A job another process holds stays with it; that process removes it when its attempt is done.
    await job?.remove().catch(() => {});
  }

  start(handler: DeliveryHandler): void {
    if (this.#handler) throw new TypeError('The delivery queue was already started.');
    this.#handler = handler;
    const { queueName, concurrency, lockDurationMs } = this.#options;
    this.#worker = new Worker<JobData>(queueName, (job, token) => this.#process(job, token), {
      ...this.#base(),
      concurrency,
      lockDuration: lockDurationMs,
      stalledInterval: lockDurationMs,
      // A crash is never a reason to give a delivery up: the log says when it has failed.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.#worker.on('error', (error) => this.#options.logger?.error({ err: error }, 'BullMQ worker error'));
  }

  /**
   * Warns through the logger when the queue's Redis may evict jobs (`evictionProblem`); a server
   * that refuses INFO is noted at debug level. Workers run it at start.
   */
  async checkRedis(): Promise<void> {
    const logger = this.#options.logger;
    try {
      const problem = evictionProblem(await (await this.#queue.getBackend().client).info());
      if (problem) logger?.warn({ queue: this.#options.queueName }, problem);
    } catch (error) {
      logger?.debug({ err: error }, 'Hookdesk could not read the Redis eviction policy');
    }
  }

  async #process(job: Job<JobData>, token: string | undefined): Promise<void> {
    const uuid = job.id as string;
    const running: Running = { next: null, removed: false };
    this.#running.set(uuid, running);
    try {
      await (this.#handler as DeliveryHandler)(uuid, job.data.once ? { once: true } : undefined);
    } catch (error) {
      this.#options.logger?.error(
        { err: error, uuid },
        'Hookdesk could not attempt a delivery; it stays queued',
      );
      running.next = {
        uuid,
        dueAt: Date.now() + this.#options.retryLaterMs,
        ...(job.data.once ? { once: true } : {}),
      };
    } finally {
      this.#running.delete(uuid);
    }
    // Another process asked for one more attempt while this one ran (a resend).
    const fresh = await this.#queue.getJob(uuid);
    const again = (fresh?.data as { again?: number } | undefined)?.again;
    if (again !== undefined)
      running.next = { uuid, dueAt: again, ...(fresh?.data.once ? { once: true } : {}) };
    if (running.removed && !running.next) return;
    // Neither settled nor moved on (the engine stopping, the switch off): it waits, then runs again.
    const next = running.next ?? {
      uuid,
      dueAt: Date.now() + this.#options.retryLaterMs,
      ...(job.data.once ? { once: true as const } : {}),
    };
    await job.updateData(dataOf(next));
    await job.moveToDelayed(Math.max(next.dueAt, Date.now()), token);
    throw new DelayedError();
  }

  /** The per-webhook bound across every worker on this queue (core's `DeliveryQueue.acquireSlot`). */
  async acquireSlot(key: string, limit: number, holdMs: number): Promise<() => Promise<void>> {
    const client = (await this.#queue.getBackend().client) as unknown as ScriptClient;
    const setKey = `${this.#options.prefix ?? 'bull'}:${this.#options.queueName}:hookdesk-slots:${encodeURIComponent(key)}`;
    // Leased like the jobs: a crashed worker's slots free themselves when its jobs are taken over.
    return acquireSharedSlot(client, setKey, {
      limit,
      leaseMs: this.#options.lockDurationMs,
      holdMs,
      token: randomUUID(),
    });
  }

  pause(): void {
    // Called from inside an attempt: not waiting for the attempts in flight, this one among them.
    this.#worker
      ?.pause(true)
      .catch((error: unknown) => this.#options.logger?.error({ err: error }, 'BullMQ pause failed'));
  }

  resume(): void {
    this.#worker?.resume();
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue.close();
  }
}

function dataOf(entry: QueuedDelivery): JobData {
  return entry.once ? { uuid: entry.uuid, once: true } : { uuid: entry.uuid };
}
