import type { Database } from '../db/database.ts';

/** Whether the database answers, and which driver it is: what `/readyz` reports. */
export async function databaseReadiness(db: Database): Promise<{ ready: boolean; database: string }> {
  try {
    await db.query('SELECT 1');
    return { ready: true, database: db.driver };
  } catch {
    return { ready: false, database: db.driver };
  }
}
