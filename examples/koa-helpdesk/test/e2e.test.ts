import { fileURLToPath } from 'node:url';
import { exampleHelpdeskSuites } from '@hookdesk/example-suites';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// Starts the example as a user does (`pnpm --dir examples/koa-helpdesk start`), on the built
// packages: `pnpm build` must have run (the README's test command and CI build first).
await exampleHelpdeskSuites(
  { describe, it, expect, beforeEach, afterEach, beforeAll, afterAll },
  { name: 'koa-helpdesk', dir: fileURLToPath(new URL('..', import.meta.url)), redisDb: 8 },
);
