import { defineProject, mergeConfig, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Settings every project shares. Workspace packages resolve to their TypeScript source
 * (the `source` export condition), so tests never run against a stale build.
 */
export function hookdeskProject(name: string, overrides: UserWorkspaceConfig = {}) {
  return mergeConfig(
    defineProject({
      resolve: { conditions: ['source'] },
      ssr: { resolve: { conditions: ['source'] } },
      test: {
        name,
        include: ['test/**/*.test.ts'],
        testTimeout: 20_000,
        hookTimeout: 20_000,
      },
    }),
    overrides,
  );
}
