import { fileURLToPath } from 'node:url';
import { describeWithService, exampleHelpdeskE2E, REDIS_URL } from '@hookdesk/test-kit';
import { createClient } from 'redis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

// Starts the example as a user does (`pnpm --dir examples/express-helpdesk start`), on the built
// packages: `pnpm build` must have run (the README's test command and CI build first).
const dir = fileURLToPath(new URL('..', import.meta.url));

exampleHelpdeskE2E(
  { describe, it, expect, beforeEach: () => {}, afterEach },
  { name: 'express-helpdesk, embedded store', dir },
);

// A Redis database of its own, emptied first, so runs never see each other's tickets.
const redisUrl = `${REDIS_URL}/7`;
const describeRedis = await describeWithService('redis', describe);
describeRedis('on Redis', () => {
  beforeAll(async () => {
    const client = await createClient({ url: redisUrl }).connect();
    await client.flushDb();
    await client.quit();
  });
  exampleHelpdeskE2E(
    { describe, it, expect, beforeEach: () => {}, afterEach },
    { name: 'express-helpdesk, HOOKDESK_STORE=redis', dir, env: { HOOKDESK_STORE: redisUrl } },
  );
});
