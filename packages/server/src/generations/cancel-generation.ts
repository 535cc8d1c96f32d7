import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { Owner } from '../key-mode.ts';
import { findGeneration, markCanceled } from '../store/generations.ts';
import { makeJobDue, notifyJobs } from '../store/jobs.ts';
import { release } from '../store/ledger.ts';
import type { GenerationRecord } from './generation-record.ts';

/**
 * Cancels a queued or running generation: it becomes `canceled` and its hold is released in one
 * transaction; the worker then stops any upstream work and discards a late result uncharged.
 */
export async function cancelGeneration(db: Database, owner: Owner, id: string): Promise<GenerationRecord> {
  const existing = await findGeneration(db, owner, id);
  if (!existing) throw new ApiError('not_found', 404, `No generation with id ${id}.`);
  const canceled = await db.transaction(async (tx) => {
    const g = await markCanceled(tx, owner, id);
    if (!g) return null;
    await release(tx, { ...owner, keyId: g.keyId }, g.id, g.holdMilli);
    await makeJobDue(tx, id);
    await notifyJobs(tx, id);
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
