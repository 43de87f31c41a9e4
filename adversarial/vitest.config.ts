import { hookdeskProject } from '../vitest.shared.ts';

// Not one of the root config's projects: `pnpm test:adversarial` runs it on its own (CI runs both).
// Attacks start real processes and wait out real deadlines, one file at a time so their figures
// (RSS growth, connection counts) are not disturbed by each other.
export default hookdeskProject('adversarial', {
  test: {
    include: ['attacks/**/*.attack.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
