import { hookdeskProject } from '../../vitest.shared.ts';

// End-to-end: starts the example as a process, on the built packages, as a user would.
export default hookdeskProject('example-koa-helpdesk', {
  test: { testTimeout: 120_000, hookTimeout: 60_000 },
});
