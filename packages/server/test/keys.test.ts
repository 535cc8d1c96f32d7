import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway } from './harness.ts';

const ADMIN = 'admin-key-for-key-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe.each(DATABASES)('self-service keys on %s', (kind) => {
  let t: TestGateway;
  let accountId: string;
  let live: string;
  let liveId: string;
  let other: { keyId: string };

  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_ADMIN_KEY: ADMIN });
    const account = await t.api('GET', '/api/v1/account');
    accountId = account.json.id;
    const l = await t.api(
      'POST',
      `/api/v1/admin/accounts/${accountId}/keys`,
      { mode: 'live', name: 'owner' },
      admin,
    );
    expect(l.status, l.text).toBe(201);
    live = l.json.key;
    liveId = l.json.id;
    const acct = await t.api('POST', '/api/v1/admin/accounts', { name: 'Someone else' }, admin);
    const k = await t.api('POST', `/api/v1/admin/accounts/${acct.json.id}/keys`, { mode: 'test' }, admin);
    other = { keyId: k.json.id };
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('lists the test keys of the account to a test key, marking the caller', async () => {
    const r = await t.api('GET', '/api/v1/keys');
    expect(r.status, r.text).toBe(200);
    expect(r.json.data.every((k: { mode: string }) => k.mode === 'test')).toBe(true);
    expect(r.json.data.filter((k: { current: boolean }) => k.current)).toHaveLength(1);
    expect(r.json.data.map((k: { id: string }) => k.id)).not.toContain(liveId);
    expect(r.text).not.toContain(t.key);
    expect(r.json.data.every((k: { accountId: string }) => k.accountId === accountId)).toBe(true);
  });

  it('creates a test key that works at once, shown only in the answer', async () => {
    const r = await t.api('POST', '/api/v1/keys', { name: 'ci' });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ mode: 'test', name: 'ci', accountId, revokedAt: null });
    expect(r.json.key).toMatch(/^rl_test_[A-Za-z0-9]{32}$/);
    const me = await t.api('GET', '/api/v1/account', undefined, bearer(r.json.key));
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: accountId, environment: 'test' });
    const list = await t.api('GET', '/api/v1/keys');
    expect(list.json.data.map((k: { id: string }) => k.id)).toContain(r.json.id);
    expect(list.text).not.toContain(r.json.key);
  });

  it('refuses live keys to a test key, naming the field', async () => {
    const r = await t.api('POST', '/api/v1/keys', { mode: 'live' });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({ code: 'forbidden', param: 'mode' });
    const revoke = await t.api('POST', `/api/v1/keys/${liveId}/revoke`);
    expect(revoke.status).toBe(403);
    const still = await t.api('GET', '/api/v1/account', undefined, bearer(live));
    expect(still.status).toBe(200);
  });

  it('lets a live key see and make keys of both modes', async () => {
    const list = await t.api('GET', '/api/v1/keys', undefined, bearer(live));
    expect(new Set(list.json.data.map((k: { mode: string }) => k.mode))).toEqual(new Set(['test', 'live']));
    const made = await t.api('POST', '/api/v1/keys', { mode: 'live', name: 'deploy' }, bearer(live));
    expect(made.status, made.text).toBe(201);
    expect(made.json.key).toMatch(/^rl_live_/);
    const defaulted = await t.api('POST', '/api/v1/keys', {}, bearer(live));
    expect(defaulted.json.mode).toBe('live');
  });

  it('revokes a key of the account, which stops working at once', async () => {
    const made = await t.api('POST', '/api/v1/keys', { name: 'short-lived' });
    const r = await t.api('POST', `/api/v1/keys/${made.json.id}/revoke`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.revokedAt).not.toBeNull();
    expect((await t.api('GET', '/api/v1/account', undefined, bearer(made.json.key))).status).toBe(401);
  });

  it("treats another account's key as unknown", async () => {
    const r = await t.api('POST', `/api/v1/keys/${other.keyId}/revoke`);
    expect(r.status).toBe(404);
    const list = await t.api('GET', '/api/v1/keys', undefined, bearer(live));
    expect(list.json.data.map((k: { id: string }) => k.id)).not.toContain(other.keyId);
  });

  it('lets a key with a budget list keys but not create or revoke them', async () => {
    const b = await t.api('POST', '/api/v1/keys', { name: 'budgeted', dailyTokens: 10 });
    expect(b.status, b.text).toBe(201);
    expect(b.json.budgets).toEqual({ dailyTokens: 10, monthlyTokens: null });
    expect((await t.api('GET', '/api/v1/keys', undefined, bearer(b.json.key))).status).toBe(200);
    const create = await t.api('POST', '/api/v1/keys', { name: 'escape' }, bearer(b.json.key));
    expect(create.status).toBe(403);
    expect(create.json.error.message).toContain('budget');
    const revoke = await t.api('POST', `/api/v1/keys/${b.json.id}/revoke`, undefined, bearer(b.json.key));
    expect(revoke.status).toBe(403);
  });

  it('answers a bad body with a 422 naming each field, and no key with a 401', async () => {
    const r = await t.api('POST', '/api/v1/keys', { mode: 'gold', dailyTokens: -1, colour: 'red' });
    expect(r.status).toBe(422);
    const params = r.json.error.details.map((d: { param: string }) => d.param).sort();
    expect(params).toEqual(['colour', 'dailyTokens', 'mode']);
    expect((await t.api('GET', '/api/v1/keys', undefined, { authorization: '' })).status).toBe(401);
  });
});
