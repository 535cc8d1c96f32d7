import type { AdminAccount, AdminAccountPage, ApiKey } from '@reelay/contract';
import type { Actor } from '../audit/audit-service.ts';
import type { Database, Queryable } from '../db/database.ts';
import { ApiError, validationFailed } from '../errors.ts';
import { newId } from '../ids.ts';
import type { KeyMode } from '../key-mode.ts';
import { webhookUrlError } from '../net/webhook-url.ts';
import { PROVIDER_IDS } from '../providers/upstream-ids.ts';
import { keyRetention } from '../retention/parse-retention.ts';
import {
  type AccountRecord,
  type AccountWithBalances,
  accountName,
  accountsPage,
  findAccount,
  insertAccount,
  lockAccount,
  updateAccountLimits,
} from '../store/accounts.ts';
import {
  insertKeyWithBudgets,
  type KeyRecord,
  keyRow,
  keysOf,
  revokeKeyRow,
  setKeyAlertThresholds,
  setKeyRetention,
  updateKeyAllowlists,
} from '../store/api-keys.ts';
import { insertAuditEvent } from '../store/audit-events.ts';
import { type Balance, getBalance, grant } from '../store/ledger.ts';
import { generateKey, hashKey, type Principal } from './api-keys.ts';
import type { KeyChanges } from './authenticator.ts';
import { checkBudgetAlertThresholds, DEFAULT_BUDGET_ALERT_THRESHOLDS } from './budget-alert-thresholds.ts';
import { checkAllowlist } from './key-allowlist.ts';

export interface AccountLimits {
  maxConcurrentGenerations?: number | null;
  keyRatePerMinute?: number | null;
  /** Tokens; a balance falling below raises an `account.balance_low` alert. */
  lowBalanceTokens?: number | null;
  /** Where alerts are sent as webhooks (signed like a generation's); null: nowhere. */
  alertWebhookUrl?: string | null;
  /** False: its outputs are stored without a C2PA manifest (only where the operator allows opting out). */
  provenance?: boolean;
}

/** The limits as stored: the low-balance threshold in milli-tokens. */
const storedLimits = (l: AccountLimits) => ({
  maxConcurrentGenerations: l.maxConcurrentGenerations,
  keyRatePerMinute: l.keyRatePerMinute,
  lowBalanceMilli:
    l.lowBalanceTokens === undefined || l.lowBalanceTokens === null
      ? l.lowBalanceTokens
      : Math.round(l.lowBalanceTokens * 1000),
  alertWebhookUrl: l.alertWebhookUrl,
  provenance: l.provenance,
});

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
    lowBalanceTokens: orNull(r.lowBalanceMilli),
    alertWebhookUrl: r.alertWebhookUrl,
    provenance: r.provenance,
    createdAt: r.createdAt.toISOString(),
  };
}

/** The percentages at which a key's budgets raise alerts: its own, else the default. */
const alertThresholdsOf = (k: KeyRecord) => k.budgetAlertThresholds ?? [...DEFAULT_BUDGET_ALERT_THRESHOLDS];

