import { defineConfig } from 'vitest/config';

/** `npm run test:container`: builds and runs the image with docker or podman; never part of `npm test`. */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.container.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
  },
});
