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
import { createStorage, type HookdeskStorage, openEmbeddedStore } from '@hookdesk/storage';
import {
  POSTGRES_URL,
  postgresAvailable,
  REDIS_URL,
  redisAvailable,
  tidyOnClose,
} from '@hookdesk/test-support';
import { append, fill, rawLmdbAppend } from './workloads.js';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

const APPEND_ENTRIES = 20_000;
const SEQUENTIAL_ENTRIES = 1_000;
/** Deliveries in flight (ticket events being handled at once); the target is judged at the first. */
const APPEND_CONCURRENCY = [256, 64] as const;
/** Deliveries per `create` call in the fan-out row: one event to 10 webhooks. */
const FAN_OUT = 10;
const SMALL = 10_000;
const LARGE = 100_000;
const LIST_RUNS = 200;
const PAGE = 50;

const TARGETS = {
  appendPerSecond: 10_000,
  listP50Ms: { embedded: 10, redis: 30 } as Record<string, number | undefined>,
  growth: 1.5,
};

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
      listings.push(
        await listingBench('redis', () => createStorage({ store: REDIS_URL, namespace }).then(tidyOnClose)),
      );
    } else notes.push(`redis skipped: nothing answers at ${REDIS_URL}`);
    if (await postgresAvailable()) {
      listings.push(
        await listingBench('postgres', () =>
          createStorage({ store: POSTGRES_URL, namespace }).then(tidyOnClose),
        ),
      );
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
