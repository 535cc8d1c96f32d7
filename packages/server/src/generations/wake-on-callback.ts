import type { Database } from '../db/database.ts';
import { JOBS_CHANNEL } from '../store/jobs.ts';

/**
 * Makes the job of the generation whose attempt on `provider` has `upstreamId` due now, so a worker asks
 * the provider for its status at once. A callback is only ever a hint; nothing else is taken from it.
 * Returns false when no unfinished generation has that upstream id (yet).
 */
export async function wakeOnCallback(db: Database, provider: string, upstreamId: string): Promise<boolean> {
  const rows = await db.query<{ generation_id: string }>(
    `UPDATE jobs SET run_at = clock_timestamp()
     WHERE generation_id IN (
       SELECT id FROM generations
       WHERE provider_attempts @> $1::jsonb AND status IN ('queued', 'running'))
     RETURNING generation_id`,
    [JSON.stringify([{ provider, upstreamId }])],
  );
  for (const row of rows) await db.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, row.generation_id]);
  return rows.length > 0;
}
