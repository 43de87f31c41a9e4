import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithService, REDIS_URL } from '../../test-kit/src/services.js';
import { storageConformanceSuite } from '../../test-kit/src/storage-conformance.js';
import { createStorage } from '../src/index.js';
import { tidyOnClose } from './cleanup.js';

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
