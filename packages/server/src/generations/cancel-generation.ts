import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { Owner } from '../key-mode.ts';
import { findGeneration, markCanceled } from '../store/generations.ts';
import { makeJobDue, notifyJobs } from '../store/jobs.ts';
import { release } from '../store/ledger.ts';
import type { GenerationRecord } from './generation-record.ts';

/**
 * Cancels a queued or running generation: it becomes `canceled` at once. When no upstream may be working on it
 * (queued, on the local renderer, or no start that may have reached an upstream) its hold is released in the same
 * transaction. Otherwise the hold stays while it is `reconciling` (`cancel_requested`): the worker sends the
 * upstream's cancel where it has one and settles from its answer: released if the work stopped or failed, charged
 * with its outputs kept if the upstream had already finished (its error message says so).
 */
export async function cancelGeneration(db: Database, owner: Owner, id: string): Promise<GenerationRecord> {
  const existing = await findGeneration(db, owner, id);
  if (!existing) throw new ApiError('not_found', 404, `No generation with id ${id}.`);
  const canceled = await db.transaction(async (tx) => {
    const g = await markCanceled(tx, owner, id);
    if (!g) return null;
    if (g.stopRequested !== 'cancel') await release(tx, { ...owner, keyId: g.keyId }, g.id, g.holdMilli);
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
