export {
  BullmqDeliveryQueue,
  type BullmqDeliveryQueueOptions,
  DEFAULT_QUEUE_NAME,
} from './bullmq-delivery-queue.js';
export { redisConnection } from './redis-connection.js';
export { startWorker, type WorkerOptions } from './start-worker.js';
