import type { Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { admitKey } from '../store/limits.ts';
import { hashKey, keyMode, type Principal } from './api-keys.ts';

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
  const admitted = await admitKey(db, hash, defaults, touch);
  if (!admitted) return { principal: null, refusal: null };
  if (touch) {
    if (lastTouched.size >= 10_000) lastTouched.clear();
    lastTouched.set(hash, now);
  }
  const refusal =
    admitted.count > admitted.limit
      ? new ApiError(
          'rate_limited',
          429,
          `This key may send ${admitted.limit} requests a minute; wait before retrying.`,
          {
            retryAfterSeconds: Math.max(1, Math.ceil(admitted.resetSeconds)),
          },
        )
      : null;
  return { principal: admitted.principal, refusal };
}

const tokens = (milli: number) => milli / 1000;

/** The verdict of the limits a create checks (`createLimitsSql` in store/limits.ts). */
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
