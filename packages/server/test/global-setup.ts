import type { TestProject } from 'vitest/node';
import { type ChromiumBinary, findChromium } from './bundled-chromium.ts';
import { startPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The administrative URL of the PostgreSQL server the suite creates its databases on. */
    postgresUrl: string;
    /** The Chromium the browser tests drive. */
    chromium: ChromiumBinary;
  }
}

/**
 * Runs once before the suite: finds or starts the real PostgreSQL and finds or unpacks the real Chromium the
 * tests use, so `npm test` needs nothing but Node and npm. What it chose is printed, never skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgres, chromium] = await Promise.all([startPostgres(), findChromium()]);
  console.log(`PostgreSQL for the tests: ${postgres.source}; Chromium: ${chromium.source}`);
  project.provide('postgresUrl', postgres.url);
  project.provide('chromium', chromium);
  return () => postgres.stop();
}
