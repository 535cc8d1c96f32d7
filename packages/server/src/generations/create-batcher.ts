import type { LimitDefaults } from '../billing/limits.ts';
import type { Database } from '../db/database.ts';
import {
  type InsertOutcome,
  insertGeneration,
  insertGenerations,
  type NewGeneration,
} from '../store/generations.ts';

/** Creates decided in one transaction at most. */
const MAX_BATCH = 128;
/**
 * Batches in the database at once on PostgreSQL: two, so the creates of other accounts need not wait for a batch
 * whose accounts are locked, and the database's cores share the work (batches lock their accounts in id order, so
 * two never deadlock; two of one account simply run one after the other). PGlite has one session: one.
 */
const IN_FLIGHT = { postgres: 2, pglite: 1 } as const;

interface Waiting {
  generation: NewGeneration;
  resolve(outcome: InsertOutcome): void;
  reject(error: unknown): void;
}

/**
 * Decides this process's creates in batches, one commit for many (group commit). A create that comes while fewer
 * than `IN_FLIGHT` batches are in the database goes at once, alone; the creates that come while they are wait for
 * one of them and then go together as the next batch, in the order they came. So an idle server adds no delay, and under load
 * one commit (and one round of account locks) serves every create that arrived during the previous one, instead of
 * one commit each, one after another, for an account's creates. (On the embedded database, see `decide`.)
 *
 * Each caller still gets its own outcome, as if decided alone (see `insertGenerations`); if the batch's
 * transaction fails as a whole (an Idempotency-Key taken by another process at the same moment, a lost connection),
 * nothing of it was kept and each create of it is decided again alone, so one bad create never fails the others.
 */
export class CreateBatcher {
  private waiting: Waiting[] = [];
  /** Batches in the database now. */
  private inFlight = 0;

  constructor(
    private readonly db: Database,
    private readonly limits: LimitDefaults,
  ) {}

  decide(generation: NewGeneration): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ generation, resolve, reject });
      if (this.inFlight >= IN_FLIGHT[this.db.driver]) return;
      this.inFlight++;
      // The embedded database runs on this thread: while it works no request is even read, so a create never
      // comes while a batch is in the database. There a create that finds none waits for the end of this turn of
      // the event loop, and the requests read in the same turn go with it.
      if (this.db.driver === 'pglite') setImmediate(() => void this.drain());
      else void this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        if (batch.length === 1) await this.alone(batch[0] as Waiting);
        else await this.together(batch);
      }
    } finally {
      this.inFlight--;
    }
  }

  private async together(batch: Waiting[]): Promise<void> {
    let outcomes: InsertOutcome[];
    try {
      outcomes = await insertGenerations(
        this.db,
        batch.map((w) => w.generation),
        this.limits,
      );
    } catch {
      // Rolled back as a whole: each is decided alone, as it would have been without the batch.
      await Promise.all(batch.map((w) => this.alone(w)));
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(outcomes[i] as InsertOutcome);
  }

  private alone(w: Waiting): Promise<void> {
    return insertGeneration(this.db, w.generation, this.limits).then(w.resolve, w.reject);
  }
}
