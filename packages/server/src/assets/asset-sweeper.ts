import type { Database } from '../db/database.ts';
import { expireAssets, referencedStorageKeys } from '../store/assets.ts';
import type { Storage } from './storage.ts';

interface Log {
  warn(details: object, message: string): void;
}

/**
 * Deletes the bytes of expired assets, soonest expired first: those past their `expiresAt` (set when they were
 * stored, from the request's, the key's or the server's retention), and, with `retentionHours`, those stored
 * without one that are older than that. It skips any that a queued or running generation still names as an
 * input (checked again in the statement that marks them, so a generation created meanwhile keeps its inputs).
 * The row is kept, marked `expired` (so a client learns why the file is gone, and downloads answer 410), and
 * marked first, then the bytes go: a failure leaves an orphan file, which the orphan sweep removes, never a row
 * whose bytes are missing without saying so.
 * A thumbnail goes with its asset's bytes.
 * It also deletes stored files no asset row names (as its file or its thumbnail) once they are older than the orphan grace period (a file
 * stored by a process that died before its row was inserted, or whose bytes outlived a failed delete): a file
 * is always stored before its row is inserted, so the grace period is what keeps one about to be named.
 */
export class AssetSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Database,
    private readonly storage: Storage,
    private readonly options: {
      retentionHours: number;
      /** Unnamed files older than this are deleted; 0 (or unset) keeps them. */
      orphanGraceSeconds?: number;
      intervalMs: number;
      log?: Log;
      now?: () => number;
    },
  ) {}

  /** One pass: deletes up to `limit` expired assets, then orphan files; returns how many assets went. */
  async sweepOnce(limit = 200): Promise<number> {
    const deleted = await this.sweepExpired(limit);
    await this.sweepOrphans();
    return deleted;
  }

  /** Deletes stored files older than the grace period that no asset row names; returns how many went. */
  async sweepOrphans(batch = 500): Promise<number> {
    const grace = this.options.orphanGraceSeconds ?? 0;
    if (grace <= 0) return 0;
    const before = (this.options.now?.() ?? Date.now()) - grace * 1000;
    let deleted = 0;
    let keys: string[] = [];
    const check = async () => {
      const named = await referencedStorageKeys(this.db, keys);
      for (const key of keys) {
        if (named.has(key)) continue;
        try {
          await this.storage.delete(key);
          deleted++;
        } catch (error) {
          this.options.log?.warn({ err: error, key }, 'could not delete an unreferenced file');
        }
      }
      keys = [];
    };
    for await (const stored of this.storage.list()) {
      if (stored.modifiedMs >= before) continue;
      keys.push(stored.key);
      if (keys.length >= batch) await check();
    }
    await check();
    return deleted;
  }

  private async sweepExpired(limit: number): Promise<number> {
    const now = this.options.now?.() ?? Date.now();
    const hours = this.options.retentionHours;
    const before = hours > 0 ? new Date(now - hours * 3_600_000) : null;
    let deleted = 0;
    for (const asset of await expireAssets(this.db, new Date(now), before, limit)) {
      for (const key of [asset.storageKey, asset.thumbnailKey, asset.manifestKey]) {
        if (key === null) continue;
        try {
          await this.storage.delete(key);
        } catch (error) {
          this.options.log?.warn({ err: error, key }, 'could not delete an expired asset file');
        }
      }
      deleted++;
    }
    return deleted;
  }

  /** Sweeps now and then every interval: a request or key may set a retention whatever the server's setting. */
  start(): void {
    if (this.timer !== null) return;
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
