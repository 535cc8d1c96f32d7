import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './databases.ts';
import { makePng, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { freePort, startProcess } from './processes.ts';

const ADMIN = 'admin-key-for-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const cheap = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a paper boat', audioEnabled: false },
}; // 19.2 tokens

/** A new account with a key of `mode`, through the admin API. */
async function newAccount(
  t: TestGateway,
  o: { tokens?: number; mode?: 'test' | 'live'; limits?: object; key?: object } = {},
) {
  const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Customer', ...o.limits }, admin);
  expect(account.status, account.text).toBe(201);
  const mode = o.mode ?? 'test';
  const key = await t.api(
    'POST',
    `/api/v1/admin/accounts/${account.json.id}/keys`,
    { mode, name: 'ci', ...o.key },
    admin,
  );
  expect(key.status, key.text).toBe(201);
  if (o.tokens) {
    const g = await t.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/grants`,
      { mode, tokens: o.tokens },
      admin,
    );
    expect(g.status, g.text).toBe(201);
  }
  return {
    id: account.json.id as string,
    keyId: key.json.id as string,
    headers: { authorization: `Bearer ${key.json.key}` },
  };
}

describe('accounts, keys and limits', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN, REELAY_MAX_CONCURRENT_GENERATIONS: '1000' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('guards the admin API with the admin key only', async () => {
    expect((await t.api('POST', '/api/v1/admin/accounts', { name: 'x' })).status).toBe(401);
    expect(
      (
        await t.api(
          'POST',
          '/api/v1/admin/accounts',
          { name: 'x' },
          { authorization: 'Bearer wrong-wrong-wrong-wrong-wrong' },
        )
      ).status,
    ).toBe(401);
    const off = await startGateway('pglite');
    try {
      const r = await off.api('POST', '/api/v1/admin/accounts', { name: 'x' }, admin);
      expect(r.status).toBe(403);
      expect(r.json.error.message).toContain('REELAY_ADMIN_KEY');
    } finally {
      await off.stop();
    }
  });

  it('answers bad admin bodies with a 422 naming each field', async () => {
    const r = await t.api(
      'POST',
      '/api/v1/admin/accounts',
      { name: '', maxConcurrentGenerations: 'many', color: 'red' },
      admin,
    );
    expect(r.status).toBe(422);
    const params = r.json.error.details.map((d: { param: string }) => d.param).sort();
    expect(params).toEqual(['color', 'maxConcurrentGenerations', 'name']);
    const key = await t.api('POST', '/api/v1/admin/accounts/acct_dev/keys', { mode: 'prod' }, admin);
    expect(key.status).toBe(422);
    expect(key.json.error.param).toBe('mode');
    expect(
      (await t.api('POST', '/api/v1/admin/accounts/acct_nope/grants', { mode: 'test', tokens: 5 }, admin))
        .status,
    ).toBe(404);
    expect(
      (await t.api('POST', '/api/v1/admin/accounts/acct_dev/grants', { mode: 'test', tokens: -5 }, admin))
        .status,
    ).toBe(422);
  });

  it('grants once for a repeated Idempotency-Key on the admin API', async () => {
    const a = await newAccount(t);
    const grant = () =>
      t.api(
        'POST',
        `/api/v1/admin/accounts/${a.id}/grants`,
        { mode: 'test', tokens: 70 },
        { ...admin, 'idempotency-key': 'grant-1' },
      );
    const [first, second] = [await grant(), await grant()];
    expect(first.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(
      (await t.api('GET', `/api/v1/admin/accounts/${a.id}`, undefined, admin)).json.tokens.test.balance,
    ).toBe(70);
  });

  it('shows a key once, stores only its hash, records its last use and revokes it', async () => {
    const a = await newAccount(t, { tokens: 100 });
    const listed = await t.api('GET', `/api/v1/admin/accounts/${a.id}/keys`, undefined, admin);
    expect(listed.json.data).toHaveLength(1);
    expect(listed.json.data[0].key).toBeUndefined();
    expect(listed.json.data[0].lastUsedAt).toBeNull();
    const stored = await t.gateway.db.query<{ key_hash: string }>(
      'SELECT key_hash FROM api_keys WHERE id = $1',
      [a.keyId],
    );
    expect(stored[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]?.key_hash).not.toContain(a.headers.authorization.slice(7));
    expect((await t.api('GET', '/api/v1/account', undefined, a.headers)).json.tokens.balance).toBe(100);
    const used = await t.api('GET', `/api/v1/admin/accounts/${a.id}/keys`, undefined, admin);
    expect(used.json.data[0].lastUsedAt).toEqual(expect.any(String));
    const revoked = await t.api('POST', `/api/v1/admin/keys/${a.keyId}/revoke`, undefined, admin);
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    expect((await t.api('GET', '/api/v1/account', undefined, a.headers)).status).toBe(401);
  });

  it('keeps test and live tokens apart; a generation says which it ran in', async () => {
    const live = await newAccount(t, { tokens: 50, mode: 'live' });
    const g = await t.api('POST', '/api/v1/generations', cheap, live.headers);
    expect(g.status, g.text).toBe(202);
    expect(g.json.environment).toBe('live');
    const acct = await t.api('GET', `/api/v1/admin/accounts/${live.id}`, undefined, admin);
    expect(acct.json.tokens.live.held + acct.json.tokens.live.balance).toBeGreaterThan(0);
    expect(acct.json.tokens.test).toEqual({ balance: 0, held: 0 });
    const test = await t.api('POST', `/api/v1/admin/accounts/${live.id}/keys`, { mode: 'test' }, admin);
    const refused = await t.api('POST', '/api/v1/generations', cheap, {
      authorization: `Bearer ${test.json.key}`,
    });
    expect(refused.status).toBe(402);
    await waitForFinal(t, g.json.id, live.headers);
  });

  it('replays the first answer for a repeated Idempotency-Key, once, even under concurrent duplicates', async () => {
    const a = await newAccount(t, { tokens: 1000 });
    const headers = { ...a.headers, 'idempotency-key': 'order-42' };
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => t.api('POST', '/api/v1/generations', cheap, headers)),
    );
    const accepted = answers.filter((r) => r.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((r) => r.json.id)).size).toBe(1);
    for (const r of answers.filter((x) => x.status !== 202)) expect(r.status).toBe(409);
    const again = await t.api('POST', '/api/v1/generations', cheap, headers);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(accepted[0]?.json);
    const holds = await t.gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_entries WHERE account_id = $1 AND kind = 'hold'`,
      [a.id],
    );
    expect(holds[0]?.n).toBe(1);
    const other = await t.api(
      'POST',
      '/api/v1/generations',
      { ...cheap, input: { prompt: 'another' } },
      headers,
    );
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('idempotency_conflict');
    const png = new Uint8Array(await makePng(320, 320, [9, 9, 9]));
    const up1 = await t.api('POST', '/api/v1/assets', png, {
      ...a.headers,
      'content-type': 'image/png',
      'idempotency-key': 'upload-1',
    });
    const up2 = await t.api('POST', '/api/v1/assets', png, {
      ...a.headers,
      'content-type': 'image/png',
      'idempotency-key': 'upload-1',
    });
    expect(up1.status).toBe(201);
    expect(up2.status).toBe(201);
    expect(up2.json.id).toBe(up1.json.id);
    await waitForFinal(t, accepted[0]?.json.id, a.headers);
  });

  it('forgets an Idempotency-Key after 24 hours and never shares one between accounts', async () => {
    const a = await newAccount(t, { tokens: 1000 });
    const b = await newAccount(t, { tokens: 1000 });
    const first = await t.api('POST', '/api/v1/generations', cheap, {
      ...a.headers,
      'idempotency-key': 'shared',
    });
    const other = await t.api('POST', '/api/v1/generations', cheap, {
      ...b.headers,
      'idempotency-key': 'shared',
    });
    expect(other.status).toBe(202);
    expect(other.json.id).not.toBe(first.json.id);
    await t.gateway.db.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE account_id = $1`,
      [`${a.id}:test`],
    );
    await t.gateway.db.query(
      `UPDATE generations SET created_at = now() - interval '25 hours' WHERE account_id = $1`,
      [a.id],
    );
    const later = await t.api(
      'POST',
      '/api/v1/generations',
      { ...cheap, input: { prompt: 'new' } },
      { ...a.headers, 'idempotency-key': 'shared' },
    );
    expect(later.status).toBe(202);
    expect(later.json.id).not.toBe(first.json.id);
    for (const [g, h] of [
      [first, a],
      [other, b],
      [later, a],
    ] as const)
      await waitForFinal(t, g.json.id, h.headers);
  });

  it('limits a key’s requests per minute with 429 and Retry-After', async () => {
    const a = await newAccount(t, { limits: { keyRatePerMinute: 3 } });
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push((await t.api('GET', '/api/v1/account', undefined, a.headers)).status);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const r = await t.api('GET', '/api/v1/account', undefined, a.headers);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(r.json.error.code).toBe('rate_limited');
  });

  it('limits an account’s queued and running generations with 429', async () => {
    const a = await newAccount(t, { tokens: 1000, limits: { maxConcurrentGenerations: 2 } });
    const r = await Promise.all(
      Array.from({ length: 5 }, () => t.api('POST', '/api/v1/generations', cheap, a.headers)),
    );
    expect(r.filter((x) => x.status === 202)).toHaveLength(2);
    const limited = r.filter((x) => x.status === 429);
    expect(limited).toHaveLength(3);
    expect(limited[0]?.headers.get('retry-after')).toBe('5');
    for (const g of r.filter((x) => x.status === 202)) await waitForFinal(t, g.json.id, a.headers);
    expect((await t.api('POST', '/api/v1/generations', cheap, a.headers)).status).toBe(202);
  });

  it('enforces a key’s daily budget from the ledger and reports the same numbers', async () => {
    const a = await newAccount(t, { tokens: 1000, key: { dailyTokens: 40 } });
    const first = await t.api('POST', '/api/v1/generations', cheap, a.headers);
    const second = await t.api('POST', '/api/v1/generations', cheap, a.headers);
    const third = await t.api('POST', '/api/v1/generations', cheap, a.headers);
    expect([first.status, second.status, third.status]).toEqual([202, 202, 402]);
    expect(third.json.error.code).toBe('budget_exceeded');
    expect(third.json.error.message).toContain('38.4 are spent or held');
    await waitForFinal(t, first.json.id, a.headers);
    await waitForFinal(t, second.json.id, a.headers);
    const usage = await t.api('GET', '/api/v1/usage?groupBy=model', undefined, a.headers);
    expect(usage.json.data).toEqual([{ model: 'kling-3.0-omni', tokens: 38.4, seconds: 6, generations: 2 }]);
    const byDay = await t.api('GET', '/api/v1/usage?groupBy=day', undefined, a.headers);
    expect(byDay.json.data[0]).toMatchObject({ day: new Date().toISOString().slice(0, 10), tokens: 38.4 });
    const ledger = await t.api('GET', '/api/v1/ledger?limit=3', undefined, a.headers);
    expect(ledger.json.data.map((e: { kind: string }) => e.kind)).toEqual(['capture', 'capture', 'hold']);
    const rest = await t.api(
      'GET',
      `/api/v1/ledger?limit=3&cursor=${ledger.json.nextCursor}`,
      undefined,
      a.headers,
    );
    expect(rest.json.data.map((e: { kind: string }) => e.kind)).toEqual(['hold', 'grant']);
    expect(rest.json.nextCursor).toBeNull();
    expect((await t.api('GET', '/api/v1/usage?from=yesterday', undefined, a.headers)).json.error.param).toBe(
      'from',
    );
    expect((await t.api('GET', '/api/v1/usage?groupBy=week', undefined, a.headers)).json.error.param).toBe(
      'groupBy',
    );
  });

  it('accepts exactly what the balance covers among 200 concurrent creates (one process, PGlite)', async () => {
    const a = await newAccount(t, { tokens: 192 });
    const r = await Promise.all(
      Array.from({ length: 200 }, () => t.api('POST', '/api/v1/generations', cheap, a.headers)),
    );
    expect(r.filter((x) => x.status === 202)).toHaveLength(10);
    expect(r.filter((x) => x.status === 402)).toHaveLength(190);
    const acct = (await t.api('GET', `/api/v1/admin/accounts/${a.id}`, undefined, admin)).json.tokens.test;
    expect(acct.balance - acct.held).toBeCloseTo(0, 9);
  });
});

describe('200 concurrent creates across three server processes on PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let drop: () => Promise<void> = async () => {};
  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map(
        (c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))),
      ),
    );
    await drop();
  });

  it('accepts exactly 10 and refuses 190 with 402', async () => {
    const pg = await createPostgresDatabase();
    drop = pg.drop;
    const ports = [await freePort(), await freePort(), await freePort()];
    const common = {
      DATABASE_URL: pg.url,
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_DEV_ACCOUNT: 'off',
      REELAY_MAX_CONCURRENT_GENERATIONS: '1000',
    };
    for (const [i, port] of ports.entries()) {
      children.push(
        await startProcess(
          { ...common, PORT: String(port), REELAY_DATA_DIR: `/tmp/reelay-multi-${port}` },
          'listening',
          [i === 0 ? 'all' : 'api'],
        ),
      );
    }
    const call = async (
      port: number,
      method: string,
      path: string,
      body: unknown,
      headers: Record<string, string>,
    ) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, string> };
    };
    const port0 = ports[0] as number;
    const account = await call(port0, 'POST', '/api/v1/admin/accounts', { name: 'multi' }, admin);
    const key = await call(
      port0,
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/keys`,
      { mode: 'test' },
      admin,
    );
    await call(
      port0,
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/grants`,
      { mode: 'test', tokens: 192 },
      admin,
    );
    const auth = { authorization: `Bearer ${key.json.key}` };
    const r = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(ports[i % 3] as number, 'POST', '/api/v1/generations', cheap, auth),
      ),
    );
    expect(r.filter((x) => x.status === 202)).toHaveLength(10);
    expect(r.filter((x) => x.status === 402)).toHaveLength(190);
  });
});
