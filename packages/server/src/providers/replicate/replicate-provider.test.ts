import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  adaptersOnReplay,
  failureOf,
  failureOnStart,
  fixturesNextTo,
  NO_EXCHANGES,
  signal,
  startAsRecorded,
} from '../../../test/adapter-harness.ts';
import {
  dancerImageCall,
  imageCall,
  mediaAt,
  omniCall,
  referenceVideoCall,
  tooManyImagesCall,
} from '../../../test/start-call.ts';
import { expectRecorded } from '../../../test/upstream-replay.ts';
import { ReplicateProvider } from './replicate-provider.ts';

const TOKEN = 'r8_test_9f8e7d6c5b4a';
const SECRET = `whsec_${Buffer.from('replicate-webhook-signing-key-32b').toString('base64')}`;
const NOW = 1_774_785_600_000;
const fixture = fixturesNextTo(import.meta.url);

const replicate = adaptersOnReplay(
  (baseUrl, options: { timeoutMs?: number } = {}) =>
    new ReplicateProvider({
      fetch,
      now: () => NOW,
      config: { token: TOKEN, baseUrl, webhookSecret: SECRET, timeoutMs: options.timeoutMs ?? 5000 },
    }),
);

const refCall = () =>
  omniCall(
    { prompt: 'Make <<<image_1>>> wave at the camera', resolution: '1080p', duration: 8, audioEnabled: true },
    {
      callbackUrl: 'https://gw.example.com/callbacks/replicate',
      media: [
        mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/p.jpg'),
        mediaAt('referenceAssetUris', 1, 'https://cdn.example.com/q.jpg'),
      ],
    },
  );

describe('Replicate adapter against a loopback Replicate', () => {
  it('creates a prediction (async, with webhook) and follows it to its output', async () => {
    const fx = fixture('reference-images');
    const { provider, server: s } = await replicate(fx);
    const started = await provider.start(refCall());
    expect(started).toEqual({
      operation: { predictionId: 'ufawqhfynnddngldkgtslldrkq' },
      warnings: [],
      upstreamId: 'ufawqhfynnddngldkgtslldrkq',
    });
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'pending',
    });
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://replicate.delivery/xezq/abc/output.mp4', mediaType: 'video/mp4' }],
    });
    expectRecorded(fx, s);
    // Async mode: no Prefer header holds the request open.
    expect(s.received[0]?.headers.prefer).toBeUndefined();
  });

  it('reports a failed prediction as final with its reason', async () => {
    const fx = fixture('failed');
    const { provider, server: s } = await replicate(fx);
    const { operation } = await provider.start(refCall());
    expect(await provider.status({ operation, signal: signal() })).toEqual({
      state: 'failed',
      error: {
        code: 'upstream_task_failed',
        message: 'Replicate could not make the video: The input or output was flagged as sensitive (E005)',
        retryable: false,
      },
    });
    expectRecorded(fx, s);
  });

  it('cancels, and a canceled prediction is final', async () => {
    const fx = fixture('canceled');
    const { provider, server: s } = await replicate(fx);
    const { operation } = await provider.start(refCall());
    await provider.cancel({ operation, signal: signal() });
    expect((await provider.status({ operation, signal: signal() })).state).toBe('failed');
    expectRecorded(fx, s);
  });

  it.each([
    ['rate-limited', 'rate', { status: 429, retryAfterMs: 2000 }],
    ['server-error', 'server', { status: 502 }],
    ['balance', 'balance', { status: 402 }],
    ['auth-failed', 'auth', { status: 401 }],
  ])('maps %s on create to %s', async (name, kind, details) => {
    const error = await failureOnStart(replicate, fixture(name), refCall());
    expect(error.kind).toBe(kind);
    expect(error.details).toEqual(details);
  });

  it('treats a cut-off answer and no answer as possibly arrived', async () => {
    const malformed = await replicate(fixture('malformed'));
    expect((await failureOf(malformed.provider.start(refCall()))).mayHaveArrived).toBe(true);
    await malformed.server.close();
    const hung = await replicate(fixture('timeout'), { timeoutMs: 300 });
    expect((await failureOf(hung.provider.start(refCall()))).kind).toBe('timeout');
  });

  it('maps one image to start_image without aspect_ratio, 720p to standard, duration as an integer', async () => {
    const started = await startAsRecorded(replicate, fixture('first-frame'), dancerImageCall());
    expect(started.warnings.map((w) => w.code)).toEqual(['aspect_ratio_from_image']);
  });

  it('maps a reference video with its reference type always sent', async () => {
    await startAsRecorded(
      replicate,
      fixture('video-reference'),
      referenceVideoCall('Same camera move as <<<video_1>>>'),
    );
  });
});

