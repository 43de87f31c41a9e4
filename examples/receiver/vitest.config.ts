import { hookdeskProject } from '../../vitest.shared.ts';

// Each test starts the example as a real process (pnpm, tsx, node): allow for a loaded CI machine.
export default hookdeskProject('example-receiver', { test: { testTimeout: 60_000 } });
