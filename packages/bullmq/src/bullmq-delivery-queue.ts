import { randomUUID } from 'node:crypto';
import type { DeliveryHandler, DeliveryQueue, Logger } from '@hookdesk/core';
import type { QueuedDelivery } from '@hookdesk/storage';
import { type ConnectionOptions, DelayedError, type Job, type PostgresPoolConfig } from 'bullmq';
import { evictionProblem } from './eviction-policy.js';
import { postgresSlots } from './postgres-slots.js';
import {
  type JobsQueue,
  type JobsWorker,
  openQueue,
  openWorker,
  postgresPoolOf,
  type QueueBackend,
  queueBackend,
  redisClientOf,
} from './queue-backend.js';
import { acquireSharedSlot, type ScriptClient } from './shared-slots.js';
import { leaseSlot } from './slot-lease.js';
import { SlotPool } from './slot-pool.js';

/** The BullMQ queue deliveries wait in unless `queueName` says otherwise. */
export const DEFAULT_QUEUE_NAME = 'hookdesk-deliveries';

// A crash is never a reason to give a delivery up. PostgreSQL keeps the count as an integer: at one
// stall per `lockDurationMs`, 2^31 - 1 is never reached, and a larger value breaks stall recovery there.
const UNBOUNDED_STALLS = 2 ** 31 - 1;
// Long enough for the next attempt to a busy webhook to find its slot, short enough that a worker
// done with a webhook soon gives its slots to the others.
const SLOT_KEEP_MS = 50;

export interface BullmqDeliveryQueueOptions {
  /**
   * The queue on Redis: ioredis options or an ioredis instance (see `redisConnection`). Give this
   * or `postgres`.
   */
  connection?: ConnectionOptions;
  /**
   * The queue on PostgreSQL, through BullMQ's PostgreSQL backend (install `pg`): a `postgres://`
   * URL, or node-postgres pool options with BullMQ's `schema` (default `'bullmq'`) for the queue's
   * tables. The queue creates them, or brings them up to date, at its first connect unless
   * `migrate: false`. Give this or `connection`.
   * @example 'postgres://hookdesk@db.internal:5432/helpdesk'
   * @example { connectionString: process.env.DATABASE_URL, schema: 'hookdesk_queue', max: 20 }
   */
  postgres?: string | PostgresPoolConfig;
  /** @default 'hookdesk-deliveries' */
  queueName?: string;
  /** BullMQ's key prefix in Redis (Redis only: on PostgreSQL, `postgres.schema`). @default 'bull' */
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

type Settings = Required<Omit<BullmqDeliveryQueueOptions, 'logger' | 'prefix' | 'connection' | 'postgres'>> &
  Pick<BullmqDeliveryQueueOptions, 'logger'>;

/**
 * Core's `DeliveryQueue` on BullMQ, for several processes: web processes only enqueue
 * (`createHookdesk({ queue, process: false })`), worker processes also `start` it and deliver.
 * The queue lives in Redis (`connection`) or PostgreSQL (`postgres`). The delivery uuid is the job
 * id, so a delivery is queued once however often it is enqueued; a retry is the same job moved to
 * BullMQ's delayed set; a worker killed mid-attempt leaves its job to BullMQ's stalled-job
 * recovery, which never counts it towards failing it (`maxStalledCount`).
 */
export class BullmqDeliveryQueue implements DeliveryQueue {
  readonly #options: Settings;
  readonly #backend: QueueBackend;
  #queue: JobsQueue<JobData>;
  /** On PostgreSQL, the queue once connected (see `#ready`). */
  #connected: Promise<JobsQueue<JobData>> | null = null;
  /** On PostgreSQL, whether `#queue` failed to connect and the next `#ready` replaces it. */
  #stale = false;
  readonly #running = new Map<string, Running>();
  #worker: JobsWorker<JobData> | null = null;
  #reopen: NodeJS.Timeout | null = null;
  #paused = false;
  #closed = false;
  #handler: DeliveryHandler | null = null;
  /** Per-webhook slots kept between attempts (`SlotPool`). */
  readonly #slots = new SlotPool(SLOT_KEEP_MS);

