import pg from 'pg';
import { inject, it } from 'vitest';
import { randomBase62 } from '../src/ids.ts';

/** The PostgreSQL server the suite uses besides PGlite, found or started by `global-setup.ts`. */
const ADMIN_URL = inject('postgresUrl');

export type DatabaseKind = 'pglite' | 'postgres';
/** Every integration test runs on both. */
export const DATABASES: DatabaseKind[] = ['pglite', 'postgres'];

/**
 * `it` for a behaviour only PostgreSQL has (several connections, other processes); on PGlite the test is not
 * declared at all, since there is nothing there for it to check.
 */
export function onPostgres(kind: DatabaseKind): (name: string, fn: () => Promise<void>) => void {
  return kind === 'postgres' ? (name, fn) => it(name, fn) : () => {};
}

/** A new, empty database on the PostgreSQL server, dropped by `drop`. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `reelay_test_${randomBase62(10).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
