import { type PgPool, quoteSchemaName } from 'bullmq';
import type { SlotStore } from './slot-lease.js';

/** The table of held slots, created beside BullMQ's own in the queue's schema. */
export const SLOT_TABLE = 'hookdesk_slot';

// A key's holds are rows numbered 0 … limit-1 under the primary key, so however many workers take
// at once, no more than `limit` can hold one: a taker that loses a race to the same number is told
// no by ON CONFLICT and looks again. A lapsed row (a crashed holder's) is taken over in place.
// Times are the server's `now()`, so the workers' clocks do not matter. The count also covers
// holds numbered past a lowered limit.
const take = (table: string) => `
INSERT INTO ${table} AS held (queue, key, slot, token, lapses_at)
SELECT $1, $2, free.slot, $3, now() + $5::integer * interval '1 millisecond'
  FROM generate_series(0, $4::integer - 1) AS free(slot)
 WHERE (SELECT count(*) FROM ${table} WHERE queue = $1 AND key = $2 AND lapses_at > now()) < $4::integer
   AND NOT EXISTS (
     SELECT 1 FROM ${table} AS h
      WHERE h.queue = $1 AND h.key = $2 AND h.slot = free.slot AND h.lapses_at > now())
 ORDER BY random()
 LIMIT 1
ON CONFLICT (queue, key, slot) DO UPDATE SET token = EXCLUDED.token, lapses_at = EXCLUDED.lapses_at
 WHERE held.lapses_at <= now()
RETURNING slot`;
const renew = (table: string) =>
  `UPDATE ${table} SET lapses_at = now() + $4::integer * interval '1 millisecond'
    WHERE queue = $1 AND key = $2 AND token = $3`;
// Lapsed rows of the key go too: a webhook whose holders all crashed leaves nothing behind.
const release = (table: string) =>
  `DELETE FROM ${table} WHERE queue = $1 AND key = $2 AND (token = $3 OR lapses_at <= now())`;

// BullMQ pins each pool it builds to one schema.
const created = new WeakMap<PgPool, Promise<void>>();

/** Creates the slot table in `schema` once per pool; concurrent workers are serialized by a lock. */
function ensureTable(pool: PgPool, schema: string): Promise<void> {
  let done = created.get(pool);
  if (!done) {
    done = createTable(pool, schema);
    // A failure (the database away) is tried again by the next caller.
    done.catch(() => created.delete(pool));
    created.set(pool, done);
  }
  return done;
}

async function createTable(pool: PgPool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two CREATE TABLE IF NOT EXISTS racing can still collide on the catalog.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hookdesk:${schema}.${SLOT_TABLE}`]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoteSchemaName(schema)}.${SLOT_TABLE} (
         queue text NOT NULL,
         key text NOT NULL,
         slot integer NOT NULL,
         token text NOT NULL,
         lapses_at timestamptz NOT NULL,
         PRIMARY KEY (queue, key, slot)
       )`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The PostgreSQL side of `leaseSlot`: `key`'s rows of `queue` in the slot table of `schema`. */
export function postgresSlots(pool: PgPool, schema: string, queue: string, key: string): SlotStore {
  const table = `${quoteSchemaName(schema)}.${SLOT_TABLE}`;
  return {
    async take(token, limit, leaseMs) {
      await ensureTable(pool, schema);
      const { rows } = await pool.query(take(table), [queue, key, token, limit, leaseMs]);
      return rows.length === 1;
    },
    async renew(token, leaseMs) {
      await pool.query(renew(table), [queue, key, token, leaseMs]);
    },
    async release(token) {
      await pool.query(release(table), [queue, key, token]);
    },
  };
}