  constructor(options: BullmqDeliveryQueueOptions) {
    if (!options || typeof options !== 'object') {
      throw new TypeError('`connection` or `postgres` is required: where BullMQ keeps the queue.');
    }
    this.#backend = queueBackend(options);
    const { connection: _redis, postgres: _postgres, prefix: _prefix, ...settings } = options;
    this.#options = {
      queueName: DEFAULT_QUEUE_NAME,
      concurrency: 100,
      retryLaterMs: 5_000,
      lockDurationMs: 30_000,
      ...settings,
    };
    for (const name of ['concurrency', 'retryLaterMs', 'lockDurationMs'] as const) {
      const value = this.#options[name];
      if (!Number.isInteger(value) || value < 1) {
        throw new TypeError(`\`${name}\` must be a whole number from 1, got ${String(value)}.`);
      }
    }
    this.#queue = this.#openQueue();
  }

  #openQueue(): JobsQueue<JobData> {
    const queue = openQueue<JobData>(this.#backend, this.#options.queueName);
    // BullMQ reports connection trouble as events; an unheard 'error' would crash the host.
    queue.on('error', (error) => this.#options.logger?.error({ err: error }, 'BullMQ queue error'));
    return queue;
  }

  /**
   * The queue to send commands to. On PostgreSQL, once it has connected: BullMQ keeps a failed first
   * connect (the database not up yet) for the queue's lifetime, so that queue is replaced and the
   * next call tries afresh. On Redis, at once: ioredis reconnects by itself.
   */
  #ready(): Promise<JobsQueue<JobData>> {
    if (this.#backend.kind === 'redis') return Promise.resolve(this.#queue);
    if (!this.#connected) {
      // Replaced only now: a new queue connects as it is made, and would fail the same way at once.
      if (this.#stale) {
        this.#queue = this.#openQueue();
        this.#stale = false;
      }
      const queue = this.#queue;
      this.#connected = queue.waitUntilReady().then(
        () => queue,
        (error: unknown) => {
          if (this.#queue === queue) {
            this.#stale = true;
            this.#connected = null;
            queue.close().catch(() => {});
          }
          throw error;
        },
      );
    }
    return this.#connected;
  }

