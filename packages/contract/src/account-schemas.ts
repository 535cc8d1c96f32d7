import { z } from 'zod';
import { Environment, nullableTimestamp, timestamp, wholeNumber } from './wire-fields.ts';

/** `GET /api/v1/account`: the calling key's account and its balance in the key's environment. */
export const Account = z.strictObject({
  id: z.string(),
  name: z.string(),
  environment: Environment,
  tokens: z.strictObject({ balance: z.number(), held: z.number(), available: z.number() }),
});

/** One row of `GET /api/v1/usage`, keyed by what it is grouped by. */
const usageTotals = {
  tokens: z.number(),
  seconds: z.number(),
  generations: wholeNumber,
};

/** `GET /api/v1/usage`: tokens spent in a period, by model or by day. */
export const Usage = z.strictObject({
  from: timestamp,
  to: timestamp,
  groupBy: z.enum(['model', 'day']),
  environment: Environment,
  data: z.array(
    z.union([
      z.strictObject({ model: z.string(), ...usageTotals }),
      z.strictObject({ day: z.string(), ...usageTotals }),
    ]),
  ),
});

/** One group of `GET /api/v1/usage/export`: the values of the dimensions grouped by, and its charges. */
export const UsageExportRow = z.strictObject({
  day: z.string().optional().meta({ description: 'UTC day, `YYYY-MM-DD`.' }),
  model: z.string().optional(),
  key: z.string().optional().meta({ description: 'The id of the key that spent.' }),
  provider: z.string().optional().meta({ description: 'Where the generation ran.' }),
  tokens: z.number().meta({ description: 'Tokens charged (captured), summed from the ledger.' }),
  generations: wholeNumber.meta({ description: 'Charges counted: one per charged generation.' }),
});

/** `GET /api/v1/usage/export?format=json`: the key's environment's charges in a period, grouped, with their total. */
export const UsageExport = z.strictObject({
  from: timestamp,
  to: timestamp,
  groupBy: z.array(z.enum(['day', 'model', 'key', 'provider'])),
  environment: Environment,
  data: z.array(UsageExportRow),
  total: z.strictObject({ tokens: z.number(), generations: wholeNumber }),
});

/** An account's balance fell below its low-balance threshold (once per crossing). */
export const BalanceLowAlert = z.strictObject({
  id: wholeNumber,
  type: z.literal('account.balance_low'),
  thresholdTokens: z.number(),
  balanceTokens: z.number().meta({ description: 'The balance just after the change that crossed it.' }),
  createdAt: timestamp,
});

/** A key's spend (charges and open holds) reached a share of its daily or monthly budget (once per period). */
export const BudgetThresholdAlert = z.strictObject({
  id: wholeNumber,
  type: z.literal('key.budget_threshold'),
  keyId: z.string(),
  period: z.enum(['day', 'month']),
  periodStart: timestamp.meta({ description: 'Start of the UTC day or month the budget is for.' }),
  percent: wholeNumber.meta({ examples: [80, 100] }),
  budgetTokens: z.number(),
  spentTokens: z.number().meta({ description: 'The spend just after the create that crossed it.' }),
  createdAt: timestamp,
});

/** One alert of `GET /api/v1/alerts`. */
export const Alert = z.discriminatedUnion('type', [BalanceLowAlert, BudgetThresholdAlert]);

/** `GET /api/v1/alerts`: a page of the environment's alerts, newest first. */
export const AlertPage = z.strictObject({
  data: z.array(Alert),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page.' }),
});

/** One change of a balance: a grant, hold, capture or release. */
export const LedgerEntry = z.strictObject({
  id: wholeNumber,
  kind: z.string().meta({ examples: ['hold', 'capture', 'release', 'grant'] }),
  tokens: z.number().meta({ description: 'Signed: what the entry added to or took from the balance.' }),
  generationId: z.string().nullable(),
  keyId: z.string().nullable(),
  note: z.string(),
  createdAt: timestamp,
});

/** `GET /api/v1/ledger`: a page of entries, newest first. */
export const LedgerPage = z.strictObject({
  data: z.array(LedgerEntry),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page.' }),
});

/** An API key without its secret, which is stored only as a hash. */
export const ApiKey = z.strictObject({
  id: z.string().meta({ examples: ['key_9o8i7u6y5t'] }),
  accountId: z.string(),
  mode: Environment,
  prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart.' }),
  name: z.string(),
  budgets: z.strictObject({ dailyTokens: z.number().nullable(), monthlyTokens: z.number().nullable() }),
  allowedModels: z
    .array(z.string())
    .nullable()
    .meta({ description: 'The only models it may create generations of; `null`: any.' }),
  allowedProviders: z.array(z.string()).nullable().meta({
    description:
      'The only providers its live generations may run on; `null`: any of the route. Test keys always run on the local renderer.',
  }),
  defaultRetentionSeconds: z.number().int().nullable().meta({
    description:
      "How long what its requests store is kept when a request sends no `retention`; null: the server's setting.",
  }),
  budgetAlertThresholds: z
    .array(z.number().int().min(1).max(100))
    .max(10)
    .meta({
      description:
        'The percentages of its daily and monthly budgets at which a `key.budget_threshold` alert is raised, ascending (once per threshold and period); `[80, 100]` unless set, `[]`: none.',
      examples: [[80, 100]],
    }),
  createdAt: timestamp,
  lastUsedAt: nullableTimestamp.meta({ description: 'Its last use, recorded at most once a minute.' }),
  revokedAt: nullableTimestamp.meta({ description: 'When it was revoked.' }),
});

/** A key just made, with its secret: shown only in this answer. */
export const NewApiKey = ApiKey.extend({ key: z.string().meta({ examples: ['rl_live_…'] }) });

/** `GET /api/v1/keys`: the account's keys; `current` marks the calling one. */
export const ApiKeyList = z.strictObject({
  data: z.array(ApiKey.extend({ current: z.boolean() })),
});

/** A balance as the operator sees it. */
export const AdminBalance = z.strictObject({
  balance: z.number(),
  held: z.number().meta({ description: 'Held for queued and running generations.' }),
});

/** An account as the operator sees it: its limits and both balances. */
export const AdminAccount = z.strictObject({
  id: z.string().meta({ examples: ['acct_2w3e4r5t6y'] }),
  name: z.string(),
  limits: z
    .strictObject({
      maxConcurrentGenerations: wholeNumber.nullable(),
      keyRatePerMinute: wholeNumber.nullable(),
    })
    .meta({ description: '`null`: the gateway default.' }),
  tokens: z.strictObject({ test: AdminBalance, live: AdminBalance }),
  lowBalanceTokens: z.number().nullable().meta({
    description:
      'A balance (test or live) falling below it raises an `account.balance_low` alert; `null`: none.',
  }),
  alertWebhookUrl: z
    .string()
    .nullable()
    .meta({ description: 'Where its alerts are sent as webhooks; `null`: nowhere.' }),
  provenance: z.boolean().meta({
    description:
      'Whether its outputs get a C2PA manifest; `false` (set by the operator where the gateway allows opting out) stores them without.',
  }),
  createdAt: timestamp,
});
