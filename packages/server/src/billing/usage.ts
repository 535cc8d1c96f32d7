import type { Queryable } from '../db/database.ts';
import { runSql, type Sql, sql } from '../db/sql.ts';
import type { KeyMode } from '../key-mode.ts';

/**
 * Tokens a key has committed since the start of the current UTC day or month, read from the ledger:
 * what was captured, plus holds still open. Budgets are enforced with this same number.
 */
export async function keySpendMilli(db: Queryable, keyId: string, period: 'day' | 'month'): Promise<number> {
  const rows = await runSql<{ spent: number }>(
    db,
    sql`SELECT ${keySpendSql(sql`${keyId}`, sql`${period}`)} AS spent`,
  );
  return rows[0]?.spent ?? 0;
}

/** {@link keySpendMilli} as an SQL expression (float8), for the fragments `keyId` and `period` (values or expressions). */
export function keySpendSql(keyId: Sql, period: Sql): Sql {
  return sql`(SELECT coalesce(sum(e.amount_milli), 0)::float8 FROM ledger_entries e
     WHERE e.key_id = ${keyId} AND e.created_at >= date_trunc(${period}, clock_timestamp() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
       AND (e.kind = 'capture' OR (e.kind = 'hold' AND NOT EXISTS (
         SELECT 1 FROM ledger_entries c WHERE c.generation_id = e.generation_id AND c.kind IN ('capture', 'release')))))`;
}

export interface UsageRow {
  key: string;
  tokens: number;
  seconds: number;
  generations: number;
}

/** Charged tokens and delivered seconds between `from` and `to`, grouped by model or UTC day. */
export async function usageReport(
  db: Queryable,
  q: { accountId: string; mode: KeyMode; from: Date; to: Date; groupBy: 'model' | 'day' },
): Promise<UsageRow[]> {
  const group = q.groupBy === 'model' ? 'g.model' : `to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const rows = await db.query<{ key: string; milli: number; seconds: number; generations: number }>(
    `SELECT ${group} AS key, sum(e.amount_milli)::float8 AS milli,
       sum(coalesce((g.outputs->0->>'durationSeconds')::float8, 0))::float8 AS seconds, count(*)::int AS generations
     FROM ledger_entries e JOIN generations g ON g.id = e.generation_id
     WHERE e.account_id = $1 AND e.mode = $2 AND e.kind = 'capture' AND e.created_at >= $3 AND e.created_at < $4
     GROUP BY 1 ORDER BY 1`,
    [q.accountId, q.mode, q.from, q.to],
  );
  return rows.map((r) => ({
    key: r.key,
    tokens: r.milli / 1000,
    seconds: Math.round(r.seconds * 1000) / 1000,
    generations: r.generations,
  }));
}

export interface LedgerEntry {
  id: number;
  kind: string;
  tokens: number;
  generationId: string | null;
  keyId: string | null;
  note: string;
  createdAt: string;
}

/** One page of the ledger of an account's mode, newest first. */
export async function ledgerPage(
  db: Queryable,
  q: { accountId: string; mode: KeyMode; limit: number; before: number | null },
): Promise<{ data: LedgerEntry[]; nextCursor: string | null }> {
  const rows = await db.query<{
    id: number;
    kind: string;
    amount_milli: number;
    generation_id: string | null;
    key_id: string | null;
    note: string;
    created_at: Date;
  }>(
    `SELECT id, kind, amount_milli, generation_id, key_id, note, created_at FROM ledger_entries
     WHERE account_id = $1 AND mode = $2 AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
    [q.accountId, q.mode, q.before, q.limit + 1],
  );
  const data = rows.slice(0, q.limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    tokens: r.amount_milli / 1000,
    generationId: r.generation_id,
    keyId: r.key_id,
    note: r.note,
    createdAt: r.created_at.toISOString(),
  }));
  const last = data.at(-1);
  return { data, nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}
