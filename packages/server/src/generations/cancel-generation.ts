import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { JOBS_CHANNEL } from '../store/jobs.ts';
import { release } from '../store/ledger.ts';
import { findGeneration, type GenerationRecord, generationFromRow } from './generation-record.ts';

/**
 * Cancels a queued or running generation: it becomes `canceled` and its hold is released in one
 * transaction; the worker then stops any upstream work and discards a late result uncharged.
 */
export async function cancelGeneration(
  db: Database,
  accountId: string,
  id: string,
): Promise<GenerationRecord> {
  const existing = await findGeneration(db, accountId, id);
  if (!existing) throw new ApiError('not_found', 404, `No generation with id ${id}.`);
  const canceled = await db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE generations SET status = 'canceled', completed_at = clock_timestamp(),
         error = '{"code":"canceled","message":"Canceled by request."}'
       WHERE id = $1 AND account_id = $2 AND status IN ('queued', 'running') RETURNING *`,
      [id, accountId],
    );
    const row = rows[0];
    if (!row) return null;
    const g = generationFromRow(row);
    await release(tx, { accountId, mode: g.runMode, keyId: g.keyId }, g.id, g.holdMilli);
    await tx.query('UPDATE jobs SET run_at = clock_timestamp() WHERE generation_id = $1', [id]);
    await tx.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, id]);
    return g;
  });
  if (!canceled) {
    throw new ApiError(
      'conflict',
      409,
      `Generation ${id} has already ${existing.status === 'canceled' ? 'been canceled' : existing.status}.`,
    );
  }
  return canceled;
}
