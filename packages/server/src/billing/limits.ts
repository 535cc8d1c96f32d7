import { ApiError } from '../errors.ts';

export interface LimitDefaults {
  keyRatePerMinute: number;
  maxConcurrentGenerations: number;
}

const tokens = (milli: number) => milli / 1000;

/** The verdict of the limits a create checks (`reelay_create_generations`, migration 017). */
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
