import type { Alert } from '@reelay/contract';
import type { Database } from '../db/database.ts';
import type { Owner } from '../key-mode.ts';
import { type AlertRecord, alertsPage } from '../store/alerts.ts';

const tokens = (milli: number | undefined) => (milli ?? 0) / 1000;

/** The public JSON of an alert: its thresholds and amounts in tokens. */
export function alertJson(a: AlertRecord): Alert {
  const common = { id: a.id, createdAt: a.createdAt.toISOString() };
  if (a.type === 'account.balance_low') {
    return {
      ...common,
      type: a.type,
      thresholdTokens: tokens(a.details.thresholdMilli),
      balanceTokens: tokens(a.details.balanceMilli),
    };
  }
  return {
    ...common,
    type: a.type,
    keyId: a.keyId ?? '',
    period: a.period ?? 'day',
    periodStart: (a.periodStart ?? a.createdAt).toISOString(),
    percent: a.percent ?? 0,
    budgetTokens: tokens(a.details.budgetMilli),
    spentTokens: tokens(a.details.spentMilli),
  };
}

/**
 * Alerts of an account's environment: its balance falling below its low-balance threshold, a key's spend reaching
 * 80 % and 100 % of a budget. They are decided by the database in the transaction of the balance change that
 * crosses them (migration 021); this reads them.
 */
export class AlertsService {
  constructor(private readonly db: Database) {}

  async list(owner: Owner, q: { limit: number; before: number | null }) {
    const page = await alertsPage(this.db, owner, q);
    return { data: page.data.map(alertJson), nextCursor: page.nextCursor };
  }
}
