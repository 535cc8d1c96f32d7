import { type Queryable, sqlLiteral } from '../db/database.ts';
import { inlineSql, sql } from '../db/sql.ts';
import { ApiError } from '../errors.ts';
import type { KeyMode } from '../key-mode.ts';
import { hashKey, keyMode, type Principal } from './api-keys.ts';
import { keySpendSql } from './usage.ts';

export interface LimitDefaults {
  keyRatePerMinute: number;
  maxConcurrentGenerations: number;
}

/** How often one process records that a key was used (the database keeps the same once-a-minute rule). */
const TOUCH_EVERY_MS = 60_000;

/**
 * The principal of a live (not revoked) key, in one statement that also counts this request in the key's current
 * minute — in the database, so every server process shares the count — and, at most once a minute per key and
 * process (`lastTouched`, by key hash), records the key's last use. `principal` is null for no live key (nothing is
 * counted); `refusal` is the 429 (with Retry-After: seconds to the next minute) past the account's per-key limit.
 */
export async function admitRequest(
  db: Queryable,
  key: string,
  defaults: LimitDefaults,
  lastTouched: Map<string, number>,
): Promise<{ principal: Principal | null; refusal: ApiError | null }> {
  if (keyMode(key) === null) return { principal: null, refusal: null };
  const hash = hashKey(key);
  const now = Date.now();
  const touch = now - (lastTouched.get(hash) ?? Number.NEGATIVE_INFINITY) >= TOUCH_EVERY_MS;
  const rows = await db.query<{
    id: string;
    account_id: string;
    mode: KeyMode;
    count: number;
    lim: number;
    reset: number;
  }>(
    `WITH k AS (SELECT id, account_id, mode FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL),
     counted AS (
       INSERT INTO rate_windows AS w (key_id, window_start, count)
       SELECT k.id, date_trunc('minute', clock_timestamp()), 1 FROM k
       ON CONFLICT (key_id, window_start) DO UPDATE SET count = w.count + 1
       RETURNING w.key_id, w.count,
         EXTRACT(EPOCH FROM (w.window_start + interval '1 minute' - clock_timestamp()))::float8 AS reset
     ),
     touched AS (
       UPDATE api_keys SET last_used_at = clock_timestamp()
       WHERE $3::boolean AND id IN (SELECT k.id FROM k)
         AND (last_used_at IS NULL OR last_used_at < clock_timestamp() - interval '1 minute')
     )
     SELECT k.id, k.account_id, k.mode, c.count, c.reset, coalesce(a.key_rate_per_minute, $2::int) AS lim
     FROM k JOIN counted c ON c.key_id = k.id JOIN accounts a ON a.id = k.account_id`,
    [hash, defaults.keyRatePerMinute, touch],
  );
  const row = rows[0];
  if (!row) return { principal: null, refusal: null };
  if (touch) {
    if (lastTouched.size >= 10_000) lastTouched.clear();
    lastTouched.set(hash, now);
  }
  const principal: Principal = { keyId: row.id, accountId: row.account_id, mode: row.mode };
  const refusal =
    row.count > row.lim
      ? new ApiError(
          'rate_limited',
          429,
          `This key may send ${row.lim} requests a minute; wait before retrying.`,
          {
            retryAfterSeconds: Math.max(1, Math.ceil(row.reset)),
          },
        )
      : null;
  return { principal, refusal };
}

const tokens = (milli: number) => milli / 1000;

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

/** The row of {@link createLimitsSql}. */
export interface LimitsVerdict {
  refused: 'concurrency' | 'day' | 'month' | null;
  max_active: number;
  budget_day: number | null;
  budget_month: number | null;
  spent_day: number;
  spent_month: number;
}

/** Too many queued/running generations → 429; a key budget (per UTC day or month) it would pass → 402. */
export function throwIfRefused(v: LimitsVerdict, quoteMilli: number): void {
  if (v.refused === 'concurrency') {
    throw new ApiError(
      'rate_limited',
      429,
      `This account already has ${v.max_active} generations queued or running, its limit; retry when one finishes.`,
      { retryAfterSeconds: 5 },
    );
  }
  if (v.refused === 'day' || v.refused === 'month') {
    const budget = (v.refused === 'day' ? v.budget_day : v.budget_month) ?? 0;
    const spent = v.refused === 'day' ? v.spent_day : v.spent_month;
    throw new ApiError(
      'budget_exceeded',
      402,
      `This key's budget is ${tokens(budget)} tokens per ${v.refused}; ${tokens(spent)} are spent or held and this generation needs ${tokens(quoteMilli)}.`,
    );
  }
}
