import type { AdminAccount, AdminAccountPage, ApiKey } from '@reelay/contract';
import type { Database, Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { KeyMode } from '../key-mode.ts';
import {
  type AccountRecord,
  type AccountWithBalances,
  accountName,
  accountsPage,
  findAccount,
  insertAccount,
  updateAccountLimits,
} from '../store/accounts.ts';
import {
  insertKeyWithBudgets,
  type KeyRecord,
  keysOf,
  revokeKeyRow,
  setKeyRetention,
} from '../store/api-keys.ts';
import { type Balance, getBalance, grant } from '../store/ledger.ts';
import { generateKey, hashKey, type Principal } from './api-keys.ts';
import type { KeyChanges } from './authenticator.ts';

export interface AccountLimits {
  maxConcurrentGenerations?: number | null;
  keyRatePerMinute?: number | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const orNull = (milli: number | null) => (milli === null ? null : milli / 1000);

async function accountJson(db: Queryable, r: AccountRecord): Promise<AdminAccount> {
  const [test, live] = await Promise.all(
    (['test', 'live'] as const).map((mode) => getBalance(db, { accountId: r.id, mode })),
  );
  return accountWithBalancesJson({
    account: r,
    balances: {
      test: test ?? { balanceMilli: 0, heldMilli: 0 },
      live: live ?? { balanceMilli: 0, heldMilli: 0 },
    },
  });
}

function accountWithBalancesJson({ account: r, balances }: AccountWithBalances): AdminAccount {
  const { test, live } = balances;
  const tokens = (b: { balanceMilli: number; heldMilli: number } | undefined) => ({
    balance: (b?.balanceMilli ?? 0) / 1000,
    held: (b?.heldMilli ?? 0) / 1000,
  });
  return {
    id: r.id,
    name: r.name,
    limits: {
      maxConcurrentGenerations: r.maxConcurrentGenerations,
      keyRatePerMinute: r.keyRatePerMinute,
    },
    tokens: { test: tokens(test), live: tokens(live) },
    createdAt: r.createdAt.toISOString(),
  };
}

/** The public JSON of a key; the secret itself is never stored, so never shown again. */
export const keyJson = (k: KeyRecord): ApiKey => ({
  id: k.id,
  accountId: k.accountId,
  mode: k.mode,
  prefix: k.prefix,
  name: k.name,
  budgets: { dailyTokens: orNull(k.budgetDailyMilli), monthlyTokens: orNull(k.budgetMonthlyMilli) },
  defaultRetentionSeconds: k.retentionSeconds,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

async function accountRow(db: Queryable, id: string): Promise<AccountRecord> {
  const account = await findAccount(db, id);
  if (!account) throw new ApiError('not_found', 404, `No account with id ${id}.`);
  return account;
}

/** Operator actions on accounts, keys and balances. */
export class AccountsService {
  constructor(
    private readonly db: Database,
    /** Runs revocations and rate changes so that every process keeping keys hears of them before the answer. */
    private readonly keyChanges: KeyChanges = { change: (work) => work() },
  ) {}

  async create(name: string, limits: AccountLimits) {
    const account = await insertAccount(this.db, {
      id: newId('acct'),
      name,
      maxConcurrentGenerations: limits.maxConcurrentGenerations ?? null,
      keyRatePerMinute: limits.keyRatePerMinute ?? null,
    });
    return accountJson(this.db, account);
  }

  async get(id: string) {
    return accountJson(this.db, await accountRow(this.db, id));
  }

  /** A page of accounts with both balances, newest first; the cursor is the last one's id. */
  async list(q: { limit: number; cursor: string | null }): Promise<AdminAccountPage> {
    if (q.cursor !== null && !(await findAccount(this.db, q.cursor))) {
      throw new ApiError(
        'invalid_request',
        400,
        'cursor is not one this API returned; pass nextCursor unchanged.',
        {
          param: 'cursor',
        },
      );
    }
    const rows = await accountsPage(this.db, { limit: q.limit + 1, cursor: q.cursor });
    const page = rows.slice(0, q.limit);
    return {
      data: page.map(accountWithBalancesJson),
      nextCursor: rows.length > q.limit ? (page.at(-1)?.account.id ?? null) : null,
    };
  }

  async setLimits(id: string, limits: AccountLimits) {
    const before = await accountRow(this.db, id);
    const updated = await this.keyChanges.change(
      () => updateAccountLimits(this.db, id, limits),
      (after) => (after.keyRatePerMinute !== before.keyRatePerMinute ? '*' : null),
    );
    return accountJson(this.db, updated);
  }

  /** A new key; its secret is in the answer once and only its hash is kept. */
  async createKey(
    accountId: string,
    o: {
      mode: KeyMode;
      name: string;
      dailyTokens: number | null;
      monthlyTokens: number | null;
      retentionSeconds?: number | null;
    },
  ) {
    await accountRow(this.db, accountId);
    const secret = generateKey(o.mode);
    const key = await insertKeyWithBudgets(this.db, {
      id: newId('key'),
      accountId,
      mode: o.mode,
      keyHash: hashKey(secret),
      prefix: secret.slice(0, 12),
      name: o.name,
      budgetDailyMilli: o.dailyTokens === null ? null : Math.round(o.dailyTokens * 1000),
      budgetMonthlyMilli: o.monthlyTokens === null ? null : Math.round(o.monthlyTokens * 1000),
      retentionSeconds: o.retentionSeconds ?? null,
    });
    return { ...keyJson(key), key: secret };
  }

  async listKeys(accountId: string) {
    await accountRow(this.db, accountId);
    return (await keysOf(this.db, accountId)).map(keyJson);
  }

  async revokeKey(keyId: string) {
    const key = await this.keyChanges.change(
      () => revokeKeyRow(this.db, keyId),
      (row) => row?.keyHash ?? null,
    );
    if (!key) throw new ApiError('not_found', 404, `No key with id ${keyId}.`);
    return keyJson(key);
  }

  /** Sets a key's default retention in seconds (null: the server's setting); every process reads the key again. */
  async setKeyRetention(keyId: string, seconds: number | null) {
    const key = await this.keyChanges.change(
      () => setKeyRetention(this.db, keyId, seconds),
      (row) => row?.keyHash ?? null,
    );
    if (!key) throw new ApiError('not_found', 404, `No key with id ${keyId}.`);
    return keyJson(key);
  }

  /** Adds tokens to an account's test or live balance, with its ledger entry. */
  async grant(accountId: string, mode: KeyMode, tokens: number, note: string) {
    await accountRow(this.db, accountId);
    await this.db.transaction((tx) => grant(tx, { accountId, mode }, Math.round(tokens * 1000), note));
    return this.get(accountId);
  }

  /** The calling account as it sees itself: its name and its balance in the key's mode. */
  async summary(p: Principal): Promise<{ name: string; balance: Balance }> {
    const name = await accountName(this.db, p.accountId);
    return { name, balance: await getBalance(this.db, { accountId: p.accountId, mode: p.mode }) };
  }
}
