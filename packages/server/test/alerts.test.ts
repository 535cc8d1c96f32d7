import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { startReceiver } from './webhook-receiver.ts';

const ADMIN = 'admin-key-for-alert-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const image = (prompt: string) => ({ type: 'image', model: 'nano-banana', input: { prompt } });

describe.each(DATABASES)('low-balance and budget alerts on %s', (kind) => {
  let t: TestGateway;
  let accountId: string;
  let key: Record<string, string>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  /** Runs a generation to its end (its charge is captured by then). */
  async function run(headers: Record<string, string>, prompt: string) {
    const created = await t.api('POST', '/api/v1/generations', image(prompt), headers);
    expect(created.status, created.text).toBe(202);
    expect((await waitForFinal(t, created.json.id, headers)).json.status).toBe('succeeded');
    return created.json.quote.tokens as number;
  }
  const alerts = async (headers: Record<string, string>) =>
    (await t.api('GET', '/api/v1/alerts', undefined, headers)).json;

  beforeAll(async () => {
    receiver = await startReceiver('/alerts');
    t = await startGateway(kind, {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    });
    const account = await t.api(
      'POST',
      '/api/v1/admin/accounts',
      { name: 'Alerted', lowBalanceTokens: 7, alertWebhookUrl: receiver.url },
      admin,
    );
    expect(account.status, account.text).toBe(201);
    expect(account.json.lowBalanceTokens).toBe(7);
    accountId = account.json.id;
    await t.api('POST', `/api/v1/admin/accounts/${accountId}/grants`, { mode: 'test', tokens: 10 }, admin);
    const made = await t.api('POST', `/api/v1/admin/accounts/${accountId}/keys`, { mode: 'test' }, admin);
    key = bearer(made.json.key);
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  it('raises account.balance_low once per crossing below the threshold', async () => {
    const price = await run(key, 'first');
    expect(price).toBe(2);
    expect((await alerts(key)).data).toEqual([]);
    await run(key, 'second'); // 8 → 6: crosses 7
    await run(key, 'third'); // 6 → 4: already below
    let page = await alerts(key);
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ type: 'account.balance_low', thresholdTokens: 7, balanceTokens: 6 });
    // Back above a raised threshold, then below it again: a second crossing.
    await t.api('POST', `/api/v1/admin/accounts/${accountId}/grants`, { mode: 'test', tokens: 10 }, admin);
    const set = await t.api('PATCH', `/api/v1/admin/accounts/${accountId}`, { lowBalanceTokens: 13 }, admin);
    expect(set.json.lowBalanceTokens).toBe(13);
    await run(key, 'fourth'); // 14 → 12
    page = await alerts(key);
    expect(page.data.map((a: { balanceTokens: number }) => a.balanceTokens)).toEqual([12, 6]);
  });

  it('raises key.budget_threshold at 80 % and 100 % of a budget, once each per period', async () => {
    const made = await t.api(
      'POST',
      `/api/v1/admin/accounts/${accountId}/keys`,
      { mode: 'test', dailyTokens: 4, monthlyTokens: 100 },
      admin,
    );
    const budgeted = bearer(made.json.key);
    const before = (await alerts(key)).data.length;
    await run(budgeted, 'half'); // 2 of 4
    await run(budgeted, 'all'); // 4 of 4: 80 % and 100 % at once
    const refused = await t.api('POST', '/api/v1/generations', image('over'), budgeted);
    expect(refused.status).toBe(402);
    const page = await alerts(budgeted);
    const budgetAlerts = page.data.filter((a: { type: string }) => a.type === 'key.budget_threshold');
    expect(budgetAlerts).toHaveLength(2);
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    expect(budgetAlerts.map((a: { percent: number }) => a.percent).sort()).toEqual([100, 80]);
    for (const a of budgetAlerts) {
      expect(a).toMatchObject({
        keyId: made.json.id,
        period: 'day',
        periodStart: today,
        budgetTokens: 4,
        spentTokens: 4,
      });
    }
    // The monthly budget (100) is far from 80 %; the balance alerts of the account stay as they were.
    expect(page.data.length - budgetAlerts.length).toBe(before);
  });

  it('sends every alert once as a signed webhook, through the deliveries of its environment', async () => {
    const listed = (await alerts(key)).data;
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(listed.length);
    const verifier = new Webhook((await t.api('GET', '/api/v1/webhooks/secret', undefined, key)).json.secret);
    const bodies = receiver.received.map((m) => {
      expect(verifier.verify(m.body, m.headers as Record<string, string>)).toBeTruthy();
      return JSON.parse(m.body);
    });
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    expect(bodies.map((b) => b.data).sort(byId)).toEqual([...listed].sort(byId));
    expect(new Set(bodies.map((b) => b.type))).toEqual(
      new Set(['account.balance_low', 'key.budget_threshold']),
    );
    const deliveries = await t.api('GET', '/api/v1/webhooks/deliveries?limit=100', undefined, key);
    expect(deliveries.status, deliveries.text).toBe(200);
    const alertDeliveries = deliveries.json.data.filter(
      (d: { generationId: string | null }) => d.generationId === null,
    );
    expect(alertDeliveries).toHaveLength(listed.length);
    expect(alertDeliveries.every((d: { url: string }) => d.url === receiver.url)).toBe(true);
  });

  it('refuses an alert URL that is no webhook URL, naming the field', async () => {
    const r = await t.api(
      'PATCH',
      `/api/v1/admin/accounts/${accountId}`,
      { alertWebhookUrl: 'ftp://example.com' },
      admin,
    );
    expect(r.status, r.text).toBe(422);
    expect(r.json.error.param).toBe('alertWebhookUrl');
  });

  it('shows an environment’s alerts to its own keys only', async () => {
    const live = await t.api('POST', `/api/v1/admin/accounts/${accountId}/keys`, { mode: 'live' }, admin);
    expect((await alerts(bearer(live.json.key))).data).toEqual([]);
    expect((await alerts({})).data).toEqual([]); // the dev account's key
    const bad = await t.api('GET', '/api/v1/alerts?limit=0', undefined, key);
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('limit');
    const first = await t.api('GET', '/api/v1/alerts?limit=1', undefined, key);
    const next = await t.api('GET', `/api/v1/alerts?limit=1&cursor=${first.json.nextCursor}`, undefined, key);
    expect(next.json.data[0].id).toBeLessThan(first.json.data[0].id);
  });
});
