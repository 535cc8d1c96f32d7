import type { FieldErrorCode } from '@reelay/catalog';
import { validationFailed } from '../errors.ts';

/** The percentages of a budget at which a key without thresholds of its own raises alerts (migration 021). */
export const DEFAULT_BUDGET_ALERT_THRESHOLDS: readonly number[] = [80, 100];

/** Most thresholds one key may have (the column's check, migration 024). */
export const MAX_BUDGET_ALERT_THRESHOLDS = 10;

const PARAM = 'budgetAlertThresholds';

/**
 * Checks a key's `budgetAlertThresholds` as sent: `undefined` leaves them as they are, null restores the default
 * (80 and 100), a list of at most 10 unique whole percentages from 1 to 100 (an empty list: no budget alerts) is
 * returned in ascending order. Anything else is a 422 naming the field.
 */
export function checkBudgetAlertThresholds(value: unknown): readonly number[] | null | undefined {
  if (value === undefined || value === null) return value;
  const fail = (code: FieldErrorCode, message: string) => validationFailed([{ param: PARAM, code, message }]);
  if (!Array.isArray(value)) {
    throw fail('invalid_type', `${PARAM} must be a list of whole percentages from 1 to 100, or null.`);
  }
  if (value.length > MAX_BUDGET_ALERT_THRESHOLDS) {
    throw fail('too_many_items', `${PARAM} may hold at most ${MAX_BUDGET_ALERT_THRESHOLDS} percentages.`);
  }
  const bad = value.find((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100);
  if (bad !== undefined) {
    throw fail(
      'out_of_range',
      `${PARAM} must hold whole percentages from 1 to 100; ${(typeof bad === 'number' ? String(bad) : String(JSON.stringify(bad))).slice(0, 40)} is not one.`,
    );
  }
  const sorted = [...(value as number[])].sort((a, b) => a - b);
  const twice = sorted.find((v, i) => i > 0 && sorted[i - 1] === v);
  if (twice !== undefined) throw fail('not_allowed', `${PARAM} names ${twice} more than once.`);
  return sorted;
}
