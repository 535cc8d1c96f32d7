import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../server/test/browser.ts';
import { makePng, startGateway, type TestGateway } from '../../server/test/harness.ts';

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** What the page reports back from running the SDK. */
interface BrowserRun {
  uploadProgress: { loaded: number; total: number | null }[];
  asset: { uri: string; kind: string; width: number };
  waitedVia: string[];
  final: { status: string; mode: string };
  video: { width: number; height: number; duration: number };
  validation: { name: string; isValidationError: boolean; params: string[] };
  webhook: unknown;
}

// The browser entry, bundled as a browser would get it, runs in Chromium against the real gateway.
describe('@reelay/client in Chromium', () => {
  let t: TestGateway;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let bundle: string;

  beforeAll(async () => {
    t = await startGateway('pglite');
    browser = await launchBrowser();
    const built = await build({
      entryPoints: [ENTRY],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
    });
    bundle = built.outputFiles[0]?.text ?? '';
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** A page on the gateway's origin (so calls are same-origin) that loads the bundle as `window.sdk`. */
  async function sdkPage(): Promise<Page> {
    const page = await browser.context.newPage();
    await page.route(`${t.baseUrl}/sdk-under-test.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>SDK</title><script type="module">
import * as sdk from '/sdk-under-test.js';
window.sdk = sdk;
</script>`,
      }),
    );
    await page.route(`${t.baseUrl}/sdk-under-test.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: bundle }),
    );
    await page.goto(`${t.baseUrl}/sdk-under-test.html`);
    await page.waitForFunction(() => 'sdk' in window);
    return page;
  }

  it('uploads a Blob, creates, waits over the event stream, downloads a playable video, types errors, verifies webhooks', async () => {
    expect(bundle).not.toMatch(/from\s+["']node:/);
    const page = await sdkPage();
    const png = [...(await makePng(400, 300, [200, 40, 40]))];
    const secretBytes = randomBytes(32);
    const webhookBody = JSON.stringify({ type: 'generation.succeeded', data: { id: 'gen_1' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', secretBytes)
      .update(`msg_1.${timestamp}.${webhookBody}`)
      .digest('base64');
    const webhook = {
      secret: `whsec_${secretBytes.toString('base64')}`,
      body: webhookBody,
      headers: {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${signature}`,
      },
    };

    const run: BrowserRun = await page.evaluate(
      async ({ key, png, webhook }) => {
        // biome-ignore lint/suspicious/noExplicitAny: the bundle, loaded by the page, is untyped here.
        const sdk = (window as any).sdk;
        const client = sdk.createClient({ baseUrl: location.origin, apiKey: key });
        const uploadProgress: { loaded: number; total: number | null }[] = [];
        const blob = new Blob([new Uint8Array(png)], { type: 'image/png' });
        const asset = await client.assets.upload(blob, {
          onProgress: (p: { loaded: number; total: number | null }) => uploadProgress.push(p),
        });
        const created = await client.generations.create({
          type: 'video',
          model: 'kling-3.0-omni',
          input: { prompt: 'a red square in a browser', duration: 3, referenceAssetUris: [asset.uri] },
        });
        const waitedVia: string[] = [];
        const final = await client.generations.wait(created.id, {
          onProgress: (p: { via: string }) => waitedVia.push(p.via),
        });
        const stream: ReadableStream<Uint8Array> = await client.assets.download(final.outputs[0].uri);
        const url = URL.createObjectURL(await new Response(stream).blob());
        const element = document.createElement('video');
        element.muted = true;
        element.src = url;
        await new Promise((resolve, reject) => {
          element.onloadedmetadata = resolve;
          element.onerror = () => reject(new Error('the video does not load'));
        });
        const video = { width: element.videoWidth, height: element.videoHeight, duration: element.duration };

        const error = await client.generations
          .create({
            type: 'video',
            model: 'kling-3.0-omni',
            input: { prompt: 'x', duration: 99, hue: 'red' },
          })
          .catch((e: unknown) => e);
        const validation = {
          name: (error as Error).name,
          isValidationError: error instanceof sdk.ValidationError,
          params: ((error as { details: { param: string }[] }).details ?? []).map((d) => d.param).sort(),
        };
        const verified = client.webhooks.verify(webhook.body, new Headers(webhook.headers), webhook.secret);
        return {
          uploadProgress,
          asset: { uri: asset.uri, kind: asset.kind, width: asset.width },
          waitedVia: [...new Set(waitedVia)],
          final: { status: final.status, mode: final.mode },
          video,
          validation,
          webhook: verified,
        };
      },
      { key: t.key, png, webhook },
    );

    expect(run.asset).toMatchObject({ kind: 'image', width: 400, uri: expect.stringMatching(/^asset:\/\//) });
    expect(run.uploadProgress.at(-1)).toEqual({ loaded: png.length, total: png.length });
    expect(run.final).toEqual({ status: 'succeeded', mode: 'image_to_video' });
    expect(run.waitedVia).toEqual(['events']);
    expect(run.video.width).toBe(720);
    expect(run.video.height).toBe(1280);
    expect(run.video.duration).toBeCloseTo(3, 0);
    expect(run.validation).toEqual({
      name: 'ValidationError',
      isValidationError: true,
      params: ['input.duration', 'input.hue'],
    });
    expect(run.webhook).toEqual(JSON.parse(webhookBody));
    await page.close();
  });
});
