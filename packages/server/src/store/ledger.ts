import type { Queryable } from '../db/database.ts';
import { runSql, type Sql, sql } from '../db/sql.ts';
import type { KeyMode } from '../key-mode.ts';
import { readRow } from './row-reader.ts';

/** A balance seen by its owner, in thousandths of a token. */
export interface Balance {
  balanceMilli: number;
  heldMilli: number;
}

interface Target {
  accountId: string;
  mode: KeyMode;
  /** The key that spends (holds, captures and releases); budgets and usage per key read it. */
  keyId?: string;
}

async function entry(
  tx: Queryable,
  t: Target,
  kind: 'grant' | 'hold' | 'capture' | 'release',
  amountMilli: number,
  generationId: string | null,
  note = '',
): Promise<void> {
  await runSql(
    tx,
    sql`INSERT INTO ledger_entries (account_id, mode, kind, amount_milli, generation_id, note, key_id)
     VALUES (${t.accountId}, ${t.mode}, ${kind}, ${amountMilli}, ${generationId}, ${note}, ${t.keyId ?? null})`,
  );
}

/** Adds tokens to a balance (creating it if needed). */
export async function grant(tx: Queryable, t: Target, amountMilli: number, note: string): Promise<void> {
  await runSql(
    tx,
    sql`INSERT INTO token_balances (account_id, mode, balance_milli) VALUES (${t.accountId}, ${t.mode}, ${amountMilli})
     ON CONFLICT (account_id, mode) DO UPDATE SET balance_milli = token_balances.balance_milli + EXCLUDED.balance_milli`,
  );
  await entry(tx, t, 'grant', amountMilli, null, note);
}

/** The kind of a ledger entry as SQL text (a constant, never a value from outside). */
const ENTRY_KIND = {
  hold: sql`'hold'`,
  capture: sql`'capture'`,
  release: sql`'release'`,
} as const;

/**
 * Moves a balance and writes its ledger entry in one statement (one round trip inside the caller's
 * transaction, which may hold the account's lock): `update` is an UPDATE of token_balances of the account and
 * mode it is given, and the entry is written only when it changed a row. False when it changed none.
 */
async function moveAndRecord(
  tx: Queryable,
  t: Target,
  update: (account: Sql, mode: Sql) => Sql,
  kind: 'hold' | 'capture' | 'release',
  amountMilli: number,
  generationId: string,
): Promise<boolean> {
  const account = sql`${t.accountId}`;
  const mode = sql`${t.mode}`;
  const rows = await runSql(
    tx,
    sql`WITH moved AS (${update(account, mode)} RETURNING 1)
     INSERT INTO ledger_entries (account_id, mode, kind, amount_milli, generation_id, note, key_id)
     SELECT ${account}, ${mode}, ${ENTRY_KIND[kind]}, ${amountMilli}::bigint, ${generationId}, '', ${t.keyId ?? null} FROM moved
     RETURNING 1 AS ok`,
  );
  return rows.length > 0;
}

/**
 * Reserves tokens for a generation. The check and the update are one statement, so concurrent holds
 * can never take a balance below zero. Returns false when the available tokens do not cover it.
 */
export function hold(tx: Queryable, t: Target, generationId: string, amountMilli: number): Promise<boolean> {
  const amount = sql`${amountMilli}`;
  return moveAndRecord(
    tx,
    t,
    (account, mode) => sql`UPDATE token_balances SET held_milli = held_milli + ${amount}
     WHERE account_id = ${account} AND mode = ${mode} AND balance_milli - held_milli >= ${amount}`,
    'hold',
    amountMilli,
    generationId,
  );
}

/** Charges `chargeMilli` (≤ the hold) and frees the rest of the hold. */
export async function capture(
  tx: Queryable,
  t: Target,
  generationId: string,
  holdMilli: number,
  chargeMilli: number,
): Promise<void> {
  if (chargeMilli > holdMilli) throw new Error(`capture ${chargeMilli} exceeds hold ${holdMilli}`);
  await moveAndRecord(
    tx,
    t,
    (account, mode) => sql`UPDATE token_balances SET held_milli = held_milli - ${holdMilli},
       balance_milli = balance_milli - ${chargeMilli}
     WHERE account_id = ${account} AND mode = ${mode}`,
    'capture',
    chargeMilli,
    generationId,
  );
}

/**
 * `capture` as items of the caller's own WITH list, so that the charge commits in the same statement as the
 * change that earns it (one round trip): the tokens move, and the entry is written, only when the WITH item
 * named by `guard` (a fragment naming it, e.g. sql`done`) returns a row.
 */
export function captureWith(
  t: Target,
  generationId: string,
  holdMilli: number,
  chargeMilli: number,
  guard: Sql,
): Sql {
  if (chargeMilli > holdMilli) throw new Error(`capture ${chargeMilli} exceeds hold ${holdMilli}`);
  const account = sql`${t.accountId}`;
  const mode = sql`${t.mode}`;
  const charge = sql`${chargeMilli}::bigint`;
  return sql`captured AS (
       UPDATE token_balances SET held_milli = held_milli - ${holdMilli}::bigint,
         balance_milli = balance_milli - ${charge}
       WHERE account_id = ${account} AND mode = ${mode} AND EXISTS (SELECT 1 FROM ${guard}) RETURNING 1),
     capture_entry AS (
       INSERT INTO ledger_entries (account_id, mode, kind, amount_milli, generation_id, note, key_id)
       SELECT ${account}, ${mode}, 'capture', ${charge}, ${generationId}::text, '', ${t.keyId ?? null}::text
       FROM captured)`;
}

/** Returns a whole hold to the balance. */
export async function release(
  tx: Queryable,
  t: Target,
  generationId: string,
  holdMilli: number,
): Promise<void> {
  await moveAndRecord(
    tx,
    t,
    (account, mode) =>
      sql`UPDATE token_balances SET held_milli = held_milli - ${holdMilli} WHERE account_id = ${account} AND mode = ${mode}`,
    'release',
    holdMilli,
    generationId,
  );
}

export async function getBalance(db: Queryable, t: Target): Promise<Balance> {
  const rows = await runSql(
    db,
    sql`SELECT balance_milli, held_milli FROM token_balances WHERE account_id = ${t.accountId} AND mode = ${t.mode}`,
  );
  if (!rows[0]) return { balanceMilli: 0, heldMilli: 0 };
  const r = readRow(rows[0]);
  return { balanceMilli: r.number('balance_milli'), heldMilli: r.number('held_milli') };
}
