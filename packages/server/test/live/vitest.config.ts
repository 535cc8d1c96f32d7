import { defineConfig } from 'vitest/config';

/** `npm run test:live`: real upstream calls that cost money; never part of `npm test`. */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.live.ts'],
    testTimeout: 20 * 60_000,
    pool: 'forks',
  },
});
