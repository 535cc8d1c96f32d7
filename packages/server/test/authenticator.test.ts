import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../src/billing/authenticator.ts';
import type { Database } from '../src/db/database.ts';
import { DATABASES, startGateway, type TestGateway } from './harness.ts';

const ADMIN = 'admin-key-for-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const LIMITS = { keyRatePerMinute: 1000, maxConcurrentGenerations: 10 };

/** A new account and key through the admin API; the key's secret and ids. */
async function newKey(t: TestGateway, limits: object = {}) {
  const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Customer', ...limits }, admin);
  expect(account.status, account.text).toBe(201);
  const key = await t.api(
    'POST',
    `/api/v1/admin/accounts/${account.json.id}/keys`,
    { mode: 'test', name: 'k' },
    admin,
  );
  expect(key.status, key.text).toBe(201);
  return {
    accountId: account.json.id as string,
    keyId: key.json.id as string,
    headers: { authorization: `Bearer ${key.json.key}` },
  };
}

/** The gateway's database with every statement sent through it recorded. */
function recording(db: Database): { db: Database; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    db: {
      ...db,
      query: (text, params) => {
        statements.push(text);
        return db.query(text, params);
      },
      script: (text) => {
        statements.push(text);
        return db.script(text);
      },
      listen: (...args) => db.listen(...args),
    },
  };
}

const writes = (statements: string[]) =>
  statements.filter((s) => /\b(INSERT|UPDATE|DELETE)\b/.test(s) && !/WHERE \$\d+::boolean/.test(s));

