import { defineConfig } from 'vitest/config';

// Workspace packages are read from their TypeScript sources (the `reelay-source` export condition), not their
// builds; a list given here replaces Vite's defaults. On the server side, without `module`: a package's `module`
// build may be meant for bundlers only (the AWS SDK's has imports without file extensions, which Node refuses).
const SOURCE = 'reelay-source';
const MODE = 'development|production';

export default defineConfig({
  resolve: { conditions: [SOURCE, 'module', 'browser', MODE] },
  ssr: { resolve: { conditions: [SOURCE, 'node', MODE] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['packages/server/test/global-setup.ts'],
  },
});
