import { hookdeskProject } from '../vitest.shared.ts';

// The README's demo, run as a user runs it (on the built packages).
export default hookdeskProject('quick-start', { test: { testTimeout: 120_000 } });
