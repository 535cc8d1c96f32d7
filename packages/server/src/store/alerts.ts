import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import type { Owner } from '../key-mode.ts';
import { type Row, readRow } from './row-reader.ts';

/** An `alerts` row (written by migration 021's create function and balance trigger, never by the application). */
export interface AlertRecord {
  id: number;
  type: 'account.balance_low' | 'key.budget_threshold';
  keyId: string | null;
  period: 'day' | 'month' | null;
  periodStart: Date | null;
  percent: number | null;
  details: Record<string, number>;
  createdAt: Date;
}

const TYPES = ['account.balance_low', 'key.budget_threshold'] as const;
const PERIODS = ['day', 'month'] as const;

/** An `alerts` row as a record: the one mapping of that table. */
function alertFromRow(row: Row): AlertRecord {
  const r = readRow(row);
  const period = r.textOrNull('period');
  return {
    id: r.number('id'),
    type: r.oneOf('type', TYPES),
    keyId: r.textOrNull('key_id'),
    period: period === null ? null : r.oneOf('period', PERIODS),
    periodStart: r.dateOrNull('period_start'),
    percent: r.numberOrNull('percent'),
    details: r.json<Record<string, number>>('details'),
    createdAt: r.date('created_at'),
  };
}

/** The alert a webhook delivery tells of: its row as JSON (written by a trigger), timestamps turned back into dates. */
export function alertFromSnapshot(snapshot: Record<string, unknown>): AlertRecord {
  const row: Row = { ...snapshot };
  for (const name of ['created_at', 'period_start']) {
    const value = row[name];
    if (typeof value === 'string') row[name] = new Date(value);
  }
  return alertFromRow(row);
}

/** One page of the owner's alerts, newest first; `before` is an alert id (the cursor). */
export async function alertsPage(
  db: Queryable,
  owner: Owner,
  q: { limit: number; before: number | null },
): Promise<{ data: AlertRecord[]; nextCursor: string | null }> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM alerts WHERE account_id = ${owner.accountId} AND mode = ${owner.mode}
       AND (${q.before}::bigint IS NULL OR id < ${q.before})
     ORDER BY id DESC LIMIT ${q.limit + 1}`,
  );
  const data = rows.slice(0, q.limit).map(alertFromRow);
  const last = data.at(-1);
  return { data, nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}
