import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway } from './harness.ts';

const ADMIN = 'admin-key-for-audit-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const LIVE_KEY = 'rl_live_audit0000000000000000001';

describe.each(DATABASES)('the audit log on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_ADMIN_KEY: ADMIN, REELAY_DEV_KEY: LIVE_KEY });
  });
  afterAll(() => t?.stop());

  const audit = (query = '') => t.api('GET', `/api/v1/audit${query}`, undefined, admin);

  it('records every admin change to an account, its keys and its balance: who, when, from where, what', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Audited' }, admin);
    const id = account.json.id as string;
    const key = await t.api('POST', `/api/v1/admin/accounts/${id}/keys`, { mode: 'live', name: 'ci' }, admin);
    await t.api(
      'POST',
      `/api/v1/admin/accounts/${id}/grants`,
      { mode: 'live', tokens: 12.5, note: 'pilot' },
      admin,
    );
    await t.api('PATCH', `/api/v1/admin/accounts/${id}`, { keyRatePerMinute: 30 }, admin);
    await t.api('PATCH', `/api/v1/admin/keys/${key.json.id}`, { allowedModels: ['nano-banana'] }, admin);
    await t.api('POST', `/api/v1/admin/keys/${key.json.id}/revoke`, undefined, admin);

    const r = await audit(`?accountId=${id}`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.nextCursor).toBeNull();
    expect(r.json.data.map((e: { action: string }) => e.action)).toEqual([
      'key.revoked',
      'key.allowlists_changed',
      'account.limits_changed',
      'balance.granted',
      'key.created',
      'account.created',
    ]);
    for (const e of r.json.data) {
      expect(e).toMatchObject({ actor: 'admin', clientIp: '127.0.0.1', accountId: id });
      expect(e.createdAt >= started).toBe(true);
    }
    const [revoked, allowlists, limits, granted, created] = r.json.data;
    expect(revoked.targetId).toBe(key.json.id);
    expect(allowlists.details).toEqual({ allowedModels: ['nano-banana'], allowedProviders: null });
    expect(limits.details).toEqual({
      before: {
        maxConcurrentGenerations: null,
        keyRatePerMinute: null,
        lowBalanceTokens: null,
        alertWebhookUrl: null,
        provenance: true,
      },
      after: {
        maxConcurrentGenerations: null,
        keyRatePerMinute: 30,
        lowBalanceTokens: null,
        alertWebhookUrl: null,
        provenance: true,
      },
    });
    expect(granted.details).toEqual({ mode: 'live', tokens: 12.5, note: 'pilot' });
    expect(created.details).toMatchObject({ mode: 'live', name: 'ci', allowedModels: null });
    expect(JSON.stringify(r.json)).not.toContain(key.json.key);
  });

  it('names the key that made or revoked a key through the self-service API', async () => {
    const made = await t.api(
      'POST',
      '/api/v1/keys',
      { name: 'by-key' },
      { authorization: `Bearer ${LIVE_KEY}` },
    );
    expect(made.status, made.text).toBe(201);
    const keys = await t.api('GET', '/api/v1/keys', undefined, { authorization: `Bearer ${LIVE_KEY}` });
    const self = keys.json.data.find((k: { current: boolean }) => k.current).id;
    await t.api('POST', `/api/v1/keys/${made.json.id}/revoke`, undefined, {
      authorization: `Bearer ${LIVE_KEY}`,
    });
    const r = await audit(`?actor=${self}`);
    expect(r.json.data.map((e: { action: string; targetId: string }) => [e.action, e.targetId])).toEqual([
      ['key.revoked', made.json.id],
      ['key.created', made.json.id],
    ]);
  });

  it('records what each of two changes at once replaced: one after the other, never both from the same row', async () => {
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Raced' }, admin);
    const id = account.json.id as string;
    const changes = await Promise.all(
      [5, 7, 9].map((n) =>
        t.api('PATCH', `/api/v1/admin/accounts/${id}`, { maxConcurrentGenerations: n }, admin),
      ),
    );
    for (const c of changes) expect(c.status, c.text).toBe(200);
    const events = (await audit(`?accountId=${id}&action=account.limits_changed`)).json.data.reverse();
    const steps = events.map(
      (e: {
        details: {
          before: { maxConcurrentGenerations: number | null };
          after: { maxConcurrentGenerations: number };
        };
      }) => [e.details.before.maxConcurrentGenerations, e.details.after.maxConcurrentGenerations],
    );
    expect(steps).toHaveLength(3);
    // A chain: each change's "before" is the one committed before it.
    expect(steps[0][0]).toBeNull();
    for (let i = 1; i < steps.length; i++) expect(steps[i][0]).toBe(steps[i - 1][1]);
    expect(steps.map((s: number[]) => s[1]).sort()).toEqual([5, 7, 9]);
  });

  it('records nothing for a change that did not happen', async () => {
    const before = (await audit('?limit=1')).json.data[0].id;
    expect((await t.api('POST', '/api/v1/admin/keys/key_none/revoke', undefined, admin)).status).toBe(404);
    expect((await t.api('PATCH', '/api/v1/admin/keys/key_none', { allowedModels: null }, admin)).status).toBe(
      404,
    );
    expect((await audit('?limit=1')).json.data[0].id).toBe(before);
  });

  it('commits a change only together with its event', async () => {
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Atomic' }, admin);
    const id = account.json.id as string;
    // An event the log refuses to take: the grant it records must not commit either.
    await t.gateway.db.query(
      `ALTER TABLE audit_events ADD CONSTRAINT refuse_${kind} CHECK (action <> 'balance.granted' OR account_id <> '${id}')`,
    );
    try {
      const grant = await t.api(
        'POST',
        `/api/v1/admin/accounts/${id}/grants`,
        { mode: 'live', tokens: 5 },
        admin,
      );
      expect(grant.status).toBe(500);
      const after = await t.api('GET', `/api/v1/admin/accounts/${id}`, undefined, admin);
      expect(after.json.tokens.live.balance).toBe(0);
    } finally {
      await t.gateway.db.query(`ALTER TABLE audit_events DROP CONSTRAINT refuse_${kind}`);
    }
  });

  it('pages and filters like the other lists, and names a bad parameter', async () => {
    const all = (await audit('?limit=200')).json.data;
    const first = await audit('?limit=2');
    expect(first.json.data).toEqual(all.slice(0, 2));
    const second = await audit(`?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.data).toEqual(all.slice(2, 4));
    const grants = await audit('?action=balance.granted');
    expect(grants.json.data.length).toBeGreaterThan(0);
    expect(grants.json.data.every((e: { action: string }) => e.action === 'balance.granted')).toBe(true);
    expect((await audit('?from=2999-01-01')).json.data).toEqual([]);
    for (const [query, param] of [
      ['?limit=0', 'limit'],
      ['?cursor=abc', 'cursor'],
      ['?from=yesterday', 'from'],
      ['?to=2026-13-45', 'to'],
      ['?from=2026-02-01&to=2026-01-01', 'from'],
    ]) {
      const r = await audit(query);
      expect(r.status, query).toBe(400);
      expect(r.json.error.param).toBe(param);
    }
  });

  it('is the operator’s alone', async () => {
    const r = await t.api('GET', '/api/v1/audit', undefined, { authorization: `Bearer ${LIVE_KEY}` });
    expect(r.status).toBe(401);
    expect(JSON.stringify(r.json)).not.toContain('key.created');
  });
});
