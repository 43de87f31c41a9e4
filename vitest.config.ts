import { defineConfig } from 'vitest/config';

// One root config; each package (and example) is a project with its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'testing/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
      'bench/vitest.config*.ts',
      'scripts/vitest.config.ts',
    ],
  },
});
