import { type Queryable, sqlLiteral } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from './api-keys.ts';
import { keySpendSql } from './usage.ts';

export interface LimitDefaults {
  keyRatePerMinute: number;
  maxConcurrentGenerations: number;
}

/**
 * Counts one request of the key in the current minute, in the database so every server process shares the
 * count; past the account's per-key limit it is a 429 with Retry-After (seconds to the next minute).
 */
export async function countRequest(db: Queryable, p: Principal, defaults: LimitDefaults): Promise<void> {
  const rows = await db.query<{ count: number; lim: number; reset: number }>(
    `INSERT INTO rate_windows AS w (key_id, window_start, count) VALUES ($1, date_trunc('minute', clock_timestamp()), 1)
     ON CONFLICT (key_id, window_start) DO UPDATE SET count = w.count + 1
     RETURNING w.count,
       (SELECT coalesce(key_rate_per_minute, $3) FROM accounts WHERE id = $2) AS lim,
       EXTRACT(EPOCH FROM (w.window_start + interval '1 minute' - clock_timestamp()))::float8 AS reset`,
    [p.keyId, p.accountId, defaults.keyRatePerMinute],
  );
  const row = rows[0];
  if (row && row.count > row.lim) {
    throw new ApiError(
      'rate_limited',
      429,
      `This key may send ${row.lim} requests a minute; wait before retrying.`,
      {
        retryAfterSeconds: Math.max(1, Math.ceil(row.reset)),
      },
    );
  }
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
  return `SELECT l.*,
       CASE WHEN l.active >= l.max_active THEN 'concurrency'
         WHEN l.budget_day IS NOT NULL AND l.spent_day + ${quote} > l.budget_day THEN 'day'
         WHEN l.budget_month IS NOT NULL AND l.spent_month + ${quote} > l.budget_month THEN 'month'
       END AS refused
     FROM (SELECT coalesce(a.max_concurrent_generations, ${sqlLiteral(defaults.maxConcurrentGenerations)}) AS max_active,
         (SELECT count(*)::int FROM generations WHERE account_id = ${account} AND status IN ('queued', 'running')) AS active,
         k.budget_daily_milli AS budget_day, k.budget_monthly_milli AS budget_month,
         CASE WHEN k.budget_daily_milli IS NULL THEN 0 ELSE ${keySpendSql(key, "'day'")} END AS spent_day,
         CASE WHEN k.budget_monthly_milli IS NULL THEN 0 ELSE ${keySpendSql(key, "'month'")} END AS spent_month
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
