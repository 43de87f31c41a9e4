#!/usr/bin/env node
// `hookdesk-worker`: a worker process on the environment of README's "hookdesk-worker". Logs what
// it connected to; SIGTERM or SIGINT lets the attempts in flight finish, leaves the rest queued.
import type { Logger } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { DEFAULT_QUEUE_NAME } from '../bullmq-delivery-queue.js';
import { startWorker } from '../start-worker.js';
import { queueAddress, readWorkerConfig, workerQueue } from '../worker-config.js';

const line =
  (write: (text: string) => void) => (object: Record<string, unknown> | string, message?: string) => {
    if (typeof object === 'string') write(`hookdesk-worker: ${object}`);
    else write(`hookdesk-worker: ${message ?? ''} ${JSON.stringify(object, errorsAsText)}`);
  };
const errorsAsText = (_key: string, value: unknown) => (value instanceof Error ? value.message : value);
const logger: Logger = {
  debug() {},
  info: line((text) => console.log(text)),
  warn: line((text) => console.error(text)),
  error: line((text) => console.error(text)),
};

async function main(): Promise<void> {
  const config = readWorkerConfig(process.env);
  const storage = await createStorage({
    store: config.storeUrl,
    ...(config.namespace ? { namespace: config.namespace } : {}),
  });
  const worker = await startWorker({
    storage,
    ...workerQueue(config),
    concurrency: config.concurrency,
    ...(config.queueName ? { queue: { queueName: config.queueName } } : {}),
    allowPrivateNetworks: config.allowPrivateNetworks,
    ...(config.retrySchedule ? { retrySchedule: config.retrySchedule } : {}),
    logger,
  });
  logger.info(
    `delivering from BullMQ queue "${config.queueName ?? DEFAULT_QUEUE_NAME}" on ${queueAddress(config)}, ` +
      `store ${storage.backend}, ${config.concurrency} attempts at a time`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: letting the attempts in flight finish; the rest stay queued`);
    await worker.close();
    await storage.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`hookdesk-worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
