import type { KeyAllowlist } from '../billing/api-keys.ts';
import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import type { KeyMode } from '../key-mode.ts';
import { KEY_MODES } from '../key-mode.ts';
import { type Row, readRow } from './row-reader.ts';

/** An `api_keys` row without its hash. */
export interface KeyRecord {
  id: string;
  accountId: string;
  mode: KeyMode;
  prefix: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  budgetDailyMilli: number | null;
  budgetMonthlyMilli: number | null;
  allowedModels: string[] | null;
  allowedProviders: string[] | null;
  /** Default retention in seconds of what its requests store; null: the server's setting. */
  retentionSeconds: number | null;
  /** The percentages of its budgets at which alerts are raised, ascending; null: the default (80 and 100). */
  budgetAlertThresholds: number[] | null;
}

function keyFromRow(row: Row): KeyRecord {
  const r = readRow(row);
  return {
    id: r.text('id'),
    accountId: r.text('account_id'),
    mode: r.oneOf('mode', KEY_MODES),
    prefix: r.text('prefix'),
    name: r.text('name'),
    createdAt: r.date('created_at'),
    revokedAt: r.dateOrNull('revoked_at'),
    lastUsedAt: r.dateOrNull('last_used_at'),
    budgetDailyMilli: r.numberOrNull('budget_daily_milli'),
    budgetMonthlyMilli: r.numberOrNull('budget_monthly_milli'),
    allowedModels: r.textArrayOrNull('allowed_models'),
    allowedProviders: r.textArrayOrNull('allowed_providers'),
    retentionSeconds: r.numberOrNull('retention_seconds'),
    budgetAlertThresholds: r.numberArrayOrNull('budget_alert_thresholds'),
  };
}

/** A key to store: its hash (the key itself is never stored), the start shown in lists, name and budgets. */
export interface NewKey {
  id: string;
  accountId: string;
  mode: KeyMode;
  keyHash: string;
  prefix: string;
  name: string;
  budgetDailyMilli?: number | null;
  budgetMonthlyMilli?: number | null;
  allowedModels?: readonly string[] | null;
  allowedProviders?: readonly string[] | null;
  retentionSeconds?: number | null;
  budgetAlertThresholds?: readonly number[] | null;
}

/** Stores a key without budgets. */
export async function insertKeyRow(tx: Queryable, k: NewKey): Promise<void> {
  await runSql(
    tx,
    sql`INSERT INTO api_keys (id, account_id, mode, key_hash, prefix, name)
     VALUES (${k.id}, ${k.accountId}, ${k.mode}, ${k.keyHash}, ${k.prefix}, ${k.name})`,
  );
}

/** Stores a key with its budgets and allowlists and returns it. */
export async function insertKeyWithBudgets(db: Queryable, k: NewKey): Promise<KeyRecord> {
  const rows = await runSql(
    db,
    sql`INSERT INTO api_keys (id, account_id, mode, key_hash, prefix, name, budget_daily_milli, budget_monthly_milli,
         allowed_models, allowed_providers, retention_seconds, budget_alert_thresholds)
       VALUES (${k.id}, ${k.accountId}, ${k.mode}, ${k.keyHash}, ${k.prefix}, ${k.name}, ${k.budgetDailyMilli ?? null},
         ${k.budgetMonthlyMilli ?? null}, ${k.allowedModels ?? null}::text[], ${k.allowedProviders ?? null}::text[],
         ${k.retentionSeconds ?? null}, ${k.budgetAlertThresholds ?? null}::int[]) RETURNING *`,
  );
  if (!rows[0]) throw new Error('INSERT … RETURNING gave no row');
  return keyFromRow(rows[0]);
}

/** The id, account and mode of the live (not revoked) key with this hash, or null. */
export async function liveKeyByHash(
  db: Queryable,
  keyHash: string,
): Promise<{ id: string; accountId: string; mode: KeyMode; allowlist: KeyAllowlist } | null> {
  const rows = await runSql(
    db,
    sql`SELECT id, account_id, mode, allowed_models, allowed_providers FROM api_keys
     WHERE key_hash = ${keyHash} AND revoked_at IS NULL`,
  );
  if (!rows[0]) return null;
  const r = readRow(rows[0]);
  return {
    id: r.text('id'),
    accountId: r.text('account_id'),
    mode: r.oneOf('mode', KEY_MODES),
    allowlist: {
      models: r.textArrayOrNull('allowed_models'),
      providers: r.textArrayOrNull('allowed_providers'),
    },
  };
}

