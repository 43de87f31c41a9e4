import { createHookdesk, type Hookdesk, type HookdeskOptions } from '@hookdesk/core';
import { BullmqDeliveryQueue, type BullmqDeliveryQueueOptions } from './bullmq-delivery-queue.js';

export interface WorkerOptions extends Omit<HookdeskOptions, 'queue' | 'process' | 'concurrency'> {
  /** The queue on Redis (see `redisConnection`). Give this or `postgres`. */
  connection?: BullmqDeliveryQueueOptions['connection'];
  /**
   * The queue on PostgreSQL: a `postgres://` URL or pool options (`BullmqDeliveryQueueOptions`'
   * `postgres`). Give this or `connection`.
   */
  postgres?: BullmqDeliveryQueueOptions['postgres'];
  /** Attempts in flight at once in this worker. @default 100 */
  concurrency?: number;
  /** The rest of the queue's options (`queueName`, `prefix`, `lockDurationMs`, …). */
  queue?: Omit<BullmqDeliveryQueueOptions, 'connection' | 'postgres' | 'concurrency'>;
}

/**
 * A worker process's Hookdesk: delivers what any process records into the BullMQ queue (on Redis
 * or PostgreSQL), through `storage` shared with the web processes (Redis or PostgreSQL). Resolves
 * once it is running; `hookdesk.close()` lets the attempts in flight finish and leaves the rest
 * queued (README, "Usage").
 */
export async function startWorker(options: WorkerOptions): Promise<Hookdesk> {
  const { connection, postgres, concurrency, queue: queueOptions, ...hookdesk } = options;
  const queue = new BullmqDeliveryQueue({
    ...queueOptions,
    ...(connection === undefined ? {} : { connection }),
    ...(postgres === undefined ? {} : { postgres }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(hookdesk.logger && !queueOptions?.logger ? { logger: hookdesk.logger } : {}),
  });
  await queue.checkRedis();
  const engine = createHookdesk({ ...hookdesk, queue, process: true });
  try {
    await engine.ready();
  } catch (error) {
    await engine.close().catch(() => {});
    throw error;
  }
  return engine;
}
