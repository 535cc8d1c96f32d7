import type { Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { Principal } from './api-keys.ts';
import { keySpendMilli } from './usage.ts';

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
 * Checks, inside the create transaction, what an account and key may still start: the account row is locked
 * first, so concurrent creates of one account are decided one after another, on every server process.
 * Too many queued/running generations → 429; a key budget (per UTC day or month) it would pass → 402.
 */
export async function enforceCreateLimits(
  tx: Queryable,
  p: Principal,
  quoteMilli: number,
  defaults: LimitDefaults,
): Promise<void> {
  // NO KEY UPDATE still serialises creates of one account but not the foreign-key checks of other
  // transactions (a worker's capture inserting a ledger entry), which FOR UPDATE would deadlock with.
  const account = await tx.query<{ max_concurrent_generations: number | null }>(
    'SELECT max_concurrent_generations FROM accounts WHERE id = $1 FOR NO KEY UPDATE',
    [p.accountId],
  );
  const limit = account[0]?.max_concurrent_generations ?? defaults.maxConcurrentGenerations;
  // One statement after the lock (its own snapshot, so it sees every create committed before the lock).
  const rows = await tx.query<{
    n: number;
    budget_daily_milli: number | null;
    budget_monthly_milli: number | null;
  }>(
    `SELECT (SELECT count(*)::int FROM generations WHERE account_id = $1 AND status IN ('queued', 'running')) AS n,
       k.budget_daily_milli, k.budget_monthly_milli
     FROM (SELECT 1) AS one LEFT JOIN api_keys k ON k.id = $2`,
    [p.accountId, p.keyId],
  );
  if ((rows[0]?.n ?? 0) >= limit) {
    throw new ApiError(
      'rate_limited',
      429,
      `This account already has ${limit} generations queued or running, its limit; retry when one finishes.`,
      { retryAfterSeconds: 5 },
    );
  }
  const budgets: [string, number | null | undefined][] = [
    ['day', rows[0]?.budget_daily_milli],
    ['month', rows[0]?.budget_monthly_milli],
  ];
  for (const [period, budget] of budgets) {
    if (budget === null || budget === undefined) continue;
    const spent = await keySpendMilli(tx, p.keyId, period as 'day' | 'month');
    if (spent + quoteMilli > budget) {
      throw new ApiError(
        'budget_exceeded',
        402,
        `This key's budget is ${tokens(budget)} tokens per ${period}; ${tokens(spent)} are spent or held and this generation needs ${tokens(quoteMilli)}.`,
      );
    }
  }
}
