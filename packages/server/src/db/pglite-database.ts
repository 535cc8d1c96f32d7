import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.ts';
import { acquireDirLock } from './dir-lock.ts';
import { pgliteTemplate } from './pglite-template.ts';

const INT8_OID = 20;
const parsers = { [INT8_OID]: (value: string) => Number(value) };

/**
 * Embedded PostgreSQL (PGlite) in a folder, or in memory when `dataDir` is null.
 * PGlite has one session, so one process may open a folder: a lock file refuses a second one.
 */
export async function openPglite(dataDir: string | null): Promise<Database> {
  let release = async () => {};
  if (dataDir !== null) {
    await mkdir(dataDir, { recursive: true });
    release = await acquireDirLock(dataDir);
  }
  let pg: PGlite;
  try {
    // A new cluster is unpacked from the built template when there is one; an existing folder is opened as it is.
    const isNew = dataDir === null || !existsSync(join(dataDir, 'PG_VERSION'));
    const template = isNew ? await pgliteTemplate() : null;
    pg = await PGlite.create(dataDir ?? undefined, {
      parsers,
      ...(template ? { loadDataDir: template } : {}),
    });
  } catch (error) {
    await release();
    throw error;
  }
  const run =
    (q: Pick<PGlite, 'query'>) =>
    async <T>(text: string, params?: readonly unknown[]) =>
      (await q.query<T>(text, params ? [...params] : [])).rows;
  return {
    driver: 'pglite',
    query: run(pg),
    transaction: (fn) => pg.transaction((tx) => fn({ query: run(tx) } satisfies Queryable)),
    script: async (text) => (await pg.exec(text)).map((r) => r.rows as Record<string, unknown>[]),
    async listen(channel, onNotify) {
      const unsubscribe = await pg.listen(channel, onNotify);
      return unsubscribe;
    },
    async close() {
      await pg.close();
      await release();
    },
  };
}
