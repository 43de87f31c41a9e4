import type { ConformanceTestApi } from '@hookdesk/test-support';
import { describeWithService, POSTGRES_URL, REDIS_URL } from '@hookdesk/test-support';
import pg from 'pg';
import { createClient } from 'redis';
import { exampleHelpdeskE2E } from './example-helpdesk-e2e.js';

export interface ExampleHelpdeskSuitesOptions {
  name: string;
  dir: string;
  /** A Redis database number of the example's own, emptied first, so runs never see each other's data. */
  redisDb: number;
  /**
   * Also runs the scale-out setup on PostgreSQL alone (store and BullMQ queue), in a database of
   * its own made for the run and dropped after it.
   */
  postgresOnly?: boolean;
}

type Describe = ConformanceTestApi['describe'];

/** The runner's API, with `describe.skip` (for a missing service) and `beforeAll`. */
export type SuiteApiWithSkip = ConformanceTestApi & {
  describe: Describe & { skip: Describe };
  beforeAll: (fn: () => Promise<void>) => void;
  afterAll: (fn: () => Promise<void>) => void;
};

/**
 * The end-to-end suite on the embedded store, on Redis (`HOOKDESK_STORE`), and on Redis with the
 * BullMQ queue and a `hookdesk-worker` beside the helpdesk. Top-level await it.
 */
export async function exampleHelpdeskSuites(
  api: SuiteApiWithSkip,
  options: ExampleHelpdeskSuitesOptions,
): Promise<void> {
  exampleHelpdeskE2E(api, { name: `${options.name}, embedded store`, dir: options.dir });
  const redisUrl = `${REDIS_URL}/${options.redisDb}`;
  const describeRedis: Describe = await describeWithService('redis', api.describe);
  const flush = async () => {
    const client = await createClient({ url: redisUrl }).connect();
    await client.flushDb();
    await client.quit();
  };
  describeRedis('on Redis', () => {
    api.beforeAll(flush);
    exampleHelpdeskE2E(api, {
      name: `${options.name}, HOOKDESK_STORE=redis`,
      dir: options.dir,
      env: { HOOKDESK_STORE: redisUrl },
    });
  });
  // docs/examples.md's scale-out setup: the helpdesk records and enqueues, a worker delivers.
  describeRedis('on Redis with BullMQ', () => {
    api.beforeAll(flush);
    exampleHelpdeskE2E(api, {
      name: `${options.name}, HOOKDESK_QUEUE=bullmq with a hookdesk-worker`,
      dir: options.dir,
      env: { HOOKDESK_STORE: redisUrl, HOOKDESK_QUEUE: 'bullmq', HOOKDESK_REDIS_URL: redisUrl },
      worker: true,
    });
  });
  if (!options.postgresOnly) return;
  const describePostgres: Describe = await describeWithService('postgres', api.describe);
  const database = `hookdesk_example_${options.redisDb}_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const storeUrl = Object.assign(new URL(POSTGRES_URL), { pathname: `/${database}` }).href;
  // A helpdesk with only PostgreSQL: the store and the queue (BullMQ's PostgreSQL backend) in it.
  describePostgres('on PostgreSQL only, with BullMQ', () => {
    api.beforeAll(async () => {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${database}`);
    });
    api.afterAll(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    exampleHelpdeskE2E(api, {
      name: `${options.name}, HOOKDESK_STORE=postgres and HOOKDESK_QUEUE=bullmq with a hookdesk-worker`,
      dir: options.dir,
      env: { HOOKDESK_STORE: storeUrl, HOOKDESK_QUEUE: 'bullmq' },
      worker: true,
    });
  });
}