  async enqueue(
    entries: readonly QueuedDelivery[],
    options: { fresh?: boolean; recovered?: boolean } = {},
  ): Promise<void> {
    if (entries.length === 0) return;
    const now = Date.now();
    const add: QueuedDelivery[] = [];
    for (const entry of entries) {
      const running = this.#running.get(entry.uuid);
      // Its attempt is running here: the job moves on when that attempt is done (a recovered
      // entry asks for nothing more: the running attempt is the one it would queue).
      if (running) {
        if (!options.recovered) running.next = entry;
      } else add.push(entry);
    }
    const queue = await this.#ready();
    // Adding a job id that exists leaves that job as it is: new deliveries, and recovery's
    // "queue it if nothing does" (a job held by another worker, a resend, a retry keep theirs).
    if (options.fresh || options.recovered) {
      await queue.addBulk(
        add.map((entry) => ({ name: 'delivery', data: dataOf(entry), opts: this.#jobOptions(entry, now) })),
      );
      return;
    }
    await Promise.all(add.map((entry) => this.#reschedule(queue, entry, now)));
  }

  /** Adds the job, or moves the one that exists to the entry's due time. */
  async #reschedule(queue: JobsQueue<JobData>, entry: QueuedDelivery, now: number): Promise<void> {
    const existing = await queue.getJob(entry.uuid);
    if (existing) {
      try {
        if (await this.#move(existing, entry, now)) return;
      } catch (error) {
        // Its attempt ended and took the job out while this looked at it ("Missing key"): add it.
        if (await queue.getJob(entry.uuid)) throw error;
      }
    }
    await queue.add('delivery', dataOf(entry), this.#jobOptions(entry, now));
  }

  /** Moves a job to the entry's due time; `false` when it is finished and is to be added again. */
  async #move(existing: Job<JobData>, entry: QueuedDelivery, now: number): Promise<boolean> {
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
      return false;
    }
    return true;
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
    const job = await (await this.#ready()).getJob(uuid);
    // A job another process holds stays with it; that process removes it when its attempt is done.
    await job?.remove().catch(() => {});
  }

  start(handler: DeliveryHandler): void {
    if (this.#handler) throw new TypeError('The delivery queue was already started.');
    this.#handler = handler;
    this.#openWorker();
  }

  #openWorker(reopened = false): void {
    const { queueName, concurrency, lockDurationMs, retryLaterMs, logger } = this.#options;
    const worker = openWorker<JobData>(this.#backend, queueName, (job, token) => this.#process(job, token), {
      concurrency,
      lockDuration: lockDurationMs,
      stalledInterval: lockDurationMs,
      // The log says when a delivery has failed, never BullMQ.
      maxStalledCount: UNBOUNDED_STALLS,
    });
    worker.on('error', (error) => logger?.error({ err: error }, 'BullMQ worker error'));
    this.#worker = worker;
    // Standing in for one the switch paused.
    if (reopened && this.#paused) this.pause();
    if (this.#backend.kind === 'redis') return;
    // As `#ready`: a worker whose first connect failed would wait for jobs forever; a new one is
    // started after `retryLaterMs`.
    worker.waitUntilReady().catch((error: unknown) => {
      if (this.#worker !== worker || this.#closed) return;
      logger?.error({ err: error }, 'BullMQ worker could not connect to PostgreSQL; trying again');
      worker.close(true).catch(() => {});
      this.#reopen = setTimeout(() => {
        this.#reopen = null;
        if (!this.#closed) this.#openWorker(true);
      }, retryLaterMs);
    });
  }

  /**
   * Warns through the logger when the queue's Redis may evict jobs (`evictionProblem`); a server
   * that refuses INFO is noted at debug level. Workers run it at start. Does nothing on
   * PostgreSQL, which never evicts.
   */
  async checkRedis(): Promise<void> {
    if (this.#backend.kind !== 'redis') return;
    const logger = this.#options.logger;
    try {
      const client = (await redisClientOf(this.#queue)) as { info(): Promise<string> };
      const problem = evictionProblem(await client.info());
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
    const fresh = await this.#dataOf(uuid);
    if (fresh?.again !== undefined)
      running.next = { uuid, dueAt: fresh.again, ...(fresh.once ? { once: true } : {}) };
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

  /** The job's data as stored now: on Redis one field of its hash, not the whole job. */
  async #dataOf(uuid: string): Promise<(JobData & { again?: number }) | undefined> {
    const queue = await this.#ready();
    if (this.#backend.kind !== 'redis') return (await queue.getJob(uuid))?.data;
    const client = (await redisClientOf(queue)) as {
      hget(key: string, field: string): Promise<string | null>;
    };
    const text = await client.hget(queue.toKey(uuid), 'data');
    return text === null ? undefined : (JSON.parse(text) as JobData & { again?: number });
  }

  /**
   * The per-webhook bound across every worker on this queue (core's `DeliveryQueue.acquireSlot`):
   * a sorted set per webhook on Redis, a table of numbered rows per webhook on PostgreSQL.
   */
  acquireSlot(key: string, limit: number, _holdMs: number): Promise<() => Promise<void>> {
    return this.#slots.acquire(`${limit} ${key}`, async () => {
      const { queueName, lockDurationMs } = this.#options;
      // Leased like the jobs: a crashed worker's slots free themselves when its jobs are taken
      // over. Renewed for as long as this worker keeps it (the pool gives it back when idle).
      const slot = { limit, leaseMs: lockDurationMs, holdMs: Number.MAX_SAFE_INTEGER, token: randomUUID() };
      if (this.#backend.kind === 'postgres') {
        const { pool, schema } = postgresPoolOf(await this.#ready());
        return leaseSlot(postgresSlots(pool, schema, queueName, key), slot);
      }
      const client = (await redisClientOf(this.#queue)) as ScriptClient;
      const setKey = `${this.#backend.prefix ?? 'bull'}:${queueName}:hookdesk-slots:${encodeURIComponent(key)}`;
      return acquireSharedSlot(client, setKey, slot);
    });
  }

  pause(): void {
    this.#paused = true;
    // Called from inside an attempt: not waiting for the attempts in flight, this one among them.
    this.#worker
      ?.pause(true)
      .catch((error: unknown) => this.#options.logger?.error({ err: error }, 'BullMQ pause failed'));
  }

  resume(): void {
    this.#paused = false;
    this.#worker?.resume();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reopen) clearTimeout(this.#reopen);
    await this.#worker?.close();
    await this.#slots.close();
    await this.#queue.close();
  }
}

function dataOf(entry: QueuedDelivery): JobData {
  return entry.once ? { uuid: entry.uuid, once: true } : { uuid: entry.uuid };
}
