// The floor under the dispatch target (issue 3): the least work a signed, logged delivery on the
// embedded store can be, written by hand, measured against the same receiver in the same run.
// Per delivery, and nothing else: the body built from the ticket; the log record and a queue entry
// committed to lmdb (on disk, as the engine's default store commits) before the request; the
// request with docs/wire.md's headers from @hookdesk/wire's own signer; the record written again with
// the attempt, and the queue entry removed, committed too. No validation, no indexes for listing,
// no events, no retries, no Keyv: if this cannot reach a ratio, the engine cannot either.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { signedHeaders } from '@hookdesk/wire';
import { open } from 'lmdb';
import { Pool } from 'undici';
import { HOOKDESK_EVENTS, IN_FLIGHT, measureRate, type Rate, type Receiver, TICKET } from './loopback.js';

export interface FloorOptions {
  /** Directory for the database, removed after. */
  dir: string;
  /** lmdb flushes each commit to disk (the embedded store's default). */
  sync: boolean;
}

export async function floor(receiver: Receiver, options: FloorOptions): Promise<Rate> {
  mkdirSync(options.dir, { recursive: true });
  const root = open({ path: options.dir, maxDbs: 2, noSync: !options.sync });
  const db = root.openDB<string, string>({ name: 'floor' });
  const pool = new Pool(receiver.origin);
  const path = new URL(receiver.url).pathname;
  const key = `whsec_${randomBytes(32).toString('base64')}`;
  const delivery = async (id: number) => {
    const uuid = randomUUID();
    const createdAt = new Date().toISOString();
    const ticket = JSON.stringify({ ...TICKET, id });
    const text = `{"uuid":"${uuid}","event":"ticket.created","created_at":"${createdAt}","ticket":${ticket}}`;
    const record = {
      uuid,
      event: 'ticket.created',
      webhookId: 'w',
      url: receiver.url,
      status: 'pending',
      body: text,
      createdAt,
      attempts: [] as unknown[],
    };
    const queued = `${createdAt}:${uuid}`;
    await Promise.all([db.put(`d:${uuid}`, JSON.stringify(record)), db.put(`q:${queued}`, uuid)]);
    const body = Buffer.from(text);
    const started = Date.now();
    const headers = signedHeaders({
      event: 'ticket.created',
      uuid,
      attempt: 1,
      timestamp: Math.floor(started / 1000),
      body,
      keys: [key],
      userAgent: 'hookdesk-floor',
    });
    const response = await pool.request({ method: 'POST', path, headers, body });
    await response.body.dump();
    record.status = response.statusCode < 300 ? 'succeeded' : 'failed';
    record.attempts.push({
      number: 1,
      at: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      statusCode: response.statusCode,
    });
    await Promise.all([db.put(`d:${uuid}`, JSON.stringify(record)), db.remove(`q:${queued}`)]);
  };
  const run = async (count: number) => {
    let started = 0;
    const worker = async () => {
      while (started < count) {
        started++;
        await delivery(started);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  };
  try {
    return await measureRate(HOOKDESK_EVENTS, run);
  } finally {
    await pool.close();
    await root.close();
    rmSync(options.dir, { recursive: true, force: true });
  }
}
