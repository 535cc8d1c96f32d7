import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server benchmarks create their databases on (trust auth on 127.0.0.1 by default). */
export const POSTGRES_ADMIN_URL =
  process.env.REELAY_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The admin URL when the server answers, else null (PostgreSQL figures are then skipped). */
export async function postgresAvailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return POSTGRES_ADMIN_URL;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty database for one run, dropped by `drop`. */
export async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `reelay_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A pool for a benchmark's own queries. An idle client whose connection the server ends (a database dropped
 * WITH (FORCE), a restart) is replaced on next use instead of crashing the run with an unhandled 'error'.
 */
export function benchPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}
