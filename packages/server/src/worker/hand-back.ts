import type { Database } from '../db/database.ts';
import { rescheduleJob } from '../store/jobs.ts';

/** What handing a claimed job back needs: the database, the worker holding it, and who to tell of its due time. */
export interface HandBackDeps {
  db: Database;
  workerId: string;
  /**
   * Told the delay of each job this worker hands back (the worker wakes a loop of its own for it then, since the
   * loop that handed it back does not look again unless more work is due).
   */
  onHandedBack?: (delayMs: number) => void;
}

/** Hands a claimed job back, due again in `delayMs` (rescheduleJob), and tells the worker when that is. */
export async function handBack(deps: HandBackDeps, generationId: string, delayMs: number): Promise<void> {
  await rescheduleJob(deps.db, generationId, deps.workerId, delayMs);
  deps.onHandedBack?.(delayMs);
}
