import type { Queryable } from '../db/database.ts';
import { runSql, Sql, sql } from '../db/sql.ts';
import type { KeyMode, Owner } from '../key-mode.ts';
import { readRow } from './row-reader.ts';

/**
 * Tokens a key has committed since the start of the current UTC day or month, read from the ledger:
 * what was captured, plus holds still open. Budgets are enforced with this same number.
 */
export async function keySpendMilli(db: Queryable, keyId: string, period: 'day' | 'month'): Promise<number> {
  const rows = await runSql(db, sql`SELECT ${keySpendSql(sql`${keyId}`, sql`${period}`)} AS spent`);
  return rows[0] ? readRow(rows[0]).number('spent') : 0;
}

/** {@link keySpendMilli} as an SQL expression (float8; `reelay_key_spend`, migration 017), for the fragments `keyId` and `period`. */
export function keySpendSql(keyId: Sql, period: Sql): Sql {
  return sql`reelay_key_spend(${keyId}, ${period})`;
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
  const group =
    q.groupBy === 'model' ? sql`g.model` : sql`to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const rows = await runSql(
    db,
    sql`SELECT ${group} AS key, sum(e.amount_milli)::float8 AS milli,
       sum(coalesce((g.outputs->0->>'durationSeconds')::float8, 0))::float8 AS seconds, count(*)::int AS generations
     FROM ledger_entries e JOIN generations g ON g.id = e.generation_id
     WHERE e.account_id = ${q.accountId} AND e.mode = ${q.mode} AND e.kind = 'capture' AND e.created_at >= ${q.from} AND e.created_at < ${q.to}
     GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return {
      key: r.text('key'),
      tokens: r.number('milli') / 1000,
      seconds: Math.round(r.number('seconds') * 1000) / 1000,
      generations: r.number('generations'),
    };
  });
}

/** What an export may group by; each is an SQL expression over a capture entry `e` and its generation `g`. */
export const EXPORT_DIMENSIONS = ['day', 'model', 'key', 'provider'] as const;
export type ExportDimension = (typeof EXPORT_DIMENSIONS)[number];

/** Each dimension as a column of the export's SELECT (constant SQL text, never a value from outside). */
const DIMENSION_SQL: Record<ExportDimension, Sql> = {
  day: sql`to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "day"`,
  model: sql`coalesce(g.model, '') AS "model"`,
  key: sql`coalesce(e.key_id, '') AS "key"`,
  provider: sql`coalesce(g.provider, '') AS "provider"`,
};

/** Fragments joined by `, `. */
const commaList = (parts: readonly Sql[]): Sql =>
  parts.length === 0 ? sql`` : new Sql(['', ...parts.slice(1).map(() => ', '), ''], parts);

/** The 1-based positions of the first `n` columns, as GROUP BY and ORDER BY take them (constant text). */
const positions = (n: number): Sql =>
  commaList(Array.from({ length: n }, (_, i) => new Sql([String(i + 1)], [])));

/** One group of an export: its value of each dimension, the tokens charged (milli) and the charges counted. */
export interface ExportRow {
  groups: Record<ExportDimension, string>;
  milli: number;
  charges: number;
}

/**
 * The owner's charges (capture entries of the ledger) between `from` and `to`, summed per group of `groupBy`
 * (in that order), in milli-tokens, so the groups add up to the ledger exactly.
 */
export async function usageExport(
  db: Queryable,
  q: Owner & { from: Date; to: Date; groupBy: readonly ExportDimension[] },
): Promise<ExportRow[]> {
  const columns = q.groupBy.map((d) => DIMENSION_SQL[d]);
  const by = positions(q.groupBy.length);
  const rows = await runSql(
    db,
    sql`SELECT ${commaList([...columns, sql`sum(e.amount_milli)::float8 AS milli`, sql`count(*)::int AS charges`])}
     FROM ledger_entries e LEFT JOIN generations g ON g.id = e.generation_id
     WHERE e.account_id = ${q.accountId} AND e.mode = ${q.mode} AND e.kind = 'capture'
       AND e.created_at >= ${q.from} AND e.created_at < ${q.to}
     ${q.groupBy.length > 0 ? sql`GROUP BY ${by} ORDER BY ${by}` : sql``}`,
  );
  return rows
    .map((row) => {
      const r = readRow(row);
      const groups = {} as Record<ExportDimension, string>;
      for (const d of q.groupBy) groups[d] = r.text(d);
      return { groups, milli: r.numberOrNull('milli') ?? 0, charges: r.number('charges') };
    })
    .filter((row) => row.charges > 0);
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

/** Whether ledger entry `id` is the owner's (its account, its mode). */
export async function ledgerEntryIsOwners(db: Queryable, owner: Owner, id: number): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`SELECT 1 FROM ledger_entries WHERE id = ${id} AND account_id = ${owner.accountId} AND mode = ${owner.mode}`,
  );
  return rows.length > 0;
}

/** One page of the ledger of an account's mode, newest first. */
export async function ledgerPage(
  db: Queryable,
  q: { accountId: string; mode: KeyMode; limit: number; before: number | null },
): Promise<{ data: LedgerEntry[]; nextCursor: string | null }> {
  const before = sql`${q.before}`;
  const rows = await runSql(
    db,
    sql`SELECT id, kind, amount_milli, generation_id, key_id, note, created_at FROM ledger_entries
     WHERE account_id = ${q.accountId} AND mode = ${q.mode} AND (${before}::bigint IS NULL OR id < ${before})
     ORDER BY id DESC LIMIT ${q.limit + 1}`,
  );
  const data = rows.slice(0, q.limit).map((row) => {
    const r = readRow(row);
    return {
      id: r.number('id'),
      kind: r.text('kind'),
      tokens: r.number('amount_milli') / 1000,
      generationId: r.textOrNull('generation_id'),
      keyId: r.textOrNull('key_id'),
      note: r.text('note'),
      createdAt: r.date('created_at').toISOString(),
    };
  });
  const last = data.at(-1);
  return { data, nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}
