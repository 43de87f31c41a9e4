import { randomUUID } from 'node:crypto';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, POSTGRES_URL, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { redisConnection } from '../src/index.js';
import { startSlowReceiver } from './fixtures/slow-receiver.js';
import {
  killWebProcesses,
  startWebProcess,
  type WebProcess,
  type WebProcessConfig,
} from './fixtures/web-process.js';
import { killWorkers, spawnWorker, type TunedWorkerConfig } from './fixtures/worker-process.js';

const describePostgres = await describeWithService('postgres', describe);
const describeBoth =
  describePostgres === describe ? await describeWithService('redis', describe) : describe.skip;
afterEach(() => {
  killWorkers();
  killWebProcesses();
});

// core's default: what README and DEPLOYMENT.md state as the bound.
const CACHE_MS = 1_000;
const TICKETS = 40;

/** Every uuid the log lists as succeeded, a page at a time. */
async function succeeded(hookdesk: WebProcess['hookdesk']): Promise<string[]> {
  const uuids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await hookdesk.listLogs({ status: 'succeeded', limit: 500, cursor });
    uuids.push(...page.items.map((item) => item.uuid));
    cursor = page.nextCursor;
  } while (cursor);
  return uuids;
}

describeBoth('two web processes and two workers on one PostgreSQL store', () => {
  it('share webhooks within cacheMs, list every worker’s deliveries, and send a resend once', async () => {
    const receiver = await startSlowReceiver(50, 100);
    const namespace = `hookdesk-bullmq-pg-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    // Processes of their own, as two hosts would be: @keyv/postgres keeps one pool per process, so
    // two stores in one process would share their connections.
    const webConfig: WebProcessConfig = { store: POSTGRES_URL, namespace, redisUrl: REDIS_URL, queueName };
    // This process's own view of the store, which it empties of the namespace's rows at the end.
    const storage = tidyOnClose(await createStorage({ store: POSTGRES_URL, namespace }));
    const config: TunedWorkerConfig = {
      store: POSTGRES_URL,
      namespace,
      redisUrl: REDIS_URL,
      queueName,
      // Few at a time and a slow receiver: neither worker can take all the jobs.
      concurrency: 3,
      lockDurationMs: 5_000,
      logAttempts: true,
    };
    try {
      const [{ hookdesk: a }, { hookdesk: b }] = await Promise.all([
        startWebProcess(webConfig),
        startWebProcess(webConfig),
      ]);
      const workers = [spawnWorker(config), spawnWorker(config)];
      await Promise.all(workers.map((worker) => worker.ready()));

      // B has read the (empty) webhook list; A creates one, and B matches it within cacheMs.
      expect(await b.ticketCreated({ id: 1, subject: 'before' })).toEqual([]);
      await a.createWebhook({ url: receiver.url, events: ['ticket.created'] });
      const createdAt = Date.now();
      let first: string[] = [];
      await until(
        async () => {
          first = await b.ticketCreated({ id: 2, subject: 'after' });
          return first.length > 0;
        },
        'web B to match the webhook web A created',
        10_000,
      );
      const seenMs = Date.now() - createdAt;
      // The bound, plus a margin for a loaded machine's PostgreSQL read.
      expect(seenMs).toBeLessThan(CACHE_MS + 500);
      expect(first).toHaveLength(1);

      // Events from both web processes, delivered by both workers.
      const uuids = [...first];
      for (let id = 3; id < 3 + TICKETS; id += 2) {
        uuids.push(...(await a.ticketCreated({ id, subject: `from A ${id}` })));
        uuids.push(...(await b.ticketCreated({ id: id + 1, subject: `from B ${id + 1}` })));
      }
      expect(uuids).toHaveLength(TICKETS + 1);
      await until(
        () => uuids.every((uuid) => receiver.arrivals.has(uuid)),
        'every delivery to arrive',
        30_000,
      );
      await until(
        async () => (await succeeded(a)).length === uuids.length,
        'every delivery succeeded in the log',
        10_000,
      );
      // Which worker sent what, from their own lines: each sent some, together all, none twice.
      await until(
        () => workers.reduce((sum, worker) => sum + worker.attempts().length, 0) >= uuids.length,
        'every attempt in the workers’ output',
        5_000,
      );
      const [byFirst, bySecond] = workers.map((worker) => worker.attempts());
      expect(byFirst!.length).toBeGreaterThan(0);
      expect(bySecond!.length).toBeGreaterThan(0);
      expect([...byFirst!, ...bySecond!].sort()).toEqual([...uuids].sort());
      // Both web processes list the same log: every worker's deliveries, together.
      const listedByA = await succeeded(a);
      const listedByB = await succeeded(b);
      expect(listedByA.sort()).toEqual([...uuids].sort());
      expect(listedByB.sort()).toEqual(listedByA);

      // A resend from either web process is sent once more, exactly once.
      const fromA = byFirst![0]!;
      const fromB = bySecond![0]!;
      expect(await a.resend({ ids: [fromA] })).toEqual([{ uuid: fromA, status: 'queued' }]);
      expect(await b.resend({ ids: [fromB] })).toEqual([{ uuid: fromB, status: 'queued' }]);
      await until(
        async () =>
          (await Promise.all([a.getLog(fromA), b.getLog(fromB)])).every(
            (entry) => entry.status === 'succeeded' && entry.attemptCount === 2,
          ),
        'both resends sent and recorded',
        15_000,
      );
      // Time for a second send, were there to be one (the queue polls and workers take over).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (const uuid of [fromA, fromB]) {
        expect(receiver.arrivals.get(uuid)!.map((arrival) => arrival.attempt)).toEqual(['1', '2']);
        expect((await a.getLog(uuid)).attempts.map((attempt) => attempt.statusCode)).toEqual([200, 200]);
      }
      // And nothing else was sent again.
      const sent = [...receiver.arrivals.values()].reduce((sum, list) => sum + list.length, 0);
      expect(sent).toBe(uuids.length + 2);
      console.log(
        `postgres-store: web B matched web A's webhook after ${seenMs} ms; the workers sent ` +
          `${byFirst!.length} and ${bySecond!.length}`,
      );
    } finally {
      killWorkers();
      killWebProcesses();
      const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
      await obliterate.obliterate({ force: true });
      await obliterate.close();
      await storage.close();
      await receiver.close();
    }
  }, 90_000);
});
