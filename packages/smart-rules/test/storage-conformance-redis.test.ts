import { randomUUID } from 'node:crypto';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose } from '@hookdesk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smartRuleStorageSuite } from './conformance/smart-rule-storage-conformance.js';

const describeRedis = await describeWithService('redis', describe);

describeRedis('redis', () => {
  // A unique namespace per test: the server is shared with other suites, never flushed.
  smartRuleStorageSuite(
    { describe, it, expect, beforeEach, afterEach },
    async () =>
      tidyOnClose(await createStorage({ store: REDIS_URL, namespace: `hookdesk-test-${randomUUID()}` })),
    { name: '@keyv/redis' },
  );
});
