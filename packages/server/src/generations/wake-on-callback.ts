import type { Database } from '../db/database.ts';
import { makeDueByUpstreamId } from '../store/jobs.ts';

/**
 * Makes the job of the generation whose attempt on `provider` has `upstreamId` due now, so a worker asks
 * the provider for its status at once. A callback is only ever a hint; nothing else is taken from it.
 * Returns false when no unfinished generation has that upstream id (yet).
 */
export function wakeOnCallback(db: Database, provider: string, upstreamId: string): Promise<boolean> {
  return makeDueByUpstreamId(db, provider, upstreamId);
}