describe('Replicate image models', () => {
  it('runs a Nano Banana edit: source first in image_input, a warning, and the PNG output as an image', async () => {
    const fx = fixture('nano-banana-edit');
    const { provider, server: s } = await replicate(fx);
    const started = await provider.start(
      imageCall(
        'nano-banana',
        { prompt: 'Put the hat from the second image on the corgi', aspectRatio: '4:3', imageSize: '1K' },
        {
          callbackUrl: 'https://gw.example.com/callbacks/replicate',
          media: [
            mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/hat.png'),
            mediaAt('sourceImage', null, 'https://cdn.example.com/corgi.png'),
            mediaAt('referenceAssetUris', 1, 'https://cdn.example.com/style.png'),
          ],
        },
      ),
    );
    expect(started.warnings.map((w) => w.code)).toEqual(['source_image_in_list']);
    expect(started.operation).toEqual({ predictionId: 'n4n0b4n4n4edit0001', mediaType: 'image/png' });
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'pending',
    });
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://replicate.delivery/xezq/nb/output.png', mediaType: 'image/png' }],
    });
    expectRecorded(fx, s);
  });

  it('sends Nano Banana 2 its resolution and reads a list output', async () => {
    const fx = fixture('nano-banana-2-text');
    const { provider, server: s } = await replicate(fx);
    const call = imageCall('nano-banana-2', {
      prompt: 'studio portrait of a red corgi, soft light',
      aspectRatio: '9:16',
      imageSize: '2K',
    });
    expect(provider.assess(call)).toEqual({ problems: [], warnings: [] });
    const started = await provider.start(call);
    expect(started.warnings).toEqual([]);
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://replicate.delivery/xezq/nb2/output.png', mediaType: 'image/png' }],
    });
    expectRecorded(fx, s);
  });

  it.each([
    [
      'seedream-4.5-text',
      imageCall('seedream-4.5', {
        prompt: 'a product shot of a glass perfume bottle on wet stone',
        aspectRatio: '21:9',
        imageSize: '4K',
      }),
      [],
      { url: 'https://replicate.delivery/xezq/sd45/output_0.jpg', mediaType: 'image/jpeg' },
    ],
    [
      'seedream-5-edit',
      imageCall(
        'seedream-5',
        {
          prompt: 'Turn the sketch into a photo in the style of the second image',
          aspectRatio: '3:4',
          imageSize: '3K',
        },
        {
          media: [
            mediaAt('sourceImage', null, 'https://cdn.example.com/sketch.png'),
            mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/style.png'),
          ],
        },
      ),
      ['source_image_in_list'],
      { url: 'https://replicate.delivery/xezq/sd5/output_0.png', mediaType: 'image/png' },
    ],
    [
      'grok-imagine-edit',
      imageCall(
        'grok-imagine',
        { prompt: 'Give the corgi a red scarf', aspectRatio: '9:16' },
        { media: [mediaAt('sourceImage', null, 'https://cdn.example.com/corgi.png')] },
      ),
      ['aspect_ratio_from_image'],
      { url: 'https://replicate.delivery/xezq/grok/out', mediaType: 'image/jpeg' },
    ],
    [
      'gpt-image-2-edit',
      imageCall(
        'gpt-image-2',
        {
          prompt: 'Turn the chart into a clean infographic in the style of the second image',
          aspectRatio: '3:2',
          quality: 'high',
          imageSize: '1K',
        },
        {
          media: [
            mediaAt('sourceImage', null, 'https://cdn.example.com/chart.png'),
            mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/style.png'),
          ],
        },
      ),
      ['source_image_in_list'],
      { url: 'https://replicate.delivery/xezq/gpt/output.png', mediaType: 'image/png' },
    ],
  ])('maps %s and follows it to its image', async (name, call, warnings, output) => {
    const fx = fixture(name);
    const { provider, server: s } = await replicate(fx);
    expect(provider.assess(call).problems).toEqual([]);
    const started = await provider.start(call);
    expect(started.warnings.map((w) => w.code)).toEqual(warnings);
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [output],
    });
    expectRecorded(fx, s);
  });

  it('refuses GPT Image 2 sizes and aspect ratios Replicate does not make', async () => {
    const { provider } = await replicate(NO_EXCHANGES);
    const call = imageCall('gpt-image-2', {
      prompt: 'x',
      aspectRatio: '16:9',
      quality: 'low',
      imageSize: '2K',
    });
    expect(provider.assess(call).problems.map((p) => p.code)).toEqual([
      'aspect_ratio_unsupported',
      'image_size_unsupported',
    ]);
  });

  it('refuses reference images on Grok Imagine, which edits one image', async () => {
    const { provider } = await replicate(NO_EXCHANGES);
    const call = imageCall(
      'grok-imagine',
      { prompt: 'x', aspectRatio: '1:1' },
      { media: [mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/r.png')] },
    );
    expect(provider.assess(call).problems.map((p) => p.code)).toEqual(['references_unsupported']);
  });

  it('refuses a mask and more images than the model takes, and names what has no URL', async () => {
    const { provider } = await replicate(NO_EXCHANGES);
    const masked = provider.assess(
      imageCall(
        'nano-banana',
        { prompt: 'x', aspectRatio: '1:1', imageSize: '1K' },
        {
          media: [
            mediaAt('sourceImage', null, 'https://cdn.example.com/a.png'),
            mediaAt('maskImage', null, null),
          ],
        },
      ),
    );
    expect(masked.problems.map((p) => p.code)).toEqual(['mask_unsupported', 'media_url_unavailable']);
    const many = provider.assess(tooManyImagesCall());
    expect(many.problems.map((p) => p.code)).toEqual(['too_many_images']);
    expect(provider.assess(imageCall('happyhorse-1.1', { prompt: 'x' })).problems[0]?.code).toBe(
      'model_not_hosted',
    );
  });
});

