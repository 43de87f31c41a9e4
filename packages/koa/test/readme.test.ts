import { mountExampleSuite } from '@hookdesk/example-suites';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHelpdeskApp } from '../examples/mount.js';

mountExampleSuite(
  { describe, it, expect, beforeEach, afterEach },
  {
    packageUrl: new URL('..', import.meta.url),
    async createApp(options) {
      const { app, hookdesk, storage } = await createHelpdeskApp(options);
      return {
        listener: app.callback(),
        async close() {
          await hookdesk.close();
          await storage.close();
        },
      };
    },
  },
);
