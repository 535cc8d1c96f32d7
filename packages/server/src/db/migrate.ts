import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';
import { splitStatements } from './split-statements.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Arbitrary constant naming Reelay's migration lock among other advisory locks. */
const MIGRATION_LOCK = 72_617_301;

/** Why a statement failed, when the database said: its SQLSTATE (`42P01` for a table that does not exist). */
const sqlState = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * Whether every migration in `files` is recorded, asked in one statement: a database that is up to date (every
 * start but the first after an upgrade) is then opened without the lock and the transaction below. A database
 * without the table (a new one) is not.
 */
async function upToDate(db: Database, files: string[]): Promise<boolean> {
  try {
    const [row] = await db.query<{ recorded: number }>(
      'SELECT count(*)::int AS recorded FROM schema_migrations WHERE name = ANY($1::text[])',
      [files],
    );
    return row?.recorded === files.length;
  } catch (error) {
    if (sqlState(error) === '42P01') return false;
    throw error;
  }
}

/**
 * Applies the numbered SQL files in db/migrations that have not run yet, each in its own transaction,
 * under an advisory lock so several processes starting together apply each file once. When all of them are
 * recorded already, one statement says so and nothing else is sent.
 */
export async function migrate(db: Database): Promise<string[]> {
  // Listed without a trip through the thread pool: at start that pool is shared with the embedded database's
  // files, and an asynchronous listing of these few names could wait there for a tenth of a second.
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d{3}_.+\.sql$/.test(name))
    .sort();
  if (await upToDate(db, files)) return [];
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name),
    );
    for (const name of files) {
      if (done.has(name)) continue;
      const sql = await readFile(`${MIGRATIONS_DIR}${name}`, 'utf8');
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      applied.push(name);
    }
  });
  return applied;
}
