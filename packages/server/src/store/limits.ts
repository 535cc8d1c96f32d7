import type { Principal } from '../billing/api-keys.ts';
import type { LimitDefaults } from '../billing/limits.ts';
import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { KEY_MODES } from '../key-mode.ts';
import { readRow } from './row-reader.ts';

/** A live key as the authenticator keeps it: its principal, its account's per-key rate and its current window. */
export interface LiveKey {
  principal: Principal;
  /** The account's per-key limit per minute. */
  limit: number;
  /** Requests of the key recorded in the window starting at `windowStart` (by every process, before this one). */
  counted: number;
}

/**
 * The key with this hash if it is live (not revoked), with the requests already recorded in the minute starting
 * at `windowStart`; with `touch`, the same statement records the key's last use (at most once a minute). Null for
 * no live key. Nothing else is written: requests are counted by {@link addRequestCounts}.
 */
export async function liveKey(
  db: Queryable,
  keyHash: string,
  defaults: LimitDefaults,
  windowStart: Date,
  touch: boolean,
): Promise<LiveKey | null> {
  const rows = await runSql(
    db,
    sql`WITH k AS (SELECT id, account_id, mode, allowed_models, allowed_providers, retention_seconds FROM api_keys
       WHERE key_hash = ${keyHash} AND revoked_at IS NULL),
     touched AS (
       UPDATE api_keys SET last_used_at = clock_timestamp()
       WHERE ${touch}::boolean AND id IN (SELECT k.id FROM k)
         AND (last_used_at IS NULL OR last_used_at < clock_timestamp() - interval '1 minute')
     )
     SELECT k.id, k.account_id, k.mode, k.allowed_models, k.allowed_providers, k.retention_seconds, coalesce(a.key_rate_per_minute, ${defaults.keyRatePerMinute}::int) AS lim,
       coalesce((SELECT w.count FROM rate_windows w WHERE w.key_id = k.id AND w.window_start = ${windowStart}), 0) AS counted
     FROM k JOIN accounts a ON a.id = k.account_id`,
  );
  if (!rows[0]) return null;
  const r = readRow(rows[0]);
  return {
    principal: {
      keyId: r.text('id'),
      accountId: r.text('account_id'),
      mode: r.oneOf('mode', KEY_MODES),
      allowlist: {
        models: r.textArrayOrNull('allowed_models'),
        providers: r.textArrayOrNull('allowed_providers'),
      },
      retentionSeconds: r.numberOrNull('retention_seconds'),
    },
    limit: r.number('lim'),
    counted: r.number('counted'),
  };
}

/** Requests of one key in one minute, to add to the shared count. */
export interface RequestCount {
  keyId: string;
  windowStart: Date;
  count: number;
}

/**
 * Adds requests counted in memory to the keys' shared minute windows, all in one statement, and returns each
 * window's total (every process's requests); windows that ended more than an hour ago are removed on the way.
 */
export async function addRequestCounts(
  db: Queryable,
  counts: readonly RequestCount[],
): Promise<RequestCount[]> {
  if (counts.length === 0) return [];
  const rows = await runSql(
    db,
    sql`WITH old AS (
       DELETE FROM rate_windows WHERE window_start < clock_timestamp() - interval '1 hour'
     )
     INSERT INTO rate_windows AS w (key_id, window_start, count)
     SELECT * FROM unnest(${counts.map((c) => c.keyId)}::text[], ${counts.map((c) => c.windowStart.toISOString())}::timestamptz[],
       ${counts.map((c) => c.count)}::int[])
     ON CONFLICT (key_id, window_start) DO UPDATE SET count = w.count + excluded.count
     RETURNING w.key_id, w.window_start, w.count`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return { keyId: r.text('key_id'), windowStart: r.date('window_start'), count: r.number('count') };
  });
}
