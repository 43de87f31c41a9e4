import { randomUUID } from 'node:crypto';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, POSTGRES_URL, tidyOnClose } from '@hookdesk/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smartRuleStorageSuite } from './conformance/smart-rule-storage-conformance.js';

const describePostgres = await describeWithService('postgres', describe);

describePostgres('postgres', () => {
  // A unique namespace per test in the shared `keyv` and `hookdesk_index` tables.
  smartRuleStorageSuite(
    { describe, it, expect, beforeEach, afterEach },
    async () =>
      tidyOnClose(await createStorage({ store: POSTGRES_URL, namespace: `hookdesk-test-${randomUUID()}` })),
    { name: '@keyv/postgres' },
  );
});
