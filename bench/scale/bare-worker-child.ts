// One bare BullMQ worker process, the baseline: a Worker whose processor POSTs the job's JSON body
// with undici, with the delivery's uuid in `x-hookdesk-uuid` for the receiver to count. No
// signing, no log, no store: the least a BullMQ-based sender does per delivery.
import { redisConnection } from '@hookdesk/bullmq';
import { Worker } from 'bullmq';
import { Pool } from 'undici';
import { answer, childOptions } from './child-channel.js';

export interface BareWorkerOptions {
  redisUrl: string;
  queueName: string;
  concurrency: number;
  /** The receiver's URL. */
  url: string;
}

/** What the bench enqueues for this worker: the body is built by the enqueuing side, as Hookdesk's is. */
export interface BareJob {
  uuid: string;
  body: string;
}

const options = childOptions<BareWorkerOptions>();
const target = new URL(options.url);
const pool = new Pool(target.origin);
const worker = new Worker<BareJob>(
  options.queueName,
  async (job) => {
    const { statusCode, body } = await pool.request({
      method: 'POST',
      path: target.pathname,
      headers: { 'content-type': 'application/json', 'x-hookdesk-uuid': job.data.uuid },
      body: job.data.body,
    });
    await body.dump();
    if (statusCode >= 300) throw new Error(`the receiver answered ${statusCode}`);
  },
  // BullMQ's default lock and stalled-check timing (30 s each) are the ones Hookdesk's Worker sets.
  { connection: redisConnection(options.redisUrl), concurrency: options.concurrency },
);
let succeeded = 0;
let failed = 0;
worker.on('completed', () => {
  succeeded++;
});
worker.on('failed', () => {
  failed++;
});
worker.on('error', (error) => console.error('bare worker:', error));
await worker.waitUntilReady();

answer({ settled: () => ({ succeeded, failed }) }, null, async () => {
  await worker.close();
  await pool.close();
});
