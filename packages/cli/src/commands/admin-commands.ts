import type { Command } from 'commander';
import { adminClient, CliError } from '../admin-client.ts';
import { contextOf } from '../cli-context.ts';

const number = (name: string) => (raw: string) => {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new CliError(`--${name} must be a number; got "${raw}"`);
  return n;
};
/** A comma-separated list of percentages (`50,80,100`); the gateway checks their range. */
const percentages = (name: string) => (raw: string) =>
  raw
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => number(name)(part.trim()));
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const id = encodeURIComponent;

function api(command: Command) {
  const ctx = contextOf(command);
  return { ctx, call: adminClient(ctx.baseUrl, ctx.options.adminKey ?? process.env.REELAY_ADMIN_KEY).call };
}

interface Key {
  id: string;
  mode: string;
  prefix: string;
  name: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The operator's commands (admin key): accounts, keys and token grants. */
export function adminCommands(program: Command): void {
  const accounts = program
    .command('accounts')
    .description('operator: create and inspect accounts (admin key)');
  accounts
    .command('create')
    .description('create an account')
    .requiredOption('--name <name>', 'the account name')
    .option('--max-concurrent <n>', 'generations queued or running at once', number('max-concurrent'))
    .option('--rate-per-minute <n>', 'requests per minute per key', number('rate-per-minute'))
    .action(async (o, command: Command) => {
      const { ctx, call } = api(command);
      const r = await call(
        'POST',
        '/api/v1/admin/accounts',
        defined({
          name: o.name,
          maxConcurrentGenerations: o.maxConcurrent,
          keyRatePerMinute: o.ratePerMinute,
        }),
      );
      ctx.print(r, `created account ${r.id} (${r.name})`);
    });
  accounts
    .command('get <accountId>')
    .description('an account with both balances')
    .action(async (accountId: string, _o, command: Command) => {
      const { ctx, call } = api(command);
      const r = await call('GET', `/api/v1/admin/accounts/${id(accountId)}`);
      const t = r.tokens as Record<'test' | 'live', { balance: number; held: number }>;
      ctx.print(
        r,
        `${r.id} ${r.name}: test ${t.test.balance} tokens (${t.test.held} held), live ${t.live.balance} tokens (${t.live.held} held)`,
      );
    });

  const keys = program.command('keys').description('operator: API keys of an account (admin key)');
  keys
    .command('create <accountId>')
    .description('create a key; it is printed once')
    .requiredOption('--mode <mode>', 'test or live (checked by the gateway)')
    .option('--name <name>', 'a label')
    .option('--daily-tokens <n>', 'budget per UTC day', number('daily-tokens'))
    .option('--monthly-tokens <n>', 'budget per UTC month', number('monthly-tokens'))
    .option(
      '--alert-thresholds <percents>',
      'percentages of a budget that raise an alert, comma-separated (default 80,100; "" for none)',
      percentages('alert-thresholds'),
    )
    .action(async (accountId: string, o, command: Command) => {
      const { ctx, call } = api(command);
      const r = await call(
        'POST',
        `/api/v1/admin/accounts/${id(accountId)}/keys`,
        defined({
          mode: o.mode,
          name: o.name,
          dailyTokens: o.dailyTokens,
          monthlyTokens: o.monthlyTokens,
          budgetAlertThresholds: o.alertThresholds,
        }),
      );
      ctx.print(r, `created ${r.mode} key ${r.id}; it is shown only now:\n\n  ${r.key}\n`);
    });
  keys
    .command('list <accountId>')
    .description('the keys of an account (never their secrets)')
    .action(async (accountId: string, _o, command: Command) => {
      const { ctx, call } = api(command);
      const r = await call('GET', `/api/v1/admin/accounts/${id(accountId)}/keys`);
      const lines = (r.data as Key[]).map(
        (k) =>
          `${k.id}  ${k.mode}  ${k.prefix}…  ${k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`}  ${k.name}`,
      );
      ctx.print(r, lines.join('\n') || 'no keys');
    });
  keys
    .command('revoke <keyId>')
    .description('revoke a key at once')
    .action(async (keyId: string, _o, command: Command) => {
      const { ctx, call } = api(command);
      const r = await call('POST', `/api/v1/admin/keys/${id(keyId)}/revoke`);
      ctx.print(r, `revoked ${r.id} at ${r.revokedAt}`);
    });

  const tokens = program.command('tokens').description('operator: token grants (admin key)');
  tokens
    .command('grant <accountId> <tokens>')
    .description('add tokens to an account, with a ledger entry')
    .requiredOption('--mode <mode>', 'test or live (checked by the gateway)')
    .option('--note <text>', 'why, for the ledger')
    .action(async (accountId: string, amount: string, o, command: Command) => {
      const { ctx, call } = api(command);
      const n = number('TOKENS')(amount);
      const r = await call(
        'POST',
        `/api/v1/admin/accounts/${id(accountId)}/grants`,
        defined({ mode: o.mode, tokens: n, note: o.note }),
      );
      const balance = (r.tokens as Record<string, { balance: number }>)[o.mode]?.balance;
      ctx.print(r, `granted ${n} ${o.mode} tokens to ${r.id}; balance ${balance}`);
    });
}
