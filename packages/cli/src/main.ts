import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type AdminClient, adminClient, CliError } from './admin-client.ts';

const HELP = `reelay — run and administer a Reelay gateway

Usage:
  reelay serve                      run the API and a worker (same as npm start)
  reelay worker                     run a worker alone (needs DATABASE_URL)
  reelay accounts create --name NAME [--max-concurrent N] [--rate-per-minute N]
  reelay accounts get ACCOUNT_ID
  reelay keys create ACCOUNT_ID --mode test|live [--name NAME] [--daily-tokens N] [--monthly-tokens N]
  reelay keys list ACCOUNT_ID
  reelay keys revoke KEY_ID
  reelay tokens grant ACCOUNT_ID TOKENS --mode test|live [--note TEXT]

Options:
  --url URL          the gateway (default $REELAY_URL or http://localhost:8080)
  --admin-key KEY    the operator key (default $REELAY_ADMIN_KEY)
  --json             print the API's JSON answer
  -h, --help         this help
`;

const OPTIONS = {
  url: { type: 'string' },
  'admin-key': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  name: { type: 'string' },
  mode: { type: 'string' },
  note: { type: 'string' },
  'max-concurrent': { type: 'string' },
  'rate-per-minute': { type: 'string' },
  'daily-tokens': { type: 'string' },
  'monthly-tokens': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function number(values: Values, name: keyof Values): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n))
    throw new CliError(`--${name} must be a number; got "${raw}"`);
  return n;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new CliError(`missing ${what}; see reelay --help`);
  return value;
}

/** Runs one admin command and returns the answer and a one-line summary of it. */
async function admin(api: AdminClient, words: string[], v: Values): Promise<[unknown, string]> {
  const [group, action, a, b] = words;
  const body = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));
  switch (`${group} ${action}`) {
    case 'accounts create': {
      const r = await api.call(
        'POST',
        '/api/v1/admin/accounts',
        body({
          name: need(v.name, '--name'),
          maxConcurrentGenerations: number(v, 'max-concurrent'),
          keyRatePerMinute: number(v, 'rate-per-minute'),
        }),
      );
      return [r, `created account ${r.id} (${r.name})`];
    }
    case 'accounts get': {
      const r = await api.call('GET', `/api/v1/admin/accounts/${encodeURIComponent(need(a, 'ACCOUNT_ID'))}`);
      const t = r.tokens as {
        test: { balance: number; held: number };
        live: { balance: number; held: number };
      };
      return [
        r,
        `${r.id} ${r.name}: test ${t.test.balance} tokens (${t.test.held} held), live ${t.live.balance} tokens (${t.live.held} held)`,
      ];
    }
    case 'keys create': {
      const r = await api.call(
        'POST',
        `/api/v1/admin/accounts/${encodeURIComponent(need(a, 'ACCOUNT_ID'))}/keys`,
        body({
          mode: need(v.mode, '--mode test|live'),
          name: v.name,
          dailyTokens: number(v, 'daily-tokens'),
          monthlyTokens: number(v, 'monthly-tokens'),
        }),
      );
      return [r, `created ${r.mode} key ${r.id}; it is shown only now:\n\n  ${r.key}\n`];
    }
    case 'keys list': {
      const r = await api.call(
        'GET',
        `/api/v1/admin/accounts/${encodeURIComponent(need(a, 'ACCOUNT_ID'))}/keys`,
      );
      const keys = r.data as {
        id: string;
        mode: string;
        prefix: string;
        name: string;
        lastUsedAt: string | null;
        revokedAt: string | null;
      }[];
      const lines = keys.map(
        (k) =>
          `${k.id}  ${k.mode}  ${k.prefix}…  ${k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`}  ${k.name}`,
      );
      return [r, lines.join('\n') || 'no keys'];
    }
    case 'keys revoke': {
      const r = await api.call('POST', `/api/v1/admin/keys/${encodeURIComponent(need(a, 'KEY_ID'))}/revoke`);
      return [r, `revoked ${r.id} at ${r.revokedAt}`];
    }
    case 'tokens grant': {
      const tokens = Number(need(b, 'TOKENS'));
      if (!Number.isFinite(tokens)) throw new CliError(`TOKENS must be a number; got "${b}"`);
      const mode = need(v.mode, '--mode test|live');
      const r = await api.call(
        'POST',
        `/api/v1/admin/accounts/${encodeURIComponent(need(a, 'ACCOUNT_ID'))}/grants`,
        body({ mode, tokens, note: v.note }),
      );
      const balance = (r.tokens as Record<string, { balance: number }>)[mode]?.balance;
      return [r, `granted ${tokens} ${mode} tokens to ${r.id}; balance ${balance}`];
    }
  }
  throw new CliError(`unknown command "${words.join(' ')}"; see reelay --help`);
}

function runServer(role: 'all' | 'worker'): void {
  const main = fileURLToPath(new URL('../../server/src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, role], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 1));
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}; see reelay --help`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return;
  }
  if (positionals[0] === 'serve') return runServer('all');
  if (positionals[0] === 'worker') return runServer('worker');
  const api = adminClient(
    values.url ?? process.env.REELAY_URL ?? 'http://localhost:8080',
    values['admin-key'] ?? process.env.REELAY_ADMIN_KEY,
  );
  const [answer, summary] = await admin(api, positionals, values);
  process.stdout.write(values.json ? `${JSON.stringify(answer, null, 2)}\n` : `${summary}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `reelay: ${error instanceof CliError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(error instanceof CliError ? 2 : 1);
});
