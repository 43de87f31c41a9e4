import { randomUUID } from 'node:crypto';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose } from '@hookdesk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storageConformanceSuite } from '../src/index.js';

const describeRedis = await describeWithService('redis', describe);

describeRedis('redis', () => {
  // A unique namespace per test: the server is shared with other suites, never flushed.
  storageConformanceSuite(
    { describe, it, expect, beforeEach, afterEach },
    async () =>
      tidyOnClose(await createStorage({ store: REDIS_URL, namespace: `hookdesk-test-${randomUUID()}` })),
    { name: '@keyv/redis' },
  );
});
