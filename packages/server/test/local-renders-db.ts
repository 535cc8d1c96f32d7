import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { LocalRenders } from '../src/store/local-renders.ts';

/**
 * The `local_renders` table of an embedded database opened for the calling test file (before its tests, closed
 * after them), for local renderers run without a gateway. Returns a getter, valid inside tests.
 */
export function useLocalRenders(): { renders(): LocalRenders; db(): Database } {
  let dir = '';
  let db: Database | undefined;
  let renders: LocalRenders | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-renders-db-'));
    db = await openDatabase({ driver: 'pglite', dataDir: dir });
    renders = new LocalRenders(db);
  });
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useLocalRenders: read before its beforeAll ran');
    return value;
  };
  return { renders: () => ready(renders), db: () => ready(db) };
}
