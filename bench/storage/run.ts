// Storage benchmark (issue 2): appends to the embedded store, and listing the newest 50 `failed`
// entries from 10,000 and 100,000 stored (1 % failed) on the embedded store, Redis and PostgreSQL.
// `pnpm --filter @hookdesk/bench bench:storage` (after `pnpm build`); BENCH_STRICT=1 exits 1 when a
// target is missed. Writes only under bench/results/ (the embedded database too, removed after).
// Local services only: Redis at 127.0.0.1:6379, PostgreSQL at 127.0.0.1:5432/test, each skipped
// with a note when not answering; their data lives in a namespace of its own, deleted after.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  createStorage,
  type DeliveryRecord,
  type HookdeskStorage,
  openEmbeddedStore,
} from '@hookdesk/storage';
import { POSTGRES_URL, postgresAvailable, REDIS_URL, redisAvailable } from '@hookdesk/test-support';
import { open } from 'lmdb';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

const APPEND_ENTRIES = 20_000;
const SEQUENTIAL_ENTRIES = 1_000;
/** Deliveries in flight (ticket events being handled at once); the target is judged at the first. */
const APPEND_CONCURRENCY = [256, 64] as const;
/** Deliveries per `create` call in the fan-out row: one event to 10 webhooks. */
const FAN_OUT = 10;
const SMALL = 10_000;
const LARGE = 100_000;
const FILL_BATCH = 500;
const LIST_RUNS = 200;
const PAGE = 50;

