import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The database handle of a bare baseline server: a `pg.Pool` on PostgreSQL, a PGlite instance otherwise. */
export interface BareDb {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A `pg.Pool` of the gateway's pool size (10) on `url`, or PGlite in `dataDir` when `url` is empty. */
export async function openBareDb(url: string | undefined, dataDir: string): Promise<BareDb> {
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    pool.on('error', () => {});
    return {
      query: async <T>(t: string, p?: unknown[]) => (await pool.query(t, p)).rows as T[],
      close: () => pool.end(),
    };
  }
  const lite = await PGlite.create(dataDir);
  return {
    query: async <T>(t: string, p?: unknown[]) => (await lite.query<T>(t, p)).rows,
    close: () => lite.close(),
  };
}
