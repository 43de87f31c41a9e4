import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithService, POSTGRES_URL } from '../../test-kit/src/services.js';
import { storageConformanceSuite } from '../../test-kit/src/storage-conformance.js';
import { createStorage } from '../src/index.js';
import { tidyOnClose } from './cleanup.js';

const describePostgres = await describeWithService('postgres', describe);

describePostgres('postgres', () => {
  // A unique namespace per test in the shared `keyv` and `hookdesk_index` tables.
  storageConformanceSuite(
    { describe, it, expect, beforeEach, afterEach },
    async () =>
      tidyOnClose(await createStorage({ store: POSTGRES_URL, namespace: `hookdesk-test-${randomUUID()}` })),
    { name: '@keyv/postgres' },
  );
});