/**
 * Sets a key's allowlists (`undefined` leaves one as it is; null lifts it); null when there is no such key. The
 * hash comes back too: the commit announces it (migrations 016 and 021).
 */
export async function updateKeyAllowlists(
  db: Queryable,
  keyId: string,
  a: { models?: readonly string[] | null; providers?: readonly string[] | null },
): Promise<(KeyRecord & { keyHash: string }) | null> {
  const rows = await runSql(
    db,
    sql`UPDATE api_keys SET
         allowed_models = CASE WHEN ${a.models !== undefined} THEN ${a.models ?? null}::text[] ELSE allowed_models END,
         allowed_providers = CASE WHEN ${a.providers !== undefined}
           THEN ${a.providers ?? null}::text[] ELSE allowed_providers END
       WHERE id = ${keyId} RETURNING *`,
  );
  return rows[0] ? { ...keyFromRow(rows[0]), keyHash: readRow(rows[0]).text('key_hash') } : null;
}

/** Whether the key with this hash is revoked; null when there is none. */
export async function keyRevoked(db: Queryable, keyHash: string): Promise<boolean | null> {
  const rows = await runSql(
    db,
    sql`SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE key_hash = ${keyHash}`,
  );
  return rows[0] ? readRow(rows[0]).boolean('revoked') : null;
}

/** The account's keys, oldest first. */
export async function keysOf(db: Queryable, accountId: string): Promise<KeyRecord[]> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM api_keys WHERE account_id = ${accountId} ORDER BY created_at, id`,
  );
  return rows.map(keyFromRow);
}

/**
 * Revokes a key (a revoked one keeps its first revocation time); null when there is no such key. The hash comes
 * back too: the commit announces it (migration 016).
 */
export async function revokeKeyRow(
  db: Queryable,
  keyId: string,
): Promise<(KeyRecord & { keyHash: string }) | null> {
  const rows = await runSql(
    db,
    sql`UPDATE api_keys SET revoked_at = COALESCE(revoked_at, clock_timestamp()) WHERE id = ${keyId} RETURNING *`,
  );
  return rows[0] ? { ...keyFromRow(rows[0]), keyHash: readRow(rows[0]).text('key_hash') } : null;
}

/**
 * Sets a key's default retention (null: the server's setting); null when there is no such key. The hash comes back
 * too: the commit announces it (migration 022), so every process reads the key again.
 */
export async function setKeyRetention(
  db: Queryable,
  keyId: string,
  seconds: number | null,
): Promise<(KeyRecord & { keyHash: string }) | null> {
  const rows = await runSql(
    db,
    sql`UPDATE api_keys SET retention_seconds = ${seconds}::int WHERE id = ${keyId} RETURNING *`,
  );
  return rows[0] ? { ...keyFromRow(rows[0]), keyHash: readRow(rows[0]).text('key_hash') } : null;
}

/**
 * Sets the percentages of a key's budgets at which alerts are raised (null: the default); null when there is no
 * such key. The create function reads them from the row at every create (migration 024), so nothing is announced.
 */
export async function setKeyAlertThresholds(
  db: Queryable,
  keyId: string,
  thresholds: readonly number[] | null,
): Promise<(KeyRecord & { keyHash: string }) | null> {
  const rows = await runSql(
    db,
    sql`UPDATE api_keys SET budget_alert_thresholds = ${thresholds}::int[] WHERE id = ${keyId} RETURNING *`,
  );
  return rows[0] ? { ...keyFromRow(rows[0]), keyHash: readRow(rows[0]).text('key_hash') } : null;
}

/** A key's row as it is; null when there is no such key. */
export async function keyRow(
  db: Queryable,
  keyId: string,
): Promise<(KeyRecord & { keyHash: string }) | null> {
  const rows = await runSql(db, sql`SELECT * FROM api_keys WHERE id = ${keyId}`);
  return rows[0] ? { ...keyFromRow(rows[0]), keyHash: readRow(rows[0]).text('key_hash') } : null;
}

/** Whether an account other than `accountId` has a live key of mode `live`. */
export async function othersHaveLiveKeys(db: Queryable, accountId: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`SELECT 1 FROM api_keys WHERE mode = 'live' AND account_id <> ${accountId} AND revoked_at IS NULL LIMIT 1`,
  );
  return rows.length > 0;
}

/** Revokes every live key of the account; the number revoked. */
export async function revokeKeysOf(db: Queryable, accountId: string): Promise<number> {
  const rows = await runSql(
    db,
    sql`UPDATE api_keys SET revoked_at = now() WHERE account_id = ${accountId} AND revoked_at IS NULL RETURNING id`,
  );
  return rows.length;
}