const TARGETS = {
  appendPerSecond: 10_000,
  listP50Ms: { embedded: 10, redis: 30 } as Record<string, number | undefined>,
  growth: 1.5,
};

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
async function append(
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

async function fill(storage: HookdeskStorage, from: number, to: number, prefix: string) {
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
async function rawLmdbAppend(path: string, count: number, concurrency: number) {
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeListing(storage: HookdeskStorage) {
  const times: number[] = [];
  for (let run = 0; run < LIST_RUNS + 20; run++) {
    const started = performance.now();
    const page = await storage.log.list({ status: 'failed', limit: PAGE });
    const elapsed = performance.now() - started;
    if (page.items.length !== PAGE || page.items.some((item) => item.status !== 'failed')) {
      throw new Error(`listing returned ${page.items.length} entries, not ${PAGE} failed ones`);
    }
    if (run >= 20) times.push(elapsed); // the first runs warm caches and the JIT
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Deletes what a namespace wrote on a shared server (never a flush). */
async function tidy(storage: HookdeskStorage) {
  const store = storage.keyv.store as {
    query?: (sql: string, values: unknown[]) => Promise<unknown>;
    getClient?: () => Promise<{ sendCommand(args: string[]): Promise<unknown> }>;
  };
  const namespace = storage.keyv.namespace!;
  if (store.getClient) {
    const client = await store.getClient();
    let cursor = '0';
    do {
      const [next, keys] = (await client.sendCommand([
        'SCAN',
        cursor,
        'MATCH',
        `${namespace}::*`,
        'COUNT',
        '1000',
      ])) as [string, string[]];
      if (keys.length > 0) await client.sendCommand(['UNLINK', ...keys]);
      cursor = next;
    } while (cursor !== '0');
  }
  if (store.query) {
    await store.query('DELETE FROM public.keyv WHERE key LIKE $1', [`${namespace}:%`]);
    await store.query('DELETE FROM public.hookdesk_index WHERE set_name LIKE $1', [`${namespace}:%`]);
  }
}

interface ListingResult {
  backend: string;
  small: { p50: number; p95: number };
  large: { p50: number; p95: number };
  fillSeconds: number;
}

async function listingBench(backend: string, open: () => Promise<HookdeskStorage>): Promise<ListingResult> {
  const storage = await open();
  try {
    const started = performance.now();
    await fill(storage, 0, SMALL, 'l');
    const small = await timeListing(storage);
    await fill(storage, SMALL, LARGE, 'l');
    const fillSeconds = (performance.now() - started) / 1_000;
    const large = await timeListing(storage);
    return { backend, small, large, fillSeconds };
  } finally {
    await tidy(storage);
    await storage.close();
  }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
  mkdirSync(RESULTS, { recursive: true });
  const dbRoot = join(RESULTS, `storage-db-${process.pid}`);
  const failures: string[] = [];
  const notes: string[] = [];

  try {
    // 1. Appends to the embedded store.
    const appends: { label: string; perSecond: number; target: boolean }[] = [];
    appends.push({
      label: `baseline: raw lmdb, same writes, ${APPEND_CONCURRENCY[0]} in flight`,
      perSecond: await rawLmdbAppend(join(dbRoot, 'raw'), APPEND_ENTRIES, APPEND_CONCURRENCY[0]),
      target: false,
    });
    const appendStorage = await createStorage({ path: join(dbRoot, 'append') });
    for (const [at, concurrency] of APPEND_CONCURRENCY.entries()) {
      appends.push({
        label: `append 2 KB entries, ${concurrency} in flight`,
        perSecond: await append(appendStorage, APPEND_ENTRIES, concurrency, 1, `c${concurrency}`),
        target: at === 0,
      });
    }
    appends.push({
      label: `append 2 KB entries, ${FAN_OUT} per create, 64 in flight`,
      perSecond: await append(appendStorage, APPEND_ENTRIES, 64, FAN_OUT, 'f'),
      target: false,
    });
    appends.push({
      label: 'append 2 KB entries, one at a time (flush-bound)',
      perSecond: await append(appendStorage, SEQUENTIAL_ENTRIES, 1, 1, 's'),
      target: false,
    });
    await appendStorage.close();
    const unsynced = await createStorage({
      store: openEmbeddedStore(join(dbRoot, 'append-nosync'), { sync: false }),
    });
    appends.push({
      label: 'append 2 KB entries, 64 in flight, { sync: false }',
      perSecond: await append(unsynced, APPEND_ENTRIES, 64, 1, 'n'),
      target: false,
    });
    await unsynced.close();

    // 2. Listing, on every backend that answers.
    const listings: ListingResult[] = [];
    listings.push(await listingBench('embedded', () => createStorage({ path: join(dbRoot, 'list') })));
    const namespace = `hookdesk-bench-${randomUUID()}`;
    if (await redisAvailable()) {
      listings.push(await listingBench('redis', () => createStorage({ store: REDIS_URL, namespace })));
    } else notes.push(`redis skipped: nothing answers at ${REDIS_URL}`);
    if (await postgresAvailable()) {
      listings.push(await listingBench('postgres', () => createStorage({ store: POSTGRES_URL, namespace })));
    } else notes.push(`postgres skipped: nothing answers at ${POSTGRES_URL}`);

    const rows: string[][] = [['measure', 'backend', 'result', 'target', 'ok']];
    const check = (measure: string, backend: string, result: string, target: string, ok: boolean | null) => {
      rows.push([measure, backend, result, target, ok === null ? '-' : ok ? 'yes' : 'NO']);
      if (ok === false) failures.push(`${measure} on ${backend}: ${result} (target ${target})`);
    };
    for (const { label, perSecond, target } of appends) {
      check(
        label,
        'embedded',
        `${Math.round(perSecond)} entries/s`,
        target ? `>= ${TARGETS.appendPerSecond}` : '-',
        target ? perSecond >= TARGETS.appendPerSecond : null,
      );
    }
    for (const result of listings) {
      const target = TARGETS.listP50Ms[result.backend];
      check(
        `newest ${PAGE} failed of ${SMALL.toLocaleString('en')}, p50 (p95)`,
        result.backend,
        `${fmt(result.small.p50)} ms (${fmt(result.small.p95)})`,
        '-',
        null,
      );
      check(
        `newest ${PAGE} failed of ${LARGE.toLocaleString('en')}, p50 (p95)`,
        result.backend,
        `${fmt(result.large.p50)} ms (${fmt(result.large.p95)})`,
        target === undefined ? '-' : `<= ${target} ms`,
        target === undefined ? null : result.large.p50 <= target,
      );
      const growth = result.large.p50 / result.small.p50;
      check(
        `growth ${SMALL.toLocaleString('en')} -> ${LARGE.toLocaleString('en')} (p50 ratio)`,
        result.backend,
        `${fmt(growth)}x`,
        `< ${TARGETS.growth}x`,
        growth < TARGETS.growth,
      );
      notes.push(
        `${result.backend}: filled ${LARGE.toLocaleString('en')} entries in ${fmt(result.fillSeconds, 1)} s`,
      );
    }

    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    const load = loadavg()
      .map((n) => n.toFixed(1))
      .join(' ');
    console.log(`\nHookdesk storage benchmark (Node ${process.version}, load average ${load})\n`);
    for (const [at, row] of rows.entries()) {
      console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
      if (at === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
    }
    for (const note of notes) console.log(`note: ${note}`);
    writeFileSync(
      join(RESULTS, 'storage.json'),
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, load: loadavg(), appends, listings, failures }, null, 2)}\n`,
    );
    if (failures.length > 0) {
      console.log(`\nMissed targets:\n- ${failures.join('\n- ')}`);
      if (process.env.BENCH_STRICT === '1') process.exitCode = 1;
    }
  } finally {
    rmSync(dbRoot, { recursive: true, force: true });
  }
}

await main();
