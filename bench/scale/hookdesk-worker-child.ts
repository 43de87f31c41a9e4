// One Hookdesk worker process: `startWorker` on the row's BullMQ queue and Redis store namespace,
// as a deployment runs `hookdesk-worker`. Answers `settled` with the deliveries it has settled.
import { redisConnection, startWorker } from '@hookdesk/bullmq';
import { createStorage } from '@hookdesk/storage';
import { answer, childOptions } from './child-channel.js';

export interface HookdeskWorkerOptions {
  redisUrl: string;
  namespace: string;
  queueName: string;
  concurrency: number;
  concurrencyPerWebhook: number;
}

const options = childOptions<HookdeskWorkerOptions>();
const storage = await createStorage({ store: options.redisUrl, namespace: options.namespace });
const worker = await startWorker({
  storage,
  connection: redisConnection(options.redisUrl),
  concurrency: options.concurrency,
  concurrencyPerWebhook: options.concurrencyPerWebhook,
  queue: { queueName: options.queueName },
  allowPrivateNetworks: true,
  logger: { debug() {}, info() {}, warn: console.error, error: console.error },
});
let succeeded = 0;
let failed = 0;
worker.on('delivery.succeeded', () => {
  succeeded++;
});
// Retried or failed means the row is not measuring what it says: the parent reports it.
worker.on('delivery.retrying', () => {
  failed++;
});
worker.on('delivery.failed', () => {
  failed++;
});

answer({ settled: () => ({ succeeded, failed }) }, null, async () => {
  await worker.close();
  await storage.close();
});
