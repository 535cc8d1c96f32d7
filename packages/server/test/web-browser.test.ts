import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeModel, type Locale } from '@reelay/catalog';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costHeadline } from '../src/web/format.ts';
import { LOCALES, say } from '../src/web/messages.ts';
import { checkAccessibility } from './accessibility.ts';
import { launchBrowser } from './browser.ts';
import { startGateway, type TestGateway, waitForFinal } from './harness.ts';

const MODEL = 'kling-3.0-omni';
const PAGE_BUDGET = 200 * 1024;
/** How long to wait for the page to catch up: generous, as the machine may be busy (never a speed check). */
const WAIT = { timeout: 30_000 };

/** Bytes of the document, stylesheets and scripts a page loads (media excluded), and any console errors. */
function watch(page: Page) {
  const sizes: { url: string; bytes: number }[] = [];
  const errors: string[] = [];
  page.on('response', async (response) => {
    const type = response.request().resourceType();
    if (!['document', 'stylesheet', 'script'].includes(type)) return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    sizes.push({ url: response.url(), bytes: body.length });
  });
  page.on('console', (message) => {
    // A missing event stream is expected (the playground then polls); any other error is not.
    if (message.type() === 'error' && !message.location().url.endsWith('/events'))
      errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { sizes, errors, total: () => sizes.reduce((sum, s) => sum + s.bytes, 0) };
}

/** Checks that a screenshot is a real PNG with content (not one flat colour) and returns its size. */
async function checkScreenshot(path: string) {
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
    true,
  );
  const meta = await sharp(bytes).metadata();
  expect(meta.format).toBe('png');
  expect(meta.width).toBeGreaterThan(300);
  expect(meta.height).toBeGreaterThan(300);
  const stats = await sharp(bytes).stats();
  expect(stats.channels.some((c) => c.max - c.min > 100)).toBe(true);
  return bytes.length;
}

describe('web pages in Chromium', () => {
  let t: TestGateway;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let shots: string;
  let generationId = '';
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    t = await startGateway('pglite');
    browser = await launchBrowser();
    context = browser.context;
    shots = await mkdtemp(join(tmpdir(), 'reelay-shots-'));
  });
  afterAll(async () => {
    console.log(`page bytes before media: ${JSON.stringify(measured)}`);
    await browser?.close();
    await t?.stop();
    if (shots) await rm(shots, { recursive: true, force: true });
  });

  it('shows the catalog and the model page in English, Spanish and Russian', async () => {
    const page = await context.newPage();
    const w = watch(page);
    for (const locale of LOCALES as Locale[]) {
      const d = describeModel(MODEL, { locale });
      let before = w.total();
      const catalog = await page.goto(`${t.baseUrl}/${locale}/models`);
      expect(catalog?.headers()['content-security-policy']).toContain("script-src 'self'");
      await expect.poll(() => page.locator('html').getAttribute('lang'), WAIT).toBe(locale);
      expect(await page.locator('h1').textContent()).toBe(say(locale, 'catalogTitle'));
      const card = page.locator(`.card:has(a[href="/${locale}/models/${MODEL}"])`);
      expect(await card.locator('.price').textContent()).toBe(costHeadline(locale, d.pricing));
      expect(await card.locator('p').nth(1).textContent()).toBe(d.description);
      await page.waitForLoadState('networkidle');
      measured[`/${locale}/models`] = w.total() - before;
      expect(await checkScreenshot(await shot(page, `catalog-${locale}.png`))).toBeGreaterThan(1000);

      // The search filters as one types; a query nothing matches hides every card.
      await page.fill('#q', 'no-such-model-at-all');
      await expect.poll(() => page.locator('.card:visible').count(), WAIT).toBe(0);
      expect(await page.locator('[data-empty]').isVisible()).toBe(true);
      await page.fill('#q', d.title.toLowerCase());
      await expect.poll(() => card.isVisible(), WAIT).toBe(true);

      before = w.total();
      await card.locator('h2 a').click();
      await page.waitForURL(`**/${locale}/models/${MODEL}`);
      await page.waitForLoadState('networkidle');
      measured[`/${locale}/models/${MODEL}`] = w.total() - before;
      expect(await page.locator('h1').textContent()).toBe(d.title);
      expect(await page.locator('.lead').textContent()).toBe(d.description);
      expect(await page.locator('.headline').textContent()).toBe(costHeadline(locale, d.pricing));
      expect(await page.locator('table.fields tbody tr').count()).toBe(d.fields.length);
      expect(await page.locator('#cost-title ~ .table-wrap tbody tr').count()).toBe(d.pricing.length);
      expect(await page.locator('.is-default').textContent()).toContain(say(locale, 'defaultTag'));
      expect(await page.getByText(d.variantSelection).count()).toBe(1);
      const curl = (await page.locator('#curl-example').textContent()) ?? '';
      expect(curl).toContain(`"model": "${MODEL}"`);
      expect(curl).toContain('asset://asset_');
      expect(await checkScreenshot(await shot(page, `model-${locale}.png`))).toBeGreaterThan(1000);
      expect(await checkAccessibility(page)).toEqual({ unlabelled: [], lowContrast: [] });
    }
    // From the keyboard: the first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // The copy button puts the exact command on the clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await page.click('[data-copy="curl-example"]');
    await expect
      .poll(() => page.locator('[data-copy="curl-example"]').textContent(), WAIT)
      .toBe(say('ru', 'copied'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await page.locator('#curl-example').textContent(),
    );
    // The language switch keeps the page.
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`**/en/models/${MODEL}`);
    for (const [path, bytes] of Object.entries(measured)) expect(bytes, path).toBeLessThan(PAGE_BUDGET);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('filters the catalog by type and capability as one picks them, as the models API does', async () => {
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/es/models`);
    const visible = () =>
      page
        .locator('.card:visible h2 a')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href')?.split('/').pop()));
    const api = async (query: string) =>
      (await t.api('GET', `/api/v1/models?${query}`)).json.data.map((m: { id: string }) => m.id);

    await page.selectOption('#type', 'image');
    const images = await api('type=image');
    expect(images.length).toBeGreaterThan(0);
    await expect.poll(visible, WAIT).toEqual(images);
    expect(page.url()).toContain('?type=image');

    await page.selectOption('#type', '');
    await page.selectOption('#capability', 'video_to_video');
    await expect.poll(visible, WAIT).toEqual(await api('capability=video_to_video'));
    await page.selectOption('#type', 'image');
    await expect.poll(visible, WAIT).toEqual([]);
    expect(await page.locator('[data-empty]').isVisible()).toBe(true);
    // The filtered address, opened afresh, shows the same (the server filters it too).
    await page.goto(`${t.baseUrl}/es/models?capability=video_to_video`);
    expect(await visible()).toEqual(await api('capability=video_to_video'));
    await page.close();
  });

  it('picks the language of unprefixed pages from Accept-Language', async () => {
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    await page.goto(`${t.baseUrl}/models/${MODEL}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    expect(await page.locator('h2#cost-title').textContent()).toBe(say('es', 'cost'));
    await page.close();
  });

  it('runs kling-3.0-omni from the playground with an uploaded image and plays the video', async () => {
    const page = await context.newPage();
    const w = watch(page);
    await page.goto(`${t.baseUrl}/en/models/${MODEL}`);
    await page.fill('#api-key', t.key);
    await page.click('[data-use-key]');
    await expect
      .poll(() => page.locator('[data-key-status]').textContent(), WAIT)
      .toContain(t.key.slice(0, 12));
    await page.fill('#f-prompt', 'a lighthouse at dawn, waves rolling in');
    // A large image on a slowed upload, so the progress bar has steps to show; each value it takes is recorded.
    const image = await sharp({
      create: {
        width: 1400,
        height: 1400,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 2_000_000,
    });
    await page.evaluate(() => {
      const bar = document.querySelector('[data-progress-for="referenceAssetUris"]') as HTMLProgressElement;
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => seen.push(bar.value)).observe(bar, {
        attributes: true,
        attributeFilter: ['value'],
      });
    });
    await page.setInputFiles('#f-referenceAssetUris', {
      name: 'lighthouse.png',
      mimeType: 'image/png',
      buffer: image,
    });
    const uploaded = page.locator('[data-uploads-for="referenceAssetUris"] li code');
    await expect.poll(() => uploaded.count(), WAIT).toBe(1);
    const uri = (await uploaded.textContent()) ?? '';
    expect(uri).toMatch(/^asset:\/\/asset_/);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const progress = await page.evaluate(
      () => (window as unknown as { progressSeen: number[] }).progressSeen,
    );
    expect(
      progress.some((v) => v > 0 && v < 100),
      JSON.stringify(progress),
    ).toBe(true);
    expect(progress.at(-1)).toBe(100);
    expect(await page.locator('[data-upload-status-for="referenceAssetUris"]').textContent()).toBe(
      'Uploaded lighthouse.png',
    );

    // The live quote follows the fields: one image makes image_to_video; the price is the API's.
    const expected = await t.api('POST', '/api/v1/quotes', {
      type: 'video',
      model: MODEL,
      input: { prompt: 'a lighthouse at dawn, waves rolling in', referenceAssetUris: [uri] },
    });
    expect(expected.status, expected.text).toBe(200);
    await expect
      .poll(() => page.locator('[data-quote]').textContent(), WAIT)
      .toContain(`variant ${expected.json.variant} · mode image_to_video`);
    expect(await page.locator('[data-quote]').textContent()).toContain(`= ${expected.json.tokens} tokens`);

    await page.click('[data-run-button]');
    await expect
      .poll(() => page.locator('[data-run]').getAttribute('data-status'), { timeout: 90_000 })
      .toBe('succeeded');
    generationId = ((await page.locator('[data-run-title]').textContent()) ?? '').replace(/^Generation /, '');
    expect(generationId).toMatch(/^gen_/);
    // Live over the event stream when the gateway has one, else by polling.
    const stream = await fetch(`${t.baseUrl}/api/v1/generations/${generationId}/events`, {
      headers: { authorization: `Bearer ${t.key}` },
    });
    const live = (stream.headers.get('content-type') ?? '').startsWith('text/event-stream');
    await stream.body?.cancel();
    expect(await page.locator('[data-channel]').textContent()).toBe(
      live ? '(live updates)' : '(checking every second)',
    );

    const video = page.locator('[data-result] video');
    await expect.poll(() => video.count(), WAIT).toBe(1);
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), WAIT)
      .toBeGreaterThan(0.2);
    expect(await video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([720, 1280]);

    const g = await t.api('GET', `/api/v1/generations/${generationId}`);
    expect(g.json).toMatchObject({ status: 'succeeded', model: MODEL, mode: 'image_to_video' });
    expect(g.json.input.referenceAssetUris).toEqual([uri]);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('follows a run by polling when the event stream fails', async () => {
    const page = await context.newPage();
    await page.route(/\/events$/, (route) => route.abort());
    await page.goto(`${t.baseUrl}/en/models/${MODEL}`);
    await page.fill('#api-key', t.key);
    await page.click('[data-use-key]');
    await page.fill('#f-prompt', 'rain on a window');
    await page.uncheck('#f-audioEnabled');
    await page.click('[data-run-button]');
    await expect
      .poll(() => page.locator('[data-run]').getAttribute('data-status'), { timeout: 90_000 })
      .toBe('succeeded');
    expect(await page.locator('[data-channel]').textContent()).toBe('(checking every second)');
    await expect.poll(() => page.locator('[data-result] video').count(), WAIT).toBe(1);
    const id = ((await page.locator('[data-run-title]').textContent()) ?? '').replace(/^Generation /, '');
    const g = await t.api('GET', `/api/v1/generations/${id}`);
    expect(g.json).toMatchObject({
      status: 'succeeded',
      mode: 'text_to_video',
      input: { audioEnabled: false },
    });
    await page.close();
  });

  it('prices the defaults as soon as a key is given, before any text is typed, beside the description', async () => {
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/en/models/${MODEL}`);
    await page.fill('#api-key', t.key);
    await page.click('[data-use-key]');
    const expected = await t.api('POST', '/api/v1/quotes', {
      type: 'video',
      model: MODEL,
      input: { prompt: 'x' },
    });
    await expect
      .poll(() => page.locator('[data-quote]').textContent(), WAIT)
      .toContain(`= ${expected.json.tokens} tokens · variant ${expected.json.variant}`);
    // The required prompt was only stood in for: the field stays empty and shows no error.
    expect(await page.locator('#f-prompt').inputValue()).toBe('');
    expect(await page.locator('#f-prompt-error').isVisible()).toBe(false);
    // A field that sets the price changes the quote.
    await page.selectOption('#f-resolution', '1080p');
    const hd = await t.api('POST', '/api/v1/quotes', {
      type: 'video',
      model: MODEL,
      input: { prompt: 'x', resolution: '1080p' },
    });
    expect(hd.json.tokens).not.toBe(expected.json.tokens);
    await expect
      .poll(() => page.locator('[data-quote]').textContent(), WAIT)
      .toContain(`= ${hd.json.tokens} tokens · variant ${hd.json.variant}`);

    // On a wide screen the playground stands beside the description, above the reference sections.
    const box = async (selector: string) => {
      const b = await page.locator(selector).first().boundingBox();
      if (!b) throw new Error(`${selector} is not shown`);
      return b;
    };
    const lead = await box('.lead');
    const playground = await box('[data-playground]');
    const example = await box('#example-title');
    expect(playground.x).toBeGreaterThanOrEqual(lead.x + lead.width);
    expect(playground.y).toBeLessThan(lead.y + lead.height);
    expect(playground.y).toBeLessThan(example.y);
    // On a phone it follows the description, still above the reference sections, and nothing spills sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const narrowLead = await box('.lead');
    const narrow = await box('[data-playground]');
    expect(narrow.y).toBeGreaterThan(narrowLead.y + narrowLead.height);
    expect(narrow.y).toBeLessThan((await box('#example-title')).y);
    expect(narrow.x + narrow.width).toBeLessThanOrEqual(390);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBe(0);
    await page.close();
  });

  it('shows the API error next to the field it names', async () => {
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/en/models/${MODEL}`);
    await page.fill('#api-key', t.key);
    await page.click('[data-use-key]');
    await page.fill('#f-prompt', 'a short film');
    await page.fill('#f-duration', '99');
    const api = await t.api('POST', '/api/v1/quotes', {
      type: 'video',
      model: MODEL,
      input: { prompt: 'a short film', duration: 99 },
    });
    expect(api.status).toBe(422);
    const detail = api.json.error.details.find((d: { param: string }) => d.param === 'input.duration');
    expect(detail).toBeDefined();
    const error = page.locator('#f-duration-error');
    await expect.poll(() => error.isVisible(), WAIT).toBe(true);
    expect(await error.textContent()).toBe(detail.message);
    expect(await page.locator('#f-duration').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-prompt-error').isVisible()).toBe(false);

    // Running anyway: the create call's 422 lands in the same place and focus moves to the field.
    await page.click('[data-run-button]');
    await expect.poll(() => page.locator('[data-form-error]').isVisible(), WAIT).toBe(true);
    expect(await error.textContent()).toBe(detail.message);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-duration');

    // Fixing the field clears the error.
    await page.fill('#f-duration', '5');
    await expect.poll(() => error.isVisible(), WAIT).toBe(false);
    await page.close();
  });

  it('keeps a run’s errors for files not given in view, while the live quote catches up', async () => {
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/en/models/kling-3.0-motion`);
    await page.fill('#api-key', t.key);
    await page.click('[data-use-key]');
    // Before Run, the live quote does not shout about the files nobody has picked yet, and shows the price at
    // once: the files are in every request of this model, so they set no price of their own.
    await page.fill('#f-prompt', 'a dancer');
    const expected = await t.api('POST', '/api/v1/quotes', {
      type: 'video',
      model: 'kling-3.0-motion',
      input: { prompt: 'a dancer', referencePhoto: 'asset://asset_a', motionVideo: 'asset://asset_b' },
    });
    expect(expected.status, expected.text).toBe(200);
    await expect
      .poll(() => page.locator('[data-quote]').textContent(), WAIT)
      .toContain(`variant ${expected.json.variant} · mode ${expected.json.mode}`);
    expect(await page.locator('[data-quote]').textContent()).toContain(`${expected.json.tokens} tokens`);
    expect(await page.locator('#f-referencePhoto-error').isVisible()).toBe(false);
    expect(await page.locator('#f-prompt').inputValue()).toBe('a dancer');
    // Run (the prompt's change event fires as it loses focus, so a quote follows the run).
    const quoted = page.waitForResponse((r) => r.url().endsWith('/api/v1/quotes'));
    await page.click('[data-run-button]');
    await quoted;
    await page.waitForLoadState('networkidle');
    for (const field of ['referencePhoto', 'motionVideo']) {
      const error = page.locator(`#f-${field}-error`);
      await expect.poll(() => error.isVisible(), WAIT).toBe(true);
      expect(await error.textContent()).toBe(`${field} is required`);
    }
    expect(await page.locator('[data-form-error]').isVisible()).toBe(true);
    expect(await page.locator('[data-run]').isVisible()).toBe(false);
    await page.close();
  });

  it('lists the generation on the dashboard with balance, usage chart and keys', async () => {
    expect(generationId).toMatch(/^gen_/);
    const page = await context.newPage();
    const w = watch(page);
    await page.goto(`${t.baseUrl}/en/dashboard`);
    await page.waitForLoadState('networkidle');
    measured['/en/dashboard'] = w.total();
    expect(measured['/en/dashboard']).toBeLessThan(PAGE_BUDGET);
    // The key given to the playground is kept for this tab only, and a new tab starts signed out.
    await page.fill('#dash-key', t.key);
    await page.click('[data-signin] button[type=submit]');
    const row = page.locator(`tr[data-generation="${generationId}"]`);
    await expect.poll(() => row.count(), WAIT).toBe(1);
    expect(await row.textContent()).toContain('succeeded');
    expect(await row.textContent()).toContain(MODEL);
    // The output's thumbnail, loaded (decoded by the browser) from its signed link, described for screen readers.
    const thumbnail = row.locator('img[data-thumbnail]');
    await expect.poll(() => thumbnail.count(), WAIT).toBe(1);
    expect(await thumbnail.getAttribute('alt')).toBe(`Thumbnail of ${MODEL} ${generationId}`);
    await expect
      .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), WAIT)
      .toBeGreaterThan(0);
    expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeLessThanOrEqual(320);
    // Beside it, whether the output carries content credentials: a video's manifest is kept beside it.
    const provenance = row.locator('[data-provenance]');
    expect(await provenance.getAttribute('data-provenance')).toBe('sidecar');
    expect(await provenance.textContent()).toBe('C2PA sidecar');

    // Alerts: none yet; then a key with a daily budget of 2.5 tokens makes a 2-token image, which brings its spend
    // to 80 % of the budget, and after a reload the alert is listed with when, what and the key's numbers.
    await expect.poll(() => page.locator('[data-alerts]').textContent(), WAIT).toBe('No alerts yet.');
    const budgeted = await t.api('POST', '/api/v1/keys', { name: 'budgeted', dailyTokens: 2.5 });
    expect(budgeted.status, budgeted.text).toBe(201);
    const spending = await t.api(
      'POST',
      '/api/v1/generations',
      { type: 'image', model: 'nano-banana', input: { prompt: 'spend most of the budget' } },
      { authorization: `Bearer ${budgeted.json.key}` },
    );
    expect(spending.status, spending.text).toBe(202);
    expect(spending.json.quote.tokens).toBe(2);
    await page.reload();
    const alert = page.locator('[data-alerts] tr[data-alert-type="key.budget_threshold"]');
    await expect.poll(() => alert.count(), WAIT).toBe(1);
    const listed = (await t.api('GET', '/api/v1/alerts')).json.data[0];
    expect(listed).toMatchObject({ type: 'key.budget_threshold', percent: 80, keyId: budgeted.json.id });
    expect(await alert.getAttribute('data-alert')).toBe(String(listed.id));
    const cells = await alert.locator('td').allTextContents();
    expect(cells[0]).toBe(await page.evaluate((iso) => new Date(iso).toLocaleString('en'), listed.createdAt));
    expect(cells[1]).toBe('80 % of a key’s daily budget');
    const today = await page.evaluate(
      (iso) => new Date(iso).toLocaleDateString('en', { timeZone: 'UTC' }),
      listed.periodStart,
    );
    expect(cells[2]).toBe(`Key ${budgeted.json.id}: 2 of 2.5 tokens spent in the period from ${today}`);
    expect(await alert.locator('time').getAttribute('datetime')).toBe(listed.createdAt);

    // A generation whose upstream outcome is being settled says so under its status, with the reason as tooltip.
    // (Set once the generation has ended, so its own end does not clear it meanwhile.)
    expect((await waitForFinal(t, spending.json.id)).json.status).toBe('succeeded');
    const settling = {
      code: 'upstream_unreachable',
      message: 'The upstream cannot be reached; it is asked again until it answers.',
      since: new Date().toISOString(),
    };
    await t.gateway.db.query('UPDATE generations SET reconciling = $2::jsonb WHERE id = $1', [
      spending.json.id,
      JSON.stringify(settling),
    ]);
    await page.reload();
    const note = page.locator(`tr[data-generation="${spending.json.id}"] [data-reconciling]`);
    await expect.poll(() => note.count(), WAIT).toBe(1);
    expect(await note.textContent()).toBe('settling with the upstream');
    expect(await note.getAttribute('data-reconciling')).toBe('upstream_unreachable');
    expect(await note.getAttribute('title')).toBe(settling.message);
    expect(await row.locator('[data-reconciling]').count()).toBe(0);
    await t.gateway.db.query('UPDATE generations SET reconciling = NULL WHERE id = $1', [spending.json.id]);

    const account = await t.api('GET', '/api/v1/account');
    expect(await page.locator('[data-balance="available"]').textContent()).toBe(
      `${new Intl.NumberFormat('en', { maximumFractionDigits: 3 }).format(account.json.tokens.available)} tokens`,
    );
    const bars = page.locator('[data-usage-chart] svg rect');
    await expect.poll(() => bars.count(), WAIT).toBeGreaterThanOrEqual(30);
    const heights = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    // Today's bar (yesterday's too if the runs straddled midnight UTC).
    expect(heights.filter((h) => h > 0).length).toBeGreaterThanOrEqual(1);
    expect(heights.filter((h) => h > 0).length).toBeLessThanOrEqual(2);

    await row.getByRole('button').click();
    const preview = row.locator('video');
    await expect.poll(() => preview.count(), WAIT).toBe(1);

    // Filtering by another status hides it.
    await page.selectOption('#gen-status', 'failed');
    await expect.poll(() => row.count(), WAIT).toBe(0);
    await page.selectOption('#gen-status', '');
    await expect.poll(() => row.count(), WAIT).toBe(1);

    // Keys: the current one is marked; a new one is shown once and can be revoked.
    await expect.poll(() => page.locator('[data-keys] tr').count(), WAIT).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-keys]').textContent()).toContain('(this key)');
    await page.fill('#new-key-name', 'from the dashboard');
    await page.click('[data-create-key] button');
    const secret = page.locator('#new-key-secret');
    await expect.poll(() => secret.count(), WAIT).toBe(1);
    const newKey = (await secret.textContent()) ?? '';
    expect(newKey).toMatch(/^rl_test_/);
    expect(
      (await t.api('GET', '/api/v1/account', undefined, { authorization: `Bearer ${newKey}` })).status,
    ).toBe(200);
    const newRow = page.locator('[data-keys] tr', { hasText: 'from the dashboard' });
    page.once('dialog', (dialog) => dialog.accept());
    await newRow.getByRole('button').click();
    await expect.poll(() => newRow.textContent(), WAIT).toContain('revoked');
    expect(
      (await t.api('GET', '/api/v1/account', undefined, { authorization: `Bearer ${newKey}` })).status,
    ).toBe(401);
    // Paging: ten newer generations (canceled at once, so nothing renders) push ours to the second page.
    for (let i = 0; i < 10; i++) {
      const made = await t.api('POST', '/api/v1/generations', {
        type: 'video',
        model: MODEL,
        input: { prompt: `page filler ${i}`, audioEnabled: false },
      });
      expect(made.status, made.text).toBe(202);
      await t.api('POST', `/api/v1/generations/${made.json.id}/cancel`);
    }
    await page.reload();
    await expect.poll(() => page.locator('[data-generations] tr').count(), WAIT).toBe(10);
    expect(await row.count()).toBe(0);
    await page.click('[data-next-page]');
    await expect.poll(() => row.count(), WAIT).toBe(1);
    await page.click('[data-first-page]');
    await expect.poll(() => row.count(), WAIT).toBe(0);
    expect(await checkScreenshot(await shot(page, 'dashboard-en.png'))).toBeGreaterThan(1000);
    expect(await checkAccessibility(page)).toEqual({ unlabelled: [], lowContrast: [] });
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('fits a phone screen: no page scrolls sideways, and the fields table reads without scrolling', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    /** How far the page reaches past the screen's right edge (0 when it fits). */
    const spill = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

    await page.goto(`${t.baseUrl}/ru/models`);
    expect(await spill()).toBe(0);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${t.baseUrl}/docs`);
    await page.waitForLoadState('networkidle');
    expect(await spill()).toBe(0);
    expect(failed).toEqual([]);

    await page.goto(`${t.baseUrl}/ru/models/${MODEL}`);
    expect(await spill()).toBe(0);
    // Every cell of the fields table (the long descriptions too) lies within the screen.
    const cells = await page
      .locator('table.fields tbody th, table.fields tbody td')
      .evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().right)));
    expect(cells.length).toBe(describeModel(MODEL).fields.length * 5);
    for (const right of cells) expect(right).toBeLessThanOrEqual(390);
    const described = page.locator('table.fields tbody td').last();
    expect(await described.evaluate((el) => getComputedStyle(el, '::before').content)).toBe(
      `"${say('ru', 'description')}: "`,
    );
    expect(await checkScreenshot(await shot(page, 'model-ru-phone.png'))).toBeGreaterThan(1000);

    await page.goto(`${t.baseUrl}/ru/dashboard`);
    await page.fill('#dash-key', t.key);
    await page.click('[data-signin] button[type=submit]');
    await expect.poll(() => page.locator('[data-keys] tr').count(), WAIT).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.locator('[data-generations] tr').count(), WAIT).toBeGreaterThanOrEqual(1);
    // The alert of the dashboard test, in Russian.
    await expect
      .poll(
        () => page.locator('[data-alerts] tr[data-alert-type="key.budget_threshold"] td').allTextContents(),
        WAIT,
      )
      .toEqual([
        expect.any(String),
        '80 % дневного бюджета ключа',
        expect.stringMatching(/^Ключ key_\w+: израсходовано 2 из 2,5 токена за период с /),
      ]);
    expect(await spill()).toBe(0);
    // The usage caption agrees in number with both counts, in Russian's three plural forms.
    const usage = (await t.api('GET', '/api/v1/usage?groupBy=day')).json as {
      data: { tokens: number; generations: number }[];
    };
    const total = usage.data.reduce((sum, r) => sum + r.tokens, 0);
    const count = usage.data.reduce((sum, r) => sum + r.generations, 0);
    expect(count).toBeGreaterThanOrEqual(1);
    const plural = new Intl.PluralRules('ru');
    const nf = new Intl.NumberFormat('ru', { maximumFractionDigits: 3 });
    const tokensWord = say('ru', `tokens.${plural.select(total)}` as 'tokens.other');
    const generationsWord = { one: 'генерацию', few: 'генерации', many: 'генераций' }[
      plural.select(count) as 'one' | 'few' | 'many'
    ];
    await expect
      .poll(() => page.locator('[data-usage-caption]').textContent(), WAIT)
      .toBe(`${nf.format(total)} ${tokensWord} за ${count} ${generationsWord}`);
    expect(await checkScreenshot(await shot(page, 'dashboard-phone.png'))).toBeGreaterThan(1000);
    await page.close();
  });

  async function shot(page: Page, name: string): Promise<string> {
    const path = join(shots, name);
    await page.screenshot({ path, fullPage: true });
    return path;
  }
});
