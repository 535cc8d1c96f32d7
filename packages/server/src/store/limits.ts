import type { Principal } from '../billing/api-keys.ts';
import type { LimitDefaults } from '../billing/limits.ts';
import { type Queryable, sqlLiteral } from '../db/database.ts';
import { inlineSql, runSql, sql } from '../db/sql.ts';
import { KEY_MODES } from '../key-mode.ts';
import { readRow } from './row-reader.ts';
import { keySpendSql } from './usage.ts';

/** A live key's principal with this request counted in its current minute. */
export interface AdmittedKey {
  principal: Principal;
  /** Requests of the key in this minute, this one included. */
  count: number;
  /** The account's per-key limit per minute. */
  limit: number;
  /** Seconds until the next minute starts. */
  resetSeconds: number;
}

/**
 * The key with this hash if it is live (not revoked), in one statement that also counts this request in the
 * key's current minute — in the database, so every server process shares the count — and, with `touch`,
 * records the key's last use (at most once a minute). Null for no live key (nothing is counted).
 */
export async function admitKey(
  db: Queryable,
  keyHash: string,
  defaults: LimitDefaults,
  touch: boolean,
): Promise<AdmittedKey | null> {
  const rows = await runSql(
    db,
    sql`WITH k AS (SELECT id, account_id, mode FROM api_keys WHERE key_hash = ${keyHash} AND revoked_at IS NULL),
     counted AS (
       INSERT INTO rate_windows AS w (key_id, window_start, count)
       SELECT k.id, date_trunc('minute', clock_timestamp()), 1 FROM k
       ON CONFLICT (key_id, window_start) DO UPDATE SET count = w.count + 1
       RETURNING w.key_id, w.count,
         EXTRACT(EPOCH FROM (w.window_start + interval '1 minute' - clock_timestamp()))::float8 AS reset
     ),
     touched AS (
       UPDATE api_keys SET last_used_at = clock_timestamp()
       WHERE ${touch}::boolean AND id IN (SELECT k.id FROM k)
         AND (last_used_at IS NULL OR last_used_at < clock_timestamp() - interval '1 minute')
     )
     SELECT k.id, k.account_id, k.mode, c.count, c.reset, coalesce(a.key_rate_per_minute, ${defaults.keyRatePerMinute}::int) AS lim
     FROM k JOIN counted c ON c.key_id = k.id JOIN accounts a ON a.id = k.account_id`,
  );
  if (!rows[0]) return null;
  const r = readRow(rows[0]);
  return {
    principal: { keyId: r.text('id'), accountId: r.text('account_id'), mode: r.oneOf('mode', KEY_MODES) },
    count: r.number('count'),
    limit: r.number('lim'),
    resetSeconds: r.number('reset'),
  };
}

/**
 * The account-row lock that decides concurrent creates of one account one after another, on every server
 * process: the first statement of the create transaction. NO KEY UPDATE still serialises creates of one account
 * but not the foreign-key checks of other transactions (a worker's capture inserting a ledger entry), which
 * FOR UPDATE would deadlock with.
 */
export const lockAccountSql = (p: Principal): string =>
  `SELECT 1 FROM accounts WHERE id = ${sqlLiteral(p.accountId)} FOR NO KEY UPDATE`;

/**
 * What an account and key may still start, as one row (run after {@link lockAccountSql}, in its own statement,
 * so its snapshot sees every create committed before the lock): `refused` is 'concurrency' when the account
 * already has its limit of queued/running generations, 'day' or 'month' when a key budget would be passed by
 * `quoteMilli`, else NULL. Spends are only summed for budgets that are set.
 */
export function createLimitsSql(p: Principal, quoteMilli: number, defaults: LimitDefaults): string {
  const account = sqlLiteral(p.accountId);
  const key = sqlLiteral(p.keyId);
  const quote = sqlLiteral(quoteMilli);
  const maxActive = sqlLiteral(defaults.maxConcurrentGenerations);
  // Active generations are counted only up to the limit: whether it is reached is all that is asked.
  return `SELECT l.*,
       CASE WHEN l.active >= l.max_active THEN 'concurrency'
         WHEN l.budget_day IS NOT NULL AND l.spent_day + ${quote} > l.budget_day THEN 'day'
         WHEN l.budget_month IS NOT NULL AND l.spent_month + ${quote} > l.budget_month THEN 'month'
       END AS refused
     FROM (SELECT coalesce(a.max_concurrent_generations, ${maxActive}) AS max_active,
         (SELECT count(*)::int FROM (SELECT 1 FROM generations WHERE account_id = ${account} AND status IN ('queued', 'running')
           LIMIT (SELECT coalesce(max_concurrent_generations, ${maxActive}) FROM accounts WHERE id = ${account})) AS n) AS active,
         k.budget_daily_milli AS budget_day, k.budget_monthly_milli AS budget_month,
         CASE WHEN k.budget_daily_milli IS NULL THEN 0 ELSE ${inlineSql(keySpendSql(sql`${p.keyId}`, sql`'day'`))} END AS spent_day,
         CASE WHEN k.budget_monthly_milli IS NULL THEN 0 ELSE ${inlineSql(keySpendSql(sql`${p.keyId}`, sql`'month'`))} END AS spent_month
       FROM (SELECT 1) AS one LEFT JOIN accounts a ON a.id = ${account} LEFT JOIN api_keys k ON k.id = ${key}) AS l`;
}
