import type { Database } from '../db/database.ts';
import { deleteAssetRow, findExpiredAssets } from '../store/assets.ts';
import type { Storage } from './storage.ts';

interface Log {
  warn(details: object, message: string): void;
}

/**
 * Deletes assets older than the retention period, oldest first, skipping any that a queued or running
 * generation still names as an input (checked again in the DELETE itself, so a generation created meanwhile
 * keeps its inputs). The row goes first, then the bytes: a failure leaves an orphan file, never a dangling row.
 */
export class AssetSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Database,
    private readonly storage: Storage,
    private readonly options: { retentionHours: number; intervalMs: number; log?: Log; now?: () => number },
  ) {}

  /** One pass: deletes up to `limit` expired assets and returns how many went. */
  async sweepOnce(limit = 200): Promise<number> {
    const now = this.options.now?.() ?? Date.now();
    const before = new Date(now - this.options.retentionHours * 3_600_000);
    let deleted = 0;
    for (const asset of await findExpiredAssets(this.db, before, limit)) {
      if (!(await deleteAssetRow(this.db, asset.accountId, asset.id))) continue;
      try {
        await this.storage.delete(asset.storageKey);
      } catch (error) {
        this.options.log?.warn(
          { err: error, key: asset.storageKey },
          'could not delete an expired asset file',
        );
      }
      deleted++;
    }
    return deleted;
  }

  start(): void {
    if (this.options.retentionHours <= 0 || this.timer !== null) return;
    const tick = () => {
      this.running = this.sweepOnce().catch((error) => {
        this.options.log?.warn({ err: error }, 'asset sweep failed');
        return 0;
      });
      void this.running.finally(() => {
        if (this.timer !== null) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
