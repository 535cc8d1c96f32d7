import { defineConfig } from 'vitest/config';

// Workspace packages are read from their TypeScript sources (the `reelay-source` export condition), not their
// builds; the rest are Vite's default conditions, which a list given here replaces.
const SOURCE = 'reelay-source';
const MODE = 'development|production';

export default defineConfig({
  resolve: { conditions: [SOURCE, 'module', 'browser', MODE] },
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', MODE] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['packages/server/test/global-setup.ts'],
  },
});
