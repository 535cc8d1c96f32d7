import type { AdminAccount, ApiKey } from '@reelay/contract';
import type { Database, Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { KeyMode } from '../key-mode.ts';
import { getBalance, grant } from '../store/ledger.ts';
import { generateKey, hashKey } from './api-keys.ts';

export interface AccountLimits {
  maxConcurrentGenerations?: number | null;
  keyRatePerMinute?: number | null;
}

interface AccountRow {
  id: string;
  name: string;
  max_concurrent_generations: number | null;
  key_rate_per_minute: number | null;
  created_at: Date;
}

interface KeyRow {
  id: string;
  account_id: string;
  mode: KeyMode;
  prefix: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  budget_daily_milli: number | null;
  budget_monthly_milli: number | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const orNull = (milli: number | null) => (milli === null ? null : milli / 1000);

async function accountJson(db: Queryable, r: AccountRow): Promise<AdminAccount> {
  const [test, live] = await Promise.all(
    (['test', 'live'] as const).map((mode) => getBalance(db, { accountId: r.id, mode })),
  );
  const tokens = (b: { balanceMilli: number; heldMilli: number } | undefined) => ({
    balance: (b?.balanceMilli ?? 0) / 1000,
    held: (b?.heldMilli ?? 0) / 1000,
  });
  return {
    id: r.id,
    name: r.name,
    limits: {
      maxConcurrentGenerations: r.max_concurrent_generations,
      keyRatePerMinute: r.key_rate_per_minute,
    },
    tokens: { test: tokens(test), live: tokens(live) },
    createdAt: r.created_at.toISOString(),
  };
}

/** The public JSON of a key; the secret itself is never stored, so never shown again. */
export const keyJson = (k: KeyRow): ApiKey => ({
  id: k.id,
  accountId: k.account_id,
  mode: k.mode,
  prefix: k.prefix,
  name: k.name,
  budgets: { dailyTokens: orNull(k.budget_daily_milli), monthlyTokens: orNull(k.budget_monthly_milli) },
  createdAt: k.created_at.toISOString(),
  lastUsedAt: iso(k.last_used_at),
  revokedAt: iso(k.revoked_at),
});

async function accountRow(db: Queryable, id: string): Promise<AccountRow> {
  const rows = await db.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
  if (!rows[0]) throw new ApiError('not_found', 404, `No account with id ${id}.`);
  return rows[0];
}

/** Operator actions on accounts, keys and balances. */
export class AccountsService {
  constructor(private readonly db: Database) {}

  async create(name: string, limits: AccountLimits) {
    const id = newId('acct');
    const rows = await this.db.query<AccountRow>(
      'INSERT INTO accounts (id, name, max_concurrent_generations, key_rate_per_minute) VALUES ($1, $2, $3, $4) RETURNING *',
      [id, name, limits.maxConcurrentGenerations ?? null, limits.keyRatePerMinute ?? null],
    );
    return accountJson(this.db, rows[0] as AccountRow);
  }

  async get(id: string) {
    return accountJson(this.db, await accountRow(this.db, id));
  }

  async setLimits(id: string, limits: AccountLimits) {
    await accountRow(this.db, id);
    const rows = await this.db.query<AccountRow>(
      `UPDATE accounts SET
         max_concurrent_generations = CASE WHEN $2 THEN $3::int ELSE max_concurrent_generations END,
         key_rate_per_minute = CASE WHEN $4 THEN $5::int ELSE key_rate_per_minute END
       WHERE id = $1 RETURNING *`,
      [
        id,
        limits.maxConcurrentGenerations !== undefined,
        limits.maxConcurrentGenerations ?? null,
        limits.keyRatePerMinute !== undefined,
        limits.keyRatePerMinute ?? null,
      ],
    );
    return accountJson(this.db, rows[0] as AccountRow);
  }

  /** A new key; its secret is in the answer once and only its hash is kept. */
  async createKey(
    accountId: string,
    o: { mode: KeyMode; name: string; dailyTokens: number | null; monthlyTokens: number | null },
  ) {
    await accountRow(this.db, accountId);
    const secret = generateKey(o.mode);
    const rows = await this.db.query<KeyRow>(
      `INSERT INTO api_keys (id, account_id, mode, key_hash, prefix, name, budget_daily_milli, budget_monthly_milli)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        newId('key'),
        accountId,
        o.mode,
        hashKey(secret),
        secret.slice(0, 12),
        o.name,
        o.dailyTokens === null ? null : Math.round(o.dailyTokens * 1000),
        o.monthlyTokens === null ? null : Math.round(o.monthlyTokens * 1000),
      ],
    );
    return { ...keyJson(rows[0] as KeyRow), key: secret };
  }

  async listKeys(accountId: string) {
    await accountRow(this.db, accountId);
    const rows = await this.db.query<KeyRow>(
      'SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at, id',
      [accountId],
    );
    return rows.map(keyJson);
  }

  async revokeKey(keyId: string) {
    const rows = await this.db.query<KeyRow>(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, clock_timestamp()) WHERE id = $1 RETURNING *',
      [keyId],
    );
    if (!rows[0]) throw new ApiError('not_found', 404, `No key with id ${keyId}.`);
    return keyJson(rows[0]);
  }

  /** Adds tokens to an account's test or live balance, with its ledger entry. */
  async grant(accountId: string, mode: KeyMode, tokens: number, note: string) {
    await accountRow(this.db, accountId);
    await this.db.transaction((tx) => grant(tx, { accountId, mode }, Math.round(tokens * 1000), note));
    return this.get(accountId);
  }
}
