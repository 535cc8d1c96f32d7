import type { DatabaseConfig } from '../config.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite-database.ts';

/**
 * Opens the configured database and brings its schema up to date. The PostgreSQL driver (`pg`) is loaded only when
 * it is configured, so the embedded default does not pay for it at start.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const db =
    config.driver === 'pglite'
      ? await openPglite(config.dataDir)
      : await (await import('./postgres-database.ts')).openPostgres(config.url);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