describe('Replicate webhooks', () => {
  const body = Buffer.from(
    JSON.stringify({ id: 'ufawqhfynnddngldkgtslldrkq', status: 'succeeded', output: 'https://x' }),
  );
  const ts = String(NOW / 1000);
  const sig = (secret = SECRET, stamp = ts, bytes = body) =>
    createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
      .update(`msg_2Lh9KRb0pzN4LePd3XiA4yt.${stamp}.${bytes.toString('utf8')}`)
      .digest('base64');
  const headers = (signature: string, stamp = ts) => ({
    'webhook-id': 'msg_2Lh9KRb0pzN4LePd3XiA4yt',
    'webhook-timestamp': stamp,
    'webhook-signature': signature,
  });

  it('accepts a delivery whose v1 signature matches (among several)', async () => {
    const { provider } = await replicate(NO_EXCHANGES);
    const result = await provider.parseCallback({ headers: headers(`v1,bm90LWl0 v1,${sig()}`), body });
    expect(result).toEqual({ upstreamId: 'ufawqhfynnddngldkgtslldrkq' });
  });

  it.each([
    ['another secret', () => headers(`v1,${sig(`whsec_${Buffer.from('other').toString('base64')}`)}`)],
    [
      'a stale timestamp',
      () => headers(`v1,${sig(SECRET, String(NOW / 1000 - 301))}`, String(NOW / 1000 - 301)),
    ],
    ['a changed body', () => headers(`v1,${sig(SECRET, ts, Buffer.from('{}'))}`)],
    ['another version', () => headers(`v2,${sig()}`)],
    ['no signature', () => ({})],
  ])('refuses a delivery with %s', async (_name, make) => {
    const { provider } = await replicate(NO_EXCHANGES);
    expect((await failureOf(provider.parseCallback({ headers: make(), body }))).kind).toBe('auth');
  });
});
