import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../server/test/harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ADMIN = 'cli-admin-key-0123456789abcdef';
const run = promisify(execFile);

async function reelay(
  t: TestGateway,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [
      '--import',
      'tsx',
      '--conditions=reelay-source',
      MAIN,
      '--url',
      t.baseUrl,
      '--admin-key',
      ADMIN,
      ...args,
    ]);
    return { code: 0, ...r };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('reelay CLI', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('pglite', {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_MODEL_LIFECYCLE: JSON.stringify({
        'kling-2.6': { status: 'deprecated', shutdownAt: '2999-03-01', replacement: 'kling-3.0' },
      }),
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('creates an account and a key, grants tokens, lists and revokes the key', async () => {
    const account = JSON.parse((await reelay(t, 'accounts', 'create', '--name', 'Acme', '--json')).stdout);
    expect(account).toMatchObject({ name: 'Acme', id: expect.stringMatching(/^acct_/) });
    const created = await reelay(t, 'keys', 'create', account.id, '--mode', 'live', '--name', 'prod');
    expect(created.code).toBe(0);
    const secret = /rl_live_[A-Za-z0-9]+/.exec(created.stdout)?.[0] ?? '';
    expect(secret).not.toBe('');
    const granted = await reelay(
      t,
      'tokens',
      'grant',
      account.id,
      '250.5',
      '--mode',
      'live',
      '--note',
      'invoice 7',
    );
    expect(granted.stdout).toContain('balance 250.5');
    const me = await t.api('GET', '/api/v1/account', undefined, { authorization: `Bearer ${secret}` });
    expect(me.json.tokens).toEqual({ balance: 250.5, held: 0, available: 250.5 });
    const listed = await reelay(t, 'keys', 'list', account.id);
    expect(listed.stdout).toContain('live');
    expect(listed.stdout).not.toContain(secret);
    const keyId = /key_[A-Za-z0-9]+/.exec(listed.stdout)?.[0] ?? '';
    expect((await reelay(t, 'keys', 'revoke', keyId)).stdout).toContain(`revoked ${keyId}`);
    expect(
      (await t.api('GET', '/api/v1/account', undefined, { authorization: `Bearer ${secret}` })).status,
    ).toBe(401);
  });

  it('creates a key with a budget and its alert thresholds, and names the field of bad ones', async () => {
    const made = await reelay(
      t,
      ...['keys', 'create', 'acct_dev', '--mode', 'test', '--daily-tokens', '10'],
      ...['--alert-thresholds', '90, 50', '--json'],
    );
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({
      budgets: { dailyTokens: 10 },
      budgetAlertThresholds: [50, 90],
    });
    const bad = await reelay(t, 'keys', 'create', 'acct_dev', '--mode', 'test', '--alert-thresholds', '0,80');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('422');
    expect(bad.stderr).toContain('budgetAlertThresholds');
    const word = await reelay(
      t,
      'keys',
      'create',
      'acct_dev',
      '--mode',
      'test',
      '--alert-thresholds',
      'high',
    );
    expect(word.stderr).toContain('--alert-thresholds must be a number');
  });

  it("lists each model's status", async () => {
    const listed = await reelay(t, 'models');
    expect(listed.code, listed.stderr).toBe(0);
    const line = (id: string) => listed.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
    expect(line('kling-2.6')).toContain('deprecated (until 2999-03-01, use kling-3.0)');
    expect(line('kling-3.0')).toContain('active');
    const one = await reelay(t, 'models', 'kling-2.6');
    expect(one.stdout).toContain('status: deprecated (until 2999-03-01, use kling-3.0)');
  });

  it('says what is wrong, naming the field, with a non-zero exit', async () => {
    const bad = await reelay(t, 'keys', 'create', 'acct_dev', '--mode', 'prod');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('422');
    expect(bad.stderr).toContain('mode');
    const unknown = await reelay(t, 'accounts', 'fly');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const missing = await reelay(t, 'accounts', 'create');
    expect(missing.stderr).toContain('--name');
    const notNumber = await reelay(t, 'accounts', 'create', '--name', 'x', '--max-concurrent', 'lots');
    expect(notNumber.stderr).toContain('--max-concurrent must be a number');
  });

  it('prints errors as JSON on stderr with --json, with the fields and details of the API error', async () => {
    const admin = await reelay(t, 'keys', 'create', 'acct_dev', '--mode', 'prod', '--json');
    expect(admin.code).toBe(2);
    expect(admin.stdout).toBe('');
    const adminError = JSON.parse(admin.stderr).error;
    expect(adminError).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(adminError.details.map((d: { param: string }) => d.param)).toContain('mode');
    expect(adminError.requestId).toMatch(/^req_/);

    const bad = await reelay(
      ...[t, 'generate', 'kling-3.0-omni', '--api-key', t.key, '--prompt', 'x'],
      ...['--set', 'duration=99', '--set', 'hue=red', '--json'],
    );
    expect(bad.code).toBe(2);
    const e = JSON.parse(bad.stderr).error;
    expect(e).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(e.details.map((d: { param: string }) => d.param).sort()).toEqual(['input.duration', 'input.hue']);

    const local = await reelay(t, 'accounts', 'create', '--name', 'x', '--max-concurrent', 'lots', '--json');
    expect(local.code).toBe(2);
    expect(JSON.parse(local.stderr)).toEqual({
      error: { code: 'usage', message: '--max-concurrent must be a number; got "lots"' },
    });
    const away = await reelay(t, 'models', '--url', 'http://127.0.0.1:9', '--json');
    expect(JSON.parse(away.stderr).error.code).toBe('connection');
  });
});
