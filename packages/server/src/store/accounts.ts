import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { type Row, readRow } from './row-reader.ts';

/** An `accounts` row. */
export interface AccountRecord {
  id: string;
  name: string;
  maxConcurrentGenerations: number | null;
  keyRatePerMinute: number | null;
  /** A balance falling below it raises an alert (migration 021); null: none. */
  lowBalanceMilli: number | null;
  /** Where its alerts are sent as webhooks; null: nowhere. */
  alertWebhookUrl: string | null;
  /** Whether its outputs get a C2PA manifest (false: turned off by the operator, where opting out is allowed). */
  provenance: boolean;
  createdAt: Date;
}

function accountFromRow(row: Row): AccountRecord {
  const r = readRow(row);
  return {
    id: r.text('id'),
    name: r.text('name'),
    maxConcurrentGenerations: r.numberOrNull('max_concurrent_generations'),
    keyRatePerMinute: r.numberOrNull('key_rate_per_minute'),
    lowBalanceMilli: r.numberOrNull('low_balance_milli'),
    alertWebhookUrl: r.textOrNull('alert_webhook_url'),
    provenance: r.boolean('provenance'),
    createdAt: r.date('created_at'),
  };
}

const onlyRow = (rows: Row[]): Row => {
  if (!rows[0]) throw new Error('the statement returned no row');
  return rows[0];
};

export async function findAccount(db: Queryable, id: string): Promise<AccountRecord | null> {
  const rows = await runSql(db, sql`SELECT * FROM accounts WHERE id = ${id}`);
  return rows[0] ? accountFromRow(rows[0]) : null;
}

/** The account, its row locked until the transaction `tx` ends (a change reads what it replaces); null when none. */
export async function lockAccount(tx: Queryable, id: string): Promise<AccountRecord | null> {
  const rows = await runSql(tx, sql`SELECT * FROM accounts WHERE id = ${id} FOR UPDATE`);
  return rows[0] ? accountFromRow(rows[0]) : null;
}

/** The account's name, or '' when there is no such account. */
export async function accountName(db: Queryable, id: string): Promise<string> {
  const rows = await runSql(db, sql`SELECT name FROM accounts WHERE id = ${id}`);
  return rows[0] ? readRow(rows[0]).text('name') : '';
}

export async function insertAccount(
  db: Queryable,
  a: {
    id: string;
    name: string;
    maxConcurrentGenerations: number | null;
    keyRatePerMinute: number | null;
    lowBalanceMilli?: number | null;
    alertWebhookUrl?: string | null;
  },
): Promise<AccountRecord> {
  const rows = await runSql(
    db,
    sql`INSERT INTO accounts (id, name, max_concurrent_generations, key_rate_per_minute, low_balance_milli,
       alert_webhook_url)
     VALUES (${a.id}, ${a.name}, ${a.maxConcurrentGenerations}, ${a.keyRatePerMinute}, ${a.lowBalanceMilli ?? null}::bigint,
       ${a.alertWebhookUrl ?? null}::text)
     RETURNING *`,
  );
  return accountFromRow(onlyRow(rows));
}

/** Sets the limits given (`undefined` leaves one as it is; null sets the gateway's default). */
export async function updateAccountLimits(
  db: Queryable,
  id: string,
  limits: {
    maxConcurrentGenerations?: number | null;
    keyRatePerMinute?: number | null;
    lowBalanceMilli?: number | null;
    alertWebhookUrl?: string | null;
    provenance?: boolean;
  },
): Promise<AccountRecord> {
  const rows = await runSql(
    db,
    sql`UPDATE accounts SET
         max_concurrent_generations = CASE WHEN ${limits.maxConcurrentGenerations !== undefined}
           THEN ${limits.maxConcurrentGenerations ?? null}::int ELSE max_concurrent_generations END,
         key_rate_per_minute = CASE WHEN ${limits.keyRatePerMinute !== undefined}
           THEN ${limits.keyRatePerMinute ?? null}::int ELSE key_rate_per_minute END,
         low_balance_milli = CASE WHEN ${limits.lowBalanceMilli !== undefined}
           THEN ${limits.lowBalanceMilli ?? null}::bigint ELSE low_balance_milli END,
         alert_webhook_url = CASE WHEN ${limits.alertWebhookUrl !== undefined}
           THEN ${limits.alertWebhookUrl ?? null}::text ELSE alert_webhook_url END,
         provenance = COALESCE(${limits.provenance ?? null}::boolean, provenance)
       WHERE id = ${id} RETURNING *`,
  );
  return accountFromRow(onlyRow(rows));
}

/** Creates the account unless it exists; true when it was created. */
export async function insertAccountIfMissing(db: Queryable, id: string, name: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`INSERT INTO accounts (id, name) VALUES (${id}, ${name}) ON CONFLICT (id) DO NOTHING RETURNING id`,
  );
  return rows.length > 0;
}

/** An account with its test and live balances (thousandths of a token). */
export interface AccountWithBalances {
  account: AccountRecord;
  balances: Record<'test' | 'live', { balanceMilli: number; heldMilli: number }>;
}

/**
 * Up to `limit` accounts, newest first, after the one with id `cursor`, each read with both of its balances in
 * the same statement (an account that never had tokens in a mode shows 0 there).
 */
export async function accountsPage(
  db: Queryable,
  q: { limit: number; cursor: string | null },
): Promise<AccountWithBalances[]> {
  const cursor = sql`${q.cursor}`;
  const rows = await runSql(
    db,
    sql`SELECT a.*,
         COALESCE(t.balance_milli, 0) AS test_balance_milli, COALESCE(t.held_milli, 0) AS test_held_milli,
         COALESCE(l.balance_milli, 0) AS live_balance_milli, COALESCE(l.held_milli, 0) AS live_held_milli
       FROM accounts a
       LEFT JOIN token_balances t ON t.account_id = a.id AND t.mode = 'test'
       LEFT JOIN token_balances l ON l.account_id = a.id AND l.mode = 'live'
       WHERE ${cursor}::text IS NULL OR (a.created_at, a.id) < (SELECT c.created_at, c.id FROM accounts c WHERE c.id = ${cursor})
       ORDER BY a.created_at DESC, a.id DESC LIMIT ${q.limit}`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return {
      account: accountFromRow(row),
      balances: {
        test: { balanceMilli: r.number('test_balance_milli'), heldMilli: r.number('test_held_milli') },
        live: { balanceMilli: r.number('live_balance_milli'), heldMilli: r.number('live_held_milli') },
      },
    };
  });
}

/** Whether the account's outputs get a C2PA manifest (its `provenance`); true for an account that is gone. */
export async function accountProvenance(db: Queryable, id: string): Promise<boolean> {
  const rows = await runSql(db, sql`SELECT provenance FROM accounts WHERE id = ${id}`);
  return rows[0] ? readRow(rows[0]).boolean('provenance') : true;
}