/** The public JSON of a key; the secret itself is never stored, so never shown again. */
export const keyJson = (k: KeyRecord): ApiKey => ({
  id: k.id,
  accountId: k.accountId,
  mode: k.mode,
  prefix: k.prefix,
  name: k.name,
  budgets: { dailyTokens: orNull(k.budgetDailyMilli), monthlyTokens: orNull(k.budgetMonthlyMilli) },
  allowedModels: k.allowedModels,
  allowedProviders: k.allowedProviders,
  defaultRetentionSeconds: k.retentionSeconds,
  budgetAlertThresholds: alertThresholdsOf(k),
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

const limitsOf = (a: AccountRecord) => ({
  maxConcurrentGenerations: a.maxConcurrentGenerations,
  keyRatePerMinute: a.keyRatePerMinute,
  lowBalanceTokens: orNull(a.lowBalanceMilli),
  alertWebhookUrl: a.alertWebhookUrl,
  provenance: a.provenance,
});

/** The account and target of an audit event about key `k`. */
const keyEvent = (action: string, k: KeyRecord) => ({ action, accountId: k.accountId, targetId: k.id });

const keyDetails = (k: KeyRecord) => ({
  mode: k.mode,
  name: k.name,
  budgets: { dailyTokens: orNull(k.budgetDailyMilli), monthlyTokens: orNull(k.budgetMonthlyMilli) },
  allowedModels: k.allowedModels,
  allowedProviders: k.allowedProviders,
  budgetAlertThresholds: alertThresholdsOf(k),
});

async function accountRow(db: Queryable, id: string): Promise<AccountRecord> {
  const account = await findAccount(db, id);
  if (!account) throw new ApiError('not_found', 404, `No account with id ${id}.`);
  return account;
}

/** Operator actions on accounts, keys and balances; each change is recorded in the audit log in its own transaction. */
export class AccountsService {
  constructor(
    private readonly db: Database,
    /** Runs revocations and rate changes so that every process keeping keys hears of them before the answer. */
    private readonly keyChanges: KeyChanges = { change: (work) => work() },
    /** Whether a provider id is one a key's allowlist may name. */
    private readonly knownProvider: (id: string) => boolean = (id) => PROVIDER_IDS.includes(id),
    /** Why an alert webhook URL is refused (the rules of a generation's `webhookUrl`), or null. */
    private readonly alertUrlError: (url: string) => string | null = (url) =>
      webhookUrlError(url, false)?.message ?? null,
    /** Whether the operator allows outputs without a C2PA manifest (REELAY_C2PA_ALLOW_OPT_OUT). */
    private readonly allowProvenanceOptOut = false,
  ) {}

  /** Refuses (422, naming `provenance`) turning an account's manifests off where the operator does not allow it. */
  private checkProvenance(limits: AccountLimits): void {
    if (limits.provenance !== false || this.allowProvenanceOptOut) return;
    throw validationFailed([
      {
        param: 'provenance',
        code: 'not_allowed',
        message:
          'provenance: false is not allowed by this gateway: every output carries a C2PA manifest (REELAY_C2PA_ALLOW_OPT_OUT allows turning it off).',
      },
    ]);
  }

  private checkAlertUrl(limits: AccountLimits): void {
    const url = limits.alertWebhookUrl;
    const message = typeof url === 'string' ? this.alertUrlError(url) : null;
    if (message !== null) {
      throw validationFailed([
        {
          param: 'alertWebhookUrl',
          code: 'invalid_value',
          message: message.replace('webhookUrl', 'alertWebhookUrl'),
        },
      ]);
    }
  }

  async create(name: string, limits: AccountLimits, by: Actor) {
    this.checkAlertUrl(limits);
    const account = await this.db.transaction(async (tx) => {
      const made = await insertAccount(tx, {
        id: newId('acct'),
        name,
        maxConcurrentGenerations: limits.maxConcurrentGenerations ?? null,
        keyRatePerMinute: limits.keyRatePerMinute ?? null,
        lowBalanceMilli: storedLimits(limits).lowBalanceMilli ?? null,
        alertWebhookUrl: limits.alertWebhookUrl ?? null,
      });
      await insertAuditEvent(tx, {
        ...by,
        action: 'account.created',
        accountId: made.id,
        targetId: made.id,
        details: { name, limits: limitsOf(made) },
      });
      return made;
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

  async setLimits(id: string, limits: AccountLimits, by: Actor) {
    this.checkAlertUrl(limits);
    this.checkProvenance(limits);
    const { after: updated } = await this.keyChanges.change(
      () =>
        this.db.transaction(async (tx) => {
          // Read under the row's lock, in the change's transaction, so the audit's "before" is what it replaced
          // even when another change of the same account commits meanwhile.
          const before = await lockAccount(tx, id);
          if (!before) throw new ApiError('not_found', 404, `No account with id ${id}.`);
          const after = await updateAccountLimits(tx, id, storedLimits(limits));
          await insertAuditEvent(tx, {
            ...by,
            action: 'account.limits_changed',
            accountId: id,
            targetId: id,
            details: { before: limitsOf(before), after: limitsOf(after) },
          });
          return { before, after };
        }),
      ({ before, after }) => (after.keyRatePerMinute !== before.keyRatePerMinute ? '*' : null),
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
      allowedModels?: unknown;
      allowedProviders?: unknown;
      retentionSeconds?: number | null;
      /** Checked here (`checkBudgetAlertThresholds`); absent or null: the default. */
      budgetAlertThresholds?: unknown;
    },
    by: Actor,
  ) {
    const allow = checkAllowlist(o, this.knownProvider);
    const thresholds = checkBudgetAlertThresholds(o.budgetAlertThresholds) ?? null;
    await accountRow(this.db, accountId);
    const secret = generateKey(o.mode);
    const key = await this.db.transaction(async (tx) => {
      const made = await insertKeyWithBudgets(tx, {
        id: newId('key'),
        accountId,
        mode: o.mode,
        keyHash: hashKey(secret),
        prefix: secret.slice(0, 12),
        name: o.name,
        budgetDailyMilli: o.dailyTokens === null ? null : Math.round(o.dailyTokens * 1000),
        budgetMonthlyMilli: o.monthlyTokens === null ? null : Math.round(o.monthlyTokens * 1000),
        allowedModels: allow.models ?? null,
        allowedProviders: allow.providers ?? null,
        retentionSeconds: o.retentionSeconds ?? null,
        budgetAlertThresholds: thresholds,
      });
      await insertAuditEvent(tx, { ...by, ...keyEvent('key.created', made), details: keyDetails(made) });
      return made;
    });
    return { ...keyJson(key), key: secret };
  }

  async listKeys(accountId: string) {
    await accountRow(this.db, accountId);
    return (await keysOf(this.db, accountId)).map(keyJson);
  }

  async revokeKey(keyId: string, by: Actor) {
    const key = await this.keyChanges.change(
      () =>
        this.db.transaction(async (tx) => {
          const row = await revokeKeyRow(tx, keyId);
          if (row) await insertAuditEvent(tx, { ...by, ...keyEvent('key.revoked', row), details: {} });
          return row;
        }),
      (row) => row?.keyHash ?? null,
    );
    if (!key) throw new ApiError('not_found', 404, `No key with id ${keyId}.`);
    return keyJson(key);
  }

  /**
   * Changes a key: its allowlists (an absent one is left as it is, null lifts it), its default retention
   * (`defaultRetention`: seconds or an ISO-8601 duration, null for the server's setting, absent to leave it) and the
   * percentages of its budgets at which alerts are raised (`budgetAlertThresholds`, null for the default, absent to
   * leave them), each with its audit event in one transaction; the change is in force on every process when this
   * returns (see `KeyChanges`).
   */
  async changeKey(
    keyId: string,
    c: {
      allowedModels?: unknown;
      allowedProviders?: unknown;
      defaultRetention?: unknown;
      budgetAlertThresholds?: unknown;
    },
    by: Actor,
  ) {
    const allow = checkAllowlist(c, this.knownProvider);
    const allowlists = allow.models !== undefined || allow.providers !== undefined;
    const retention =
      c.defaultRetention === undefined ? undefined : (keyRetention(c.defaultRetention) ?? null);
    const thresholds = checkBudgetAlertThresholds(c.budgetAlertThresholds);
    const key = await this.keyChanges.change(
      () =>
        this.db.transaction(async (tx) => {
          let row = allowlists ? await updateKeyAllowlists(tx, keyId, allow) : await keyRow(tx, keyId);
          if (row && allowlists) {
            await insertAuditEvent(tx, {
              ...by,
              ...keyEvent('key.allowlists_changed', row),
              details: { allowedModels: row.allowedModels, allowedProviders: row.allowedProviders },
            });
          }
          if (row && retention !== undefined) {
            row = await setKeyRetention(tx, keyId, retention);
            if (row) {
              await insertAuditEvent(tx, {
                ...by,
                ...keyEvent('key.retention_changed', row),
                details: { defaultRetentionSeconds: row.retentionSeconds },
              });
            }
          }
          if (row && thresholds !== undefined) {
            const before = alertThresholdsOf(row);
            row = await setKeyAlertThresholds(tx, keyId, thresholds);
            if (row) {
              await insertAuditEvent(tx, {
                ...by,
                ...keyEvent('key.alert_thresholds_changed', row),
                details: {
                  before: { budgetAlertThresholds: before },
                  after: { budgetAlertThresholds: alertThresholdsOf(row) },
                },
              });
            }
          }
          return row;
        }),
      // Only what processes keep of a key is announced (migrations 021, 022); the thresholds are read at each create.
      (row) => (row && (allowlists || retention !== undefined) ? row.keyHash : null),
    );
    if (!key) throw new ApiError('not_found', 404, `No key with id ${keyId}.`);
    return keyJson(key);
  }

  /** Adds tokens to an account's test or live balance, with its ledger entry. */
  async grant(accountId: string, mode: KeyMode, tokens: number, note: string, by: Actor) {
    await accountRow(this.db, accountId);
    const milli = Math.round(tokens * 1000);
    await this.db.transaction(async (tx) => {
      await grant(tx, { accountId, mode }, milli, note);
      await insertAuditEvent(tx, {
        ...by,
        action: 'balance.granted',
        accountId,
        targetId: accountId,
        details: { mode, tokens: milli / 1000, note },
      });
    });
    return this.get(accountId);
  }

  /** The calling account as it sees itself: its name and its balance in the key's mode. */
  async summary(p: Principal): Promise<{ name: string; balance: Balance }> {
    const name = await accountName(this.db, p.accountId);
    return { name, balance: await getBalance(this.db, { accountId: p.accountId, mode: p.mode }) };
  }
}
