import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

const ADMIN = 'admin-key-for-threshold-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
/** A test-mode image of 2 tokens. */
const image = (prompt: string) => ({ type: 'image', model: 'nano-banana', input: { prompt } });

interface BudgetAlert {
  type: string;
  keyId: string;
  period: string;
  percent: number;
  budgetTokens: number;
  spentTokens: number;
}

describe.each(DATABASES)('per-key budget alert thresholds on %s', (kind) => {
  let t: TestGateway;
  let accountId: string;
  /** An unrestricted test key of the account, for its self-service key routes. */
  let owner: Record<string, string>;

  async function run(headers: Record<string, string>, prompt: string) {
    const created = await t.api('POST', '/api/v1/generations', image(prompt), headers);
    expect(created.status, created.text).toBe(202);
    expect((await waitForFinal(t, created.json.id, headers)).json.status).toBe('succeeded');
    expect(created.json.quote.tokens).toBe(2);
  }
  /** The percentages of the budget alerts of one key, oldest first. */
  async function firedFor(keyId: string): Promise<number[]> {
    const page = await t.api('GET', '/api/v1/alerts?limit=100', undefined, owner);
    expect(page.status, page.text).toBe(200);
    return (page.json.data as BudgetAlert[])
      .filter((a) => a.type === 'key.budget_threshold' && a.keyId === keyId)
      .reverse()
      .map((a) => a.percent);
  }
  const adminKey = (body: Record<string, unknown>) =>
    t.api('POST', `/api/v1/admin/accounts/${accountId}/keys`, { mode: 'test', ...body }, admin);

  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_ADMIN_KEY: ADMIN });
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Thresholds' }, admin);
    expect(account.status, account.text).toBe(201);
    accountId = account.json.id;
    await t.api('POST', `/api/v1/admin/accounts/${accountId}/grants`, { mode: 'test', tokens: 200 }, admin);
    owner = bearer((await adminKey({ name: 'owner' })).json.key);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('shows the default thresholds, 80 and 100, on a key that sets none', async () => {
    const made = await adminKey({ dailyTokens: 4 });
    expect(made.status, made.text).toBe(201);
    expect(made.json.budgetAlertThresholds).toEqual([80, 100]);
    const budgeted = bearer(made.json.key);
    await run(budgeted, 'half'); // 2 of 4: below 80 %
    expect(await firedFor(made.json.id)).toEqual([]);
    await run(budgeted, 'all'); // 4 of 4
    expect((await firedFor(made.json.id)).sort()).toEqual([100, 80]);
  });

  it('fires each of a key’s own thresholds once per period, as its spend crosses it', async () => {
    const made = await t.api(
      'POST',
      '/api/v1/keys',
      { mode: 'test', dailyTokens: 8, budgetAlertThresholds: [100, 25, 50] },
      owner,
    );
    expect(made.status, made.text).toBe(201);
    expect(made.json.budgetAlertThresholds).toEqual([25, 50, 100]);
    const budgeted = bearer(made.json.key);
    await run(budgeted, 'one'); // 2 of 8: 25 %
    expect(await firedFor(made.json.id)).toEqual([25]);
    await run(budgeted, 'two'); // 4 of 8: 50 %
    expect(await firedFor(made.json.id)).toEqual([25, 50]);
    await run(budgeted, 'three'); // 6 of 8: nothing crossed, nothing written again
    expect(await firedFor(made.json.id)).toEqual([25, 50]);
    const page = await t.api('GET', '/api/v1/alerts?limit=100', undefined, owner);
    const mine = (page.json.data as BudgetAlert[]).filter((a) => a.keyId === made.json.id);
    expect(mine[0]).toMatchObject({ period: 'day', percent: 50, budgetTokens: 8, spentTokens: 4 });
    // Lowered below the spend: a threshold already passed is not crossed by the next create.
    const changed = await t.api(
      'PATCH',
      `/api/v1/keys/${made.json.id}`,
      { budgetAlertThresholds: [10, 90] },
      owner,
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.budgetAlertThresholds).toEqual([10, 90]);
    await run(budgeted, 'four'); // 8 of 8: crosses 90 only
    expect(await firedFor(made.json.id)).toEqual([25, 50, 90]);
  });

  it('raises no budget alert for a key whose thresholds are an empty list', async () => {
    const made = await adminKey({ dailyTokens: 2, budgetAlertThresholds: [] });
    expect(made.status, made.text).toBe(201);
    expect(made.json.budgetAlertThresholds).toEqual([]);
    await run(bearer(made.json.key), 'all at once'); // 2 of 2
    expect(await firedFor(made.json.id)).toEqual([]);
  });

  it('changes them through the admin API, null restoring the default, each change in the audit log', async () => {
    const made = await adminKey({ monthlyTokens: 100, budgetAlertThresholds: [60] });
    const id = made.json.id as string;
    const set = await t.api('PATCH', `/api/v1/admin/keys/${id}`, { budgetAlertThresholds: [5, 95] }, admin);
    expect(set.status, set.text).toBe(200);
    expect(set.json.budgetAlertThresholds).toEqual([5, 95]);
    const reset = await t.api('PATCH', `/api/v1/admin/keys/${id}`, { budgetAlertThresholds: null }, admin);
    expect(reset.json.budgetAlertThresholds).toEqual([80, 100]);
    // A change of something else leaves them as they are.
    const other = await t.api('PATCH', `/api/v1/admin/keys/${id}`, { allowedModels: ['nano-banana'] }, admin);
    expect(other.json.budgetAlertThresholds).toEqual([80, 100]);
    const listed = await t.api('GET', `/api/v1/admin/accounts/${accountId}/keys`, undefined, admin);
    expect(listed.json.data.find((k: { id: string }) => k.id === id).budgetAlertThresholds).toEqual([
      80, 100,
    ]);

    const audit = await t.api('GET', `/api/v1/audit?accountId=${accountId}`, undefined, admin);
    const events = (audit.json.data as { action: string; targetId: string; details: unknown }[]).filter(
      (e) => e.targetId === id,
    );
    expect(events.map((e) => e.action)).toEqual([
      'key.allowlists_changed',
      'key.alert_thresholds_changed',
      'key.alert_thresholds_changed',
      'key.created',
    ]);
    expect(events[1]?.details).toEqual({
      before: { budgetAlertThresholds: [5, 95] },
      after: { budgetAlertThresholds: [80, 100] },
    });
    expect(events[2]?.details).toEqual({
      before: { budgetAlertThresholds: [60] },
      after: { budgetAlertThresholds: [5, 95] },
    });
    expect(events[3]?.details).toMatchObject({ budgetAlertThresholds: [60] });
  });

  it('refuses thresholds that are not unique whole percentages from 1 to 100 with a 422 naming the field', async () => {
    const target = (await adminKey({ name: 'target' })).json.id as string;
    const bad: unknown[] = [
      [0],
      [101],
      [50, 50],
      ['50'],
      [2.5],
      [null],
      '80',
      80,
      { 0: 80 },
      Array.from({ length: 11 }, (_, i) => i + 1),
      Array.from({ length: 100_000 }, (_, i) => (i % 100) + 1),
    ];
    const sends = [
      (v: unknown) => adminKey({ budgetAlertThresholds: v }),
      (v: unknown) => t.api('POST', '/api/v1/keys', { mode: 'test', budgetAlertThresholds: v }, owner),
      (v: unknown) => t.api('PATCH', `/api/v1/admin/keys/${target}`, { budgetAlertThresholds: v }, admin),
      (v: unknown) => t.api('PATCH', `/api/v1/keys/${target}`, { budgetAlertThresholds: v }, owner),
    ];
    for (const value of bad) {
      for (const send of sends) {
        const r = await send(value);
        expect(r.status, `${JSON.stringify(value).slice(0, 40)}: ${r.text}`).toBe(422);
        expect(r.json.error.param).toBe('budgetAlertThresholds');
        expect(r.json.error.message).toContain('budgetAlertThresholds');
      }
    }
    // A number JSON cannot hold (1e400 reads as Infinity) is named as it was read, not as null.
    const huge = await fetch(`${t.baseUrl}/api/v1/admin/keys/${target}`, {
      method: 'PATCH',
      headers: { ...admin, 'content-type': 'application/json' },
      body: '{"budgetAlertThresholds":[1e400]}',
    });
    expect(huge.status).toBe(422);
    const hugeError = ((await huge.json()) as { error: { param: string; message: string } }).error;
    expect(hugeError.param).toBe('budgetAlertThresholds');
    expect(hugeError.message).toContain('Infinity is not one');
    // Nothing was stored or changed by the refusals.
    const keys = await t.api('GET', `/api/v1/admin/accounts/${accountId}/keys`, undefined, admin);
    expect(keys.json.data.find((k: { id: string }) => k.id === target).budgetAlertThresholds).toEqual([
      80, 100,
    ]);
    expect(keys.json.data).toHaveLength(6);
  });
});
