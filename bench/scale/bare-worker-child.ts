// One bare BullMQ worker process, the baseline: a Worker whose processor POSTs the job's JSON body
// with undici, with the delivery's uuid in `x-hookdesk-uuid` for the receiver to count. No
// signing, no log, no store: the least a BullMQ-based sender does per delivery. With `signed`, it
// also sends docs/wire.md's headers and both signatures, made per attempt: the least a sender of
// this wire contract does (the yardstick that bench:dispatch's signed-request row is in process).
import { randomBytes } from 'node:crypto';
import { redisConnection } from '@hookdesk/bullmq';
import { signedHeaders } from '@hookdesk/wire';
import { Worker } from 'bullmq';
import { Pool } from 'undici';
import { answer, childOptions } from './child-channel.js';

export interface BareWorkerOptions {
  redisUrl: string;
  queueName: string;
  concurrency: number;
  /** The receiver's URL. */
  url: string;
  /** Sign each attempt as docs/wire.md says. */
  signed?: boolean;
}

/** What the bench enqueues for this worker: the body is built by the enqueuing side, as Hookdesk's is. */
export interface BareJob {
  uuid: string;
  body: string;
}

const options = childOptions<BareWorkerOptions>();
const target = new URL(options.url);
const pool = new Pool(target.origin);
const keys = [`whsec_${randomBytes(32).toString('base64')}`];
const headersOf = (job: BareJob, body: Buffer) =>
  options.signed
    ? signedHeaders({
        event: 'ticket.created',
        uuid: job.uuid,
        attempt: 1,
        timestamp: Math.floor(Date.now() / 1000),
        body,
        keys,
        userAgent: 'hookdesk-bench-bare-signed',
      })
    : { 'content-type': 'application/json', 'x-hookdesk-uuid': job.uuid };
const worker = new Worker<BareJob>(
  options.queueName,
  async (job) => {
    const payload = Buffer.from(job.data.body);
    const { statusCode, body } = await pool.request({
      method: 'POST',
      path: target.pathname,
      headers: headersOf(job.data, payload),
      body: payload,
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
