import type { ConformanceTestApi } from '@hookdesk/test-support';
import { describeWithService, REDIS_URL } from '@hookdesk/test-support';
import { createClient } from 'redis';
import { exampleHelpdeskE2E } from './example-helpdesk-e2e.js';

export interface ExampleHelpdeskSuitesOptions {
  name: string;
  dir: string;
  /** A Redis database number of the example's own, emptied first, so runs never see each other's data. */
  redisDb: number;
}

type Describe = ConformanceTestApi['describe'];

/** The runner's API, with `describe.skip` (for a missing service) and `beforeAll`. */
export type SuiteApiWithSkip = ConformanceTestApi & {
  describe: Describe & { skip: Describe };
  beforeAll: (fn: () => Promise<void>) => void;
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
}
