// What the storage benchmark writes: 2 KB deliveries appended through the repositories, and the
// same writes on raw lmdb as the baseline they are measured against.
import { performance } from 'node:perf_hooks';
import type { DeliveryRecord, HookdeskStorage } from '@hookdesk/storage';
import { open } from 'lmdb';

const FILL_BATCH = 500;

/** About 2 KB of JSON, as a ticket.created body. */
const BODY_TEXT = 'Printer on fire ☃ in building 3. '.repeat(58);
const BASE = Date.parse('2026-01-01T00:00:00.000Z');

function delivery(i: number, prefix: string): DeliveryRecord {
  const createdAt = new Date(BASE + i * 1_000).toISOString();
  const uuid = `${prefix}-${String(i).padStart(7, '0')}`;
  return {
    uuid,
    event: i % 2 === 0 ? 'ticket.created' : 'ticket.updated',
    webhookId: `wh-${i % 10}`,
    ruleId: null,
    url: 'https://example.com/hooks',
    // 1 % failed, spread evenly.
    status: i % 100 === 37 ? 'failed' : 'succeeded',
    body: JSON.stringify({
      uuid,
      event: 'ticket.created',
      created_at: createdAt,
      ticket: { id: i, text: BODY_TEXT },
    }),
    headers: { 'content-type': 'application/json', 'x-hookdesk-attempt': '1' },
    signature: 'sha1=f9d66d970356a639ad1d1446469283f0ab30e023',
    createdAt,
    lastAttemptAt: createdAt,
    nextAttemptAt: null,
    lastStatusCode: 200,
    attemptCount: 1,
    attempts: [],
  };
}

/** Entries/s appending `count` deliveries, `perCall` per `create`, `concurrency` calls in flight. */
export async function append(
  storage: HookdeskStorage,
  count: number,
  concurrency: number,
  perCall: number,
  prefix: string,
) {
  const records = Array.from({ length: count }, (_, i) => delivery(i, prefix));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < records.length) {
        const batch = records.slice(next, next + perCall);
        next += perCall;
        await storage.log.create(batch);
      }
    }),
  );
  return count / ((performance.now() - started) / 1_000);
}

export async function fill(storage: HookdeskStorage, from: number, to: number, prefix: string) {
  for (let start = from; start < to; start += FILL_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(to, start + FILL_BATCH); i++) batch.push(delivery(i, prefix));
    await storage.log.create(batch);
  }
}

/**
 * Baseline: raw lmdb doing the same writes per entry as the embedded store (one ~2.6 KB value and
 * five index keys, the sets of a webhook delivery) with the same number in flight: the ceiling
 * that fsync and this machine's CPUs set, without Keyv, validation or JSON.
 */
export async function rawLmdbAppend(path: string, count: number, concurrency: number) {
  const root = open({ path, maxDbs: 8 });
  const values = root.openDB<string, string>({ name: 'keyv' });
  const index = root.openDB<Buffer, string>({ name: 'hookdesk-index', encoding: 'binary' });
  const empty = Buffer.alloc(0);
  const value = JSON.stringify({ value: delivery(0, 'r') });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const member = `${String(BASE + next).padStart(13, '0')}:r-${next}`;
        next += 1;
        await Promise.all([
          values.put(`hookdesk:delivery:${member}`, value),
          ...['log', 'log:event:x', 'log:status:y', 'log:webhook:z', 'log:webhook:z:status:y'].map((set) =>
            index.put(`hookdesk:${set} ${member}`, empty),
          ),
        ]);
      }
    }),
  );
  const perSecond = count / ((performance.now() - started) / 1_000);
  await root.close();
  return perSecond;
}
