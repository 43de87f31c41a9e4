import { dispatchConformanceSuite } from '@hookdesk/dispatch-conformance';
import { createStorage } from '@hookdesk/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHookdesk } from '../src/index.js';

// The engine with its default queue, the in-process one on the storage queue: one process
// records and delivers.
dispatchConformanceSuite(
  { describe, it, expect, beforeEach, afterEach },
  async (options) => {
    const storage = await createStorage({ store: 'memory' });
    const hookdesk = createHookdesk({ ...options, storage });
    await hookdesk.ready();
    return {
      recorder: hookdesk,
      deliverer: hookdesk,
      async close() {
        await hookdesk.close();
        await storage.close();
      },
    };
  },
  { name: 'the in-process queue' },
);
