import type { Locale } from '@reelay/catalog';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, say } from '../src/web/messages.ts';
import { checkAccessibility } from './accessibility.ts';
import { launchBrowser } from './browser.ts';
import { startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { startReceiver } from './webhook-receiver.ts';

const ADMIN = 'admin-key-for-the-console-0123456';
const admin = { authorization: `Bearer ${ADMIN}` };
/** How long to wait for the page to catch up: generous, as the machine may be busy (never a speed check). */
const WAIT = { timeout: 30_000 };
const REQUEST = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a console test', audioEnabled: false, duration: 3 },
};

/** Page errors and console errors a page shows. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

describe('the operator console in Chromium', () => {
  let t: TestGateway;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let generationId = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startGateway('pglite', {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    });
    browser = await launchBrowser();
    context = browser.context;
    // A finished generation with a webhook, so providers and deliveries have something to show.
    const made = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl: receiver.url });
    expect(made.status, made.text).toBe(202);
    generationId = made.json.id;
    await waitForFinal(t, generationId);
    for (let i = 0; i < 600 && receiver.received.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await receiver?.close();
  });

  it('is written in English, Spanish and Russian and refuses a key that is not the admin key', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    for (const locale of LOCALES as Locale[]) {
      await page.goto(`${t.baseUrl}/${locale}/console`);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.locator('h1').textContent()).toBe(say(locale, 'consoleTitle'));
      expect(await page.locator('label[for="admin-key"]').textContent()).toBe(say(locale, 'adminKey'));
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe(say(locale, 'console'));
    }
    // An API key is not the admin key: the admin API's answer is shown, and nothing is kept.
    await page.fill('#admin-key', t.key);
    await page.click('[data-signin] button[type=submit]');
    const error = page.locator('[data-signin-error]');
    await expect.poll(() => error.isVisible(), WAIT).toBe(true);
    expect(await error.textContent()).toMatch(/^Ошибка: /);
    expect(await page.locator('[data-signed-in]').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('reelay.adminKey'))).toBeNull();
    // Only the browser's own 401 report of the refused call.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  });

  it('shows accounts, providers, the queue and deliveries; tops up, makes and revokes a key, replays', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Acme Studio' }, admin);
    expect(account.status).toBe(201);
    const acme = account.json.id as string;

    await page.goto(`${t.baseUrl}/en/console`);
    await page.fill('#admin-key', ADMIN);
    await page.click('[data-signin] button[type=submit]');
    await expect.poll(() => page.locator('[data-signed-in]').isVisible(), WAIT).toBe(true);
    // The key is kept for the tab under its own name, apart from the dashboard's API key.
    expect(await page.evaluate(() => sessionStorage.getItem('reelay.adminKey'))).toBe(ADMIN);
    expect(await page.evaluate(() => sessionStorage.getItem('reelay.apiKey'))).toBeNull();

    // Accounts with both balances: the dev account's test balance is the API's.
    const dev = (await t.api('GET', '/api/v1/account')).json;
    const devRow = page.locator(`tr[data-account="${dev.id}"]`);
    await expect.poll(() => devRow.count(), WAIT).toBe(1);
    const nf = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });
    const adminView = (await t.api('GET', `/api/v1/admin/accounts/${dev.id}`, undefined, admin)).json;
    expect(await devRow.locator('[data-balance="test"]').textContent()).toBe(
      `${nf.format(adminView.tokens.test.balance)} tokens`,
    );

    // Top-up: choose Acme from its row, add 25 live tokens; the balance really changes.
    const acmeRow = page.locator(`tr[data-account="${acme}"]`);
    await acmeRow.getByRole('button', { name: 'Manage Acme Studio' }).click();
    expect(await page.locator('#console-account').inputValue()).toBe(acme);
    await page.selectOption('#top-up-mode', 'live');
    await page.fill('#top-up-tokens', '25');
    await page.fill('#top-up-note', 'first invoice');
    await page.click('[data-top-up] button[type=submit]');
    await expect.poll(() => acmeRow.locator('[data-balance="live"]').textContent(), WAIT).toBe('25 tokens');
    expect(await page.locator('[data-top-up-done]').textContent()).toBe(
      'Added 25 tokens to the live balance of Acme Studio.',
    );
    const after = await t.api('GET', `/api/v1/admin/accounts/${acme}`, undefined, admin);
    expect(after.json.tokens.live).toEqual({ balance: 25, held: 0 });
    // The audit log lists the grant, made by the admin key, with its amount.
    const granted = page.locator('tr[data-action="balance.granted"]');
    await expect.poll(() => granted.count(), WAIT).toBe(1);
    expect(await granted.locator('td').nth(1).textContent()).toBe('admin');
    expect(await granted.locator('td').nth(3).textContent()).toBe('Acme Studio');
    expect(await granted.locator('td').nth(4).textContent()).toContain('first invoice');

    // Keys: a new test key for Acme works at once; revoked from the console, it stops working.
    await page.fill('#console-key-name', 'render farm');
    await page.selectOption('#console-key-mode', 'test');
    await page.click('[data-create-key] button[type=submit]');
    const secret = page.locator('#console-new-key');
    await expect.poll(() => secret.count(), WAIT).toBe(1);
    const newKey = (await secret.textContent()) ?? '';
    expect(newKey).toMatch(/^rl_test_/);
    const asNew = { authorization: `Bearer ${newKey}` };
    const seen = await t.api('GET', '/api/v1/account', undefined, asNew);
    expect(seen.status).toBe(200);
    expect(seen.json.id).toBe(acme);
    const keyRow = page.locator('[data-account-keys] tr', { hasText: 'render farm' });
    await expect.poll(() => keyRow.count(), WAIT).toBe(1);
    page.once('dialog', (dialog) => dialog.accept());
    await keyRow.getByRole('button').click();
    await expect.poll(() => keyRow.textContent(), WAIT).toContain('revoked');
    expect((await t.api('GET', '/api/v1/account', undefined, asNew)).status).toBe(401);

    // Provider health: the local renderer ran the generation, with no failures and no cap.
    const local = page.locator('tr[data-provider="local"]');
    await expect.poll(() => local.count(), WAIT).toBe(1);
    const report = (await t.api('GET', '/api/v1/admin/providers', undefined, admin)).json;
    const health = report.data.find((p: { provider: string }) => p.provider === 'local');
    const cells = await local.locator('td').allTextContents();
    expect(cells[1]).toBe(String(health.attempts));
    expect(cells[2]).toBe('0%');
    expect(cells[3]).toMatch(/^[\d.]+ s \/ [\d.]+ s$/);
    expect(cells[4]).toBe('0 / no cap');

    // The queue: nothing waits now.
    expect(await page.locator('[data-queue-fact="queued"]').textContent()).toBe('0');
    expect(await page.locator('[data-queue-fact="oldestQueued"]').textContent()).toBe('—');

    // Deliveries: the generation's webhooks, delivered; a replay sends one again to the receiver.
    const delivered = page.locator('[data-deliveries] tr', { hasText: 'generation.succeeded' });
    await expect.poll(() => delivered.count(), WAIT).toBe(1);
    const deliveryId = (await delivered.getAttribute('data-delivery')) ?? '';
    expect(await delivered.locator('[data-state]').getAttribute('data-state')).toBe('succeeded');
    expect(await delivered.textContent()).toContain('HTTP 204');
    const before = receiver.received.filter((r) => r.headers['webhook-id'] === deliveryId).length;
    expect(before).toBe(1);
    await delivered.getByRole('button', { name: `Replay delivery ${deliveryId}` }).click();
    await expect
      .poll(() => receiver.received.filter((r) => r.headers['webhook-id'] === deliveryId).length, WAIT)
      .toBe(2);
    // The resend can reach the receiver before the page has read the replay's answer.
    await expect
      .poll(() => page.locator('[data-replayed]').textContent(), WAIT)
      .toBe(`Delivery ${deliveryId} is pending again and goes out now.`);
    const again = await t.api('GET', `/api/v1/admin/webhooks/deliveries?limit=100`, undefined, admin);
    const row = again.json.data.find((d: { id: string }) => d.id === deliveryId);
    expect(row.attempts).toBeGreaterThanOrEqual(1);
    // Filtering by state: no delivery failed.
    await page.selectOption('#delivery-state', 'failed');
    await expect
      .poll(() => page.locator('[data-deliveries]').textContent(), WAIT)
      .toBe('No webhook deliveries.');

    // The audit log has its place.
    expect(await page.locator('#audit-title').textContent()).toBe('Audit log');
    expect(await checkAccessibility(page)).toEqual({ unlabelled: [], lowContrast: [] });

    // Signed in for the tab: a reload shows the console at once; signing out forgets the key.
    await page.reload();
    await expect.poll(() => page.locator(`tr[data-account="${acme}"]`).count(), WAIT).toBe(1);
    await page.click('[data-signout]');
    expect(await page.evaluate(() => sessionStorage.getItem('reelay.adminKey'))).toBeNull();
    expect(await page.locator('[data-signin]').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await context.newPage();
    // An account whose name and id make a long option of the account select, which must shrink to the screen.
    await t.api(
      'POST',
      '/api/v1/admin/accounts',
      { name: 'Northwind Traders Animation Studio, Lisbon' },
      admin,
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.baseUrl}/ru/console`);
    await page.fill('#admin-key', ADMIN);
    await page.click('[data-signin] button[type=submit]');
    await expect
      .poll(() => page.locator('[data-deliveries] tr[data-delivery]').count(), WAIT)
      .toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.locator('[data-providers] tr').count(), WAIT).toBeGreaterThanOrEqual(1);
    await page.waitForLoadState('networkidle');
    const spill = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(spill).toBe(0);
    expect(await page.locator('[data-queue-fact="queued"]').textContent()).toBe('0');
    await page.close();
  });
});
