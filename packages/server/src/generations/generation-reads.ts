import type { Database } from '../db/database.ts';
import type { Owner } from '../key-mode.ts';
import { generationsByIds } from '../store/generations.ts';
import type { GenerationRecord } from './generation-record.ts';

/** Ids read in one statement at most. */
const MAX_IDS = 256;
/** Statements in the database at once; the rest of the reads wait for one of them and go together. */
const MAX_IN_FLIGHT = 2;
const PLAUSIBLE_ID = /^[\x21-\x7e]{1,128}$/;

interface Waiting {
  owner: Owner;
  id: string;
  resolve(g: GenerationRecord | null): void;
  reject(error: unknown): void;
}

/**
 * Reads generations by id for their owners, many per statement under load (status polling is the call clients
 * make most). A read that finds a statement slot free goes at once; the reads that come while the slots are busy
 * go together in the next statement (`WHERE id = ANY(…)`, one indexed lookup per id). Each caller gets the
 * generation only when it is its owner's (its account and mode), exactly as a read of its own would answer;
 * another account's is as absent as a missing one. An error fails the reads of that statement alone.
 */
export class GenerationReads {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(private readonly db: Database) {}

  find(owner: Owner, id: string): Promise<GenerationRecord | null> {
    // Ids are printable ASCII; anything else (a NUL, a lone surrogate) names no generation and must not reach a
    // statement shared with other callers, where the database would refuse it for all of them.
    if (!PLAUSIBLE_ID.test(id)) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.waiting.push({ owner, id, resolve, reject });
      if (this.inFlight < MAX_IN_FLIGHT) void this.next();
    });
  }

  private async next(): Promise<void> {
    this.inFlight += 1;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_IDS);
        try {
          const found = await generationsByIds(this.db, [...new Set(batch.map((w) => w.id))]);
          const byId = new Map(found.map((g) => [g.id, g]));
          for (const w of batch) {
            const g = byId.get(w.id);
            w.resolve(g && g.accountId === w.owner.accountId && g.runMode === w.owner.mode ? g : null);
          }
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.inFlight -= 1;
    }
  }
}
