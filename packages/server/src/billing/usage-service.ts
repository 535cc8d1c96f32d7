import type { UsageExportRow } from '@reelay/contract';
import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { KeyMode, Owner } from '../key-mode.ts';
import {
  type ExportDimension,
  type LedgerEntry,
  ledgerEntryIsOwners,
  ledgerPage,
  type UsageRow,
  usageExport,
  usageReport,
} from '../store/usage.ts';

export { EXPORT_DIMENSIONS, type ExportDimension } from '../store/usage.ts';

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
   * The owner's charges between `from` and `to` grouped by `groupBy` (in that order), each group's tokens and
   * the total summed from the same ledger entries in milli-tokens, so the groups add up to the ledger exactly.
   */
  async export(
    q: Owner & { from: Date; to: Date; groupBy: readonly ExportDimension[] },
  ): Promise<{ data: UsageExportRow[]; total: { tokens: number; generations: number } }> {
    const rows = await usageExport(this.db, q);
    let milli = 0;
    let generations = 0;
    for (const r of rows) {
      milli += r.milli;
      generations += r.charges;
    }
    return {
      data: rows.map((r) => ({ ...r.groups, tokens: r.milli / 1000, generations: r.charges })),
      total: { tokens: milli / 1000, generations },
    };
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
