import { createHookdesk, type Hookdesk, type HookdeskOptions } from '@hookdesk/core';
import { BullmqDeliveryQueue, type BullmqDeliveryQueueOptions } from './bullmq-delivery-queue.js';

export interface WorkerOptions extends Omit<HookdeskOptions, 'queue' | 'process' | 'concurrency'> {
  /** Where BullMQ keeps the queue (see `redisConnection`). */
  connection: BullmqDeliveryQueueOptions['connection'];
  /** Attempts in flight at once in this worker. @default 100 */
  concurrency?: number;
  /** The rest of the queue's options (`queueName`, `prefix`, `lockDurationMs`, …). */
  queue?: Omit<BullmqDeliveryQueueOptions, 'connection' | 'concurrency'>;
}

/**
 * A worker process's Hookdesk: delivers what any process records into the BullMQ queue, through
 * `storage` shared with the web processes (Redis or PostgreSQL). Resolves once it is running;
 * `hookdesk.close()` lets the attempts in flight finish and leaves the rest queued (README, "Usage").
 */
export async function startWorker(options: WorkerOptions): Promise<Hookdesk> {
  const { connection, concurrency, queue: queueOptions, ...hookdesk } = options;
  const queue = new BullmqDeliveryQueue({
    ...queueOptions,
    connection,
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
