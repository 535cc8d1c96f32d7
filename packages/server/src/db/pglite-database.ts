import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.ts';
import { acquireDirLock } from './dir-lock.ts';
import { PglitePrepared } from './pglite-prepared.ts';
import { pgliteTemplate } from './pglite-template.ts';

const INT8_OID = 20;
const parsers = { [INT8_OID]: (value: string) => Number(value) };

/**
 * The embedded server's settings: PGlite's own, with 16 MB of shared buffers instead of the 128 MB its initdb
 * writes into postgresql.conf. PGlite keeps shared memory inside its WebAssembly memory, and PostgreSQL touches all
 * of it at start, so every megabyte of buffers is a megabyte of the process's resident memory from the first
 * moment; its one session on a gateway's database is served well by 16 MB (tables and indexes beyond it are read
 * from the folder, through the operating system's file cache).
 */
export const PGLITE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  'shared_buffers=16MB',
];

/**
 * Embedded PostgreSQL (PGlite) in a folder, or in memory when `dataDir` is null.
 * PGlite has one session, so one process may open a folder: a lock file refuses a second one. Statements that run
 * again and again are prepared once in that session (pglite-prepared.ts); `preparedLimit` bounds
 * how many texts are.
 */
export async function openPglite(
  dataDir: string | null,
  options: { preparedLimit?: number } = {},
): Promise<Database> {
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
      startParams: [...PGLITE_START_PARAMS],
      ...(template ? { loadDataDir: template } : {}),
    });
  } catch (error) {
    await release();
    throw error;
  }
  const prepared = new PglitePrepared(pg.serializers, options.preparedLimit);
  const run =
    (session: Pick<PGlite, 'query' | 'exec'>, inTransaction: boolean) =>
    <T>(text: string, params?: readonly unknown[]) =>
      prepared.run<T>(session, inTransaction, text, params ?? []);
  return {
    driver: 'pglite',
    query: run(pg, false),
    transaction: (fn) => pg.transaction((tx) => fn({ query: run(tx, true) } satisfies Queryable)),
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
