import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { KeyMode } from '../key-mode.ts';
import {
  type LedgerEntry,
  ledgerEntryIsOwners,
  ledgerPage,
  type UsageRow,
  usageReport,
} from '../store/usage.ts';

/** What an account spent: usage grouped by model or UTC day, and its ledger page by page. */
export class UsageService {
  constructor(private readonly db: Database) {}

  /** Charged tokens and delivered seconds between `from` and `to`, grouped by model or UTC day. */
  report(q: {
    accountId: string;
    mode: KeyMode;
    from: Date;
    to: Date;
    groupBy: 'model' | 'day';
  }): Promise<UsageRow[]> {
    return usageReport(this.db, q);
  }

  /**
   * One page of the ledger of an account's mode, newest first; `before` is the cursor (an entry id), a 400 unless
   * it names an entry of the same account and mode.
   */
  async ledger(q: {
    accountId: string;
    mode: KeyMode;
    limit: number;
    before: number | null;
  }): Promise<{ data: LedgerEntry[]; nextCursor: string | null }> {
    if (q.before !== null && !(await ledgerEntryIsOwners(this.db, q, q.before))) {
      throw new ApiError(
        'invalid_request',
        400,
        'cursor is not one this API returned to a key of this mode; pass nextCursor unchanged.',
        { param: 'cursor' },
      );
    }
    return ledgerPage(this.db, q);
  }
}
