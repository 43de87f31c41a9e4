import { fileURLToPath } from 'node:url';
import { hookdeskProject } from '../vitest.shared.ts';

// Not one of the root config's projects: `pnpm test:adversarial` runs it on its own (CI runs both).
// Attacks start real processes and wait out real deadlines, one file at a time so their figures
// (RSS growth, connection counts) are not disturbed by each other.
export default hookdeskProject('adversarial', {
  // Run with --config from the repository root: `include` is resolved against this folder.
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['attacks/**/*.attack.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