describe.each(DATABASES)('authentication on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_ADMIN_KEY: ADMIN });
  });
  afterAll(() => t.stop());

  it('reads a key once and counts its requests in memory: no statement per request, one write per flush', async () => {
    const k = await newKey(t);
    const secret = k.headers.authorization.slice(7);
    const { db, statements } = recording(t.gateway.db);
    const auth = new Authenticator(db, LIMITS);
    await auth.start();
    try {
      for (let i = 0; i < 200; i++) {
        const { principal, refusal } = await auth.admit(secret);
        expect(principal?.keyId).toBe(k.keyId);
        expect(refusal).toBeNull();
      }
      // One read of the key (which also records its first use), nothing for the 199 after it.
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/FROM api_keys/);
      await auth.flush();
      expect(statements).toHaveLength(2);
      expect(writes(statements)).toHaveLength(1);
      const counted = await t.gateway.db.query<{ count: number }>(
        'SELECT sum(count)::int AS count FROM rate_windows WHERE key_id = $1',
        [k.keyId],
      );
      expect(counted[0]?.count).toBe(200);
      const used = await t.gateway.db.query<{ used: boolean }>(
        'SELECT last_used_at IS NOT NULL AS used FROM api_keys WHERE id = $1',
        [k.keyId],
      );
      expect(used[0]?.used).toBe(true);
    } finally {
      await auth.close();
    }
  });

  it('refuses past the per-key rate exactly, counting every request of the minute', async () => {
    const k = await newKey(t, { keyRatePerMinute: 5 });
    const codes: number[] = [];
    for (let i = 0; i < 7; i++)
      codes.push((await t.api('GET', '/api/v1/account', undefined, k.headers)).status);
    // A minute boundary between the requests starts a new window; then the refusals come later, never earlier.
    const first = codes.indexOf(429);
    if (first !== -1) expect(first).toBeGreaterThanOrEqual(5);
    if (codes.slice(0, 5).every((c) => c === 200)) expect(codes.slice(5)).toEqual([429, 429]);
  });

  it('refuses a revoked key at once, also a key it had kept', async () => {
    for (let i = 0; i < 5; i++) {
      const k = await newKey(t);
      expect((await t.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(200);
      const revoked = await t.api('POST', `/api/v1/admin/keys/${k.keyId}/revoke`, undefined, admin);
      expect(revoked.status).toBe(200);
      expect((await t.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(401);
    }
  });

  it('takes a new per-key rate at once', async () => {
    const k = await newKey(t, { keyRatePerMinute: 100 });
    expect((await t.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(200);
    const set = await t.api('PATCH', `/api/v1/admin/accounts/${k.accountId}`, { keyRatePerMinute: 1 }, admin);
    expect(set.status, set.text).toBe(200);
    const next = await t.api('GET', '/api/v1/account', undefined, k.headers);
    // Two requests this minute (or one, if a minute began in between) against a limit of one.
    if (next.status !== 200) expect(next.status).toBe(429);
    expect((await t.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(429);
  });
});

describe('authentication across processes on PostgreSQL', () => {
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    a = await startGateway('postgres', { REELAY_ADMIN_KEY: ADMIN });
    const config = a.gateway.config.database;
    if (config.driver !== 'postgres') throw new Error('expected PostgreSQL');
    b = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN, DATABASE_URL: config.url });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('a key revoked on one process is refused at once by another that had kept it', async () => {
    for (let i = 0; i < 10; i++) {
      const k = await newKey(a);
      expect((await b.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(200);
      expect((await a.api('POST', `/api/v1/admin/keys/${k.keyId}/revoke`, undefined, admin)).status).toBe(
        200,
      );
      // The revoke answered once its own process heard the announcement, which PostgreSQL hands to every
      // listening session together; the other process acts on it when it reads its connection, within
      // milliseconds (the poll only absorbs a loaded machine's scheduling).
      await expect
        .poll(async () => (await b.api('GET', '/api/v1/account', undefined, k.headers)).status, {
          timeout: 1000,
          interval: 5,
        })
        .toBe(401);
    }
  });

  it('a key revoked in SQL by hand is refused at once too (the NOTIFY comes from the table)', async () => {
    const k = await newKey(a);
    expect((await b.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(200);
    await a.gateway.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.keyId]);
    // The notification is sent at commit; allow the listening connection to read it (milliseconds).
    await expect
      .poll(async () => (await b.api('GET', '/api/v1/account', undefined, k.headers)).status, {
        timeout: 2000,
        interval: 5,
      })
      .toBe(401);
  });

  it('shares the rate window: requests counted on one process count on the other', async () => {
    const k = await newKey(a, { keyRatePerMinute: 10 });
    const minuteLeft = 60_000 - (Date.now() % 60_000);
    if (minuteLeft < 5_000) await new Promise((r) => setTimeout(r, minuteLeft + 50));
    for (let i = 0; i < 6; i++)
      expect((await a.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(200);
    await a.gateway.authenticator.flush();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await b.api('GET', '/api/v1/account', undefined, k.headers)).status);
    expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('keeps nothing while its listening connection is down, and listens again', async () => {
    const admin_ = new pg.Client({ connectionString: (a.gateway.config.database as { url: string }).url });
    await admin_.connect();
    try {
      const k = await newKey(a);
      expect((await b.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(200);
      expect(b.gateway.authenticator.keepsKeys).toBe(true);
      // Every process's listening connection for key changes is cut.
      await admin_.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN "reelay_key_changes"%'`,
      );
      await expect.poll(() => b.gateway.authenticator.keepsKeys, { timeout: 5000 }).toBe(false);
      // Unheard, the revocation still counts: without a listener every request reads the key.
      await admin_.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [k.keyId]);
      expect((await b.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(401);
      await expect.poll(() => b.gateway.authenticator.keepsKeys, { timeout: 5000 }).toBe(true);
      const again = await newKey(a);
      expect((await b.api('GET', '/api/v1/account', undefined, again.headers)).status).toBe(200);
      expect((await a.api('POST', `/api/v1/admin/keys/${again.keyId}/revoke`, undefined, admin)).status).toBe(
        200,
      );
      // Listening again, the other process hears the revocation as in the tests above: when it reads its
      // connection, within milliseconds (the poll absorbs a loaded machine's scheduling).
      await expect
        .poll(async () => (await b.api('GET', '/api/v1/account', undefined, again.headers)).status, {
          timeout: 2000,
          interval: 5,
        })
        .toBe(401);
    } finally {
      await admin_.end();
    }
  });
});
