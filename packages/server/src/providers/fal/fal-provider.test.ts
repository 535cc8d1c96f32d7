import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { Json } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import {
  adaptersOnReplay,
  failureOf,
  failureOnStart,
  fixturesNextTo,
  NO_EXCHANGES,
  NOWHERE,
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
import type { ResolvedMedia } from '../provider.ts';
import { assessForFal, falRequest } from './fal-models.ts';
import { FalProvider } from './fal-provider.ts';

const KEY = 'fal_test_key:3f9c2e7b';
const NOW = 1_774_805_600_000;
const fixture = fixturesNextTo(import.meta.url);

const fal = adaptersOnReplay(
  (queueUrl, options: { timeoutMs?: number } = {}) =>
    new FalProvider({
      fetch,
      now: () => NOW,
      config: {
        key: KEY,
        queueUrl,
        jwksUrl: `${queueUrl}/.well-known/jwks.json`,
        userId: 'user_42',
        timeoutMs: options.timeoutMs ?? 5000,
      },
    }),
);

const t2v = () =>
  omniCall(
    {
      prompt: 'A lighthouse keeper at dawn, cinematic',
      aspectRatio: '16:9',
      duration: 5,
      audioEnabled: true,
    },
    { callbackUrl: 'https://gw.example.com/callbacks/fal' },
  );

describe('fal adapter against a loopback fal queue', () => {
  it('submits with the webhook, follows queue → progress → completed, and fetches the result', async () => {
    const fx = fixture('text-to-video');
    const { provider, server: s } = await fal(fx);
    const started = await provider.start(t2v());
    expect(started.upstreamId).toBe('80e732af-660e-45cd-bd63-580e4f2a94cc');
    const operation = JSON.parse(JSON.stringify(started.operation));
    expect(await provider.status({ operation, signal: signal() })).toEqual({ state: 'pending', progress: 0 });
    expect(await provider.status({ operation, signal: signal() })).toEqual({ state: 'pending' });
    expect(await provider.status({ operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://v3b.fal.media/files/b/koala/output.mp4', mediaType: 'video/mp4' }],
    });
    expectRecorded(fx, s);
    expect(s.remaining()).toBe(0);
  });

  it('reports a model error in the result as a final task failure', async () => {
    const fx = fixture('model-error');
    const { provider, server: s } = await fal(fx);
    const { operation } = await provider.start(t2v());
    expect(await provider.status({ operation, signal: signal() })).toEqual({
      state: 'failed',
      error: {
        code: 'upstream_task_failed',
        message: 'fal HTTP 422: The prompt was flagged by the content checker',
        retryable: false,
      },
    });
    expectRecorded(fx, s);
  });

  it.each([
    ['rate-limited', 'rate', { status: 429, retryAfterMs: 3000 }],
    ['server-error', 'server', { status: 503 }],
    ['balance', 'balance', { status: 403 }],
  ])('maps %s on submit to %s', async (name, kind, details) => {
    const error = await failureOnStart(fal, fixture(name), t2v());
    expect(error.kind).toBe(kind);
    expect(error.details).toEqual(details);
  });

  it('treats a non-JSON submit answer and an unanswered submit as possibly arrived', async () => {
    const malformed = await fal(fixture('malformed'));
    expect((await failureOf(malformed.provider.start(t2v()))).kind).toBe('malformed');
    await malformed.server.close();
    const hung = await fal(fixture('timeout'), { timeoutMs: 300 });
    const error = await failureOf(hung.provider.start(t2v()));
    expect(error.kind).toBe('timeout');
    expect(error.mayHaveArrived).toBe(true);
  });

  it('maps several images to reference-to-video at 1080p with fal placeholders', async () => {
    const fx = fixture('reference-to-video');
    const { provider, server: s } = await fal(fx);
    await provider.start(
      omniCall(
        {
          prompt: '<<<image_1>>> walks through the market from <<<image_2>>>',
          resolution: '1080p',
          duration: 10,
          audioEnabled: true,
        },
        {
          media: [
            mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/hero.jpg'),
            mediaAt('referenceAssetUris', 1, 'https://cdn.example.com/market.jpg'),
          ],
        },
      ),
    );
    expectRecorded(fx, s);
  });

  it('maps one image to image-to-video and warns that the aspect ratio follows it', async () => {
    const started = await startAsRecorded(fal, fixture('image-to-video'), dancerImageCall());
    expect(started.warnings.map((w) => w.code)).toEqual(['aspect_ratio_from_image']);
  });

  it('maps a reference video to video-to-video/reference without its sound', async () => {
    await startAsRecorded(
      fal,
      fixture('video-reference'),
      referenceVideoCall('Same camera move as <<<video_1>>>, on a beach'),
    );
  });

  it('maps Kling 3.0 with first and last frames to V3 image-to-video, and 4K to the V3 4k endpoints', async () => {
    const fx = fixture('kling-3-image-to-video');
    const { provider, server: s } = await fal(fx);
    const call = {
      ...omniCall(
        { prompt: 'The dancer spins', resolution: '1080p', duration: 5, audioEnabled: true },
        {
          media: [
            { ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/a.png'), field: 'startImage' },
            { ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/b.png'), field: 'endImage' },
          ],
        },
      ),
      model: 'kling-3.0',
      mode: 'image_to_video',
    };
    await provider.start(call);
    expectRecorded(fx, s);
    const at4k = { ...call, input: { ...call.input, resolution: '4k' } };
    expect(provider.assess(at4k).problems).toEqual([]);
    expect(falRequest(at4k).endpoint).toBe('fal-ai/kling-video/v3/4k/image-to-video');
    const t2vAt4k = { ...at4k, mode: 'text_to_video' as const, media: [] };
    expect(JSON.stringify(falRequest(t2vAt4k))).toBe(
      JSON.stringify({
        endpoint: 'fal-ai/kling-video/v3/4k/text-to-video',
        body: { prompt: 'The dancer spins', duration: '5', aspect_ratio: '9:16', generate_audio: true },
      }),
    );
  });

  it('cancels in progress, and a cancel after completion is not an error', async () => {
    const fx = fixture('cancel');
    const { provider, server: s } = await fal(fx);
    const { operation } = await provider.start(t2v());
    await provider.cancel({ operation, signal: signal() });
    await provider.cancel({ operation, signal: signal() });
    expectRecorded(fx, s);
  });

  it('never sends the key to a URL outside the configured queue', async () => {
    const { provider, server: s } = await fal(NO_EXCHANGES);
    const operation = {
      requestId: 'x',
      statusUrl: 'http://127.0.0.2:1/status',
      responseUrl: `${s.base}/r`,
      cancelUrl: `${s.base}/c`,
    };
    expect((await failureOf(provider.status({ operation, signal: signal() }))).kind).toBe('malformed');
    expect(s.received).toHaveLength(0);
  });

  it('refuses media it cannot fetch and requests it cannot run', () => {
    const provider = new FalProvider({
      fetch,
      now: () => NOW,
      config: {
        key: KEY,
        queueUrl: NOWHERE,
        jwksUrl: `${NOWHERE}/j`,
        userId: null,
        timeoutMs: 100,
      },
    });
    const call = omniCall({ prompt: 'p' }, { media: [mediaAt('referenceAssetUris', 0, null)] });
    expect(provider.assess(call).problems.map((p) => p.code)).toEqual(['media_url_unavailable']);
    expect(provider.assess({ ...call, media: [], model: 'kling-2.6' }).problems.map((p) => p.code)).toEqual([
      'model_not_hosted',
    ]);
  });
});

describe('fal image models', () => {
  it('runs Nano Banana from text on its own endpoint and reads images[] as PNG outputs', async () => {
    const fx = fixture('nano-banana-text');
    const { provider, server: s } = await fal(fx);
    const call = imageCall('nano-banana', {
      prompt: 'studio portrait of a red corgi, soft light',
      aspectRatio: '21:9',
      imageSize: '1K',
    });
    expect(provider.assess(call)).toEqual({ problems: [], warnings: [] });
    const started = await provider.start(call);
    expect(started.warnings).toEqual([]);
    const operation = JSON.parse(JSON.stringify(started.operation));
    expect(await provider.status({ operation, signal: signal() })).toEqual({ state: 'pending' });
    expect(await provider.status({ operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://v3b.fal.media/files/b/corgi/output.png', mediaType: 'image/png' }],
    });
    expectRecorded(fx, s);
    expect(s.remaining()).toBe(0);
  });

  it('sends an edit to /edit with the source first, its resolution, and a warning', async () => {
    const fx = fixture('nano-banana-2-edit');
    const { provider, server: s } = await fal(fx);
    const started = await provider.start(
      imageCall(
        'nano-banana-2',
        {
          prompt: 'Make the sky a sunset, keep the style of the second image',
          aspectRatio: '3:2',
          imageSize: '4K',
        },
        {
          callbackUrl: 'https://gw.example.com/callbacks/fal',
          media: [
            mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/style.png'),
            mediaAt('sourceImage', null, 'https://cdn.example.com/photo.png'),
          ],
        },
      ),
    );
    expect(started.warnings.map((w) => w.code)).toEqual(['source_image_in_list']);
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://v3b.fal.media/files/b/sunset/output.png', mediaType: 'image/png' }],
    });
    expectRecorded(fx, s);
  });

  it('refuses a mask, too many images and images without a URL', async () => {
    const { provider } = await fal(NO_EXCHANGES);
    const masked = provider.assess(
      imageCall(
        'nano-banana',
        { prompt: 'x', aspectRatio: '1:1', imageSize: '1K' },
        {
          media: [
            mediaAt('sourceImage', null, null),
            mediaAt('maskImage', null, 'https://cdn.example.com/m.png'),
          ],
        },
      ),
    );
    expect(masked.problems.map((p) => p.code)).toEqual(['mask_unsupported', 'media_url_unavailable']);
    const many = provider.assess(tooManyImagesCall());
    expect(many.problems.map((p) => p.code)).toEqual(['too_many_images']);
  });
});

describe('fal motion transfer', () => {
  const motionCall = (model: string) =>
    imageCall(
      model,
      { prompt: 'A dancer on a rooftop at dusk', aspectRatio: '9:16', duration: 5, audioEnabled: true },
      {
        media: [
          {
            ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/dancer.png'),
            field: 'referencePhoto',
          },
          { ...mediaAt('referenceVideo', null, 'https://cdn.example.com/moves.mp4'), field: 'motionVideo' },
        ],
      },
    );

  it('sends Kling 2.6 Motion to its motion-control endpoint and warns what follows the video', async () => {
    const fx = fixture('kling-2.6-motion');
    const { provider, server: s } = await fal(fx);
    const call = { ...motionCall('kling-2.6-motion'), type: 'video' as const, mode: 'video_to_video' };
    const started = await provider.start(call);
    expect(started.warnings.map((w) => w.code)).toEqual(['aspect_ratio_from_video', 'duration_from_video']);
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://v3b.fal.media/files/b/dancer/output.mp4', mediaType: 'video/mp4' }],
    });
    expectRecorded(fx, s);
  });

  it('maps Kling 3.0 Motion to the V3 endpoint, drops the sound when asked, and needs URLs', async () => {
    const { provider } = await fal(NO_EXCHANGES);
    const call = motionCall('kling-3.0-motion');
    const silent = { ...call, input: { ...call.input, audioEnabled: false, prompt: '' } };
    expect(falRequest(silent)).toEqual({
      endpoint: 'fal-ai/kling-video/v3/standard/motion-control',
      body: {
        image_url: 'https://cdn.example.com/dancer.png',
        video_url: 'https://cdn.example.com/moves.mp4',
        character_orientation: 'video',
        keep_original_sound: false,
      },
    });
    const noUrl = { ...call, media: call.media.map((m) => ({ ...m, url: null })) };
    expect(provider.assess(noUrl).problems.map((p) => p.code)).toEqual([
      'media_url_unavailable',
      'media_url_unavailable',
    ]);
  });
});

describe('fal Veo 3.1 Lite', () => {
  const veoCall = (input: Record<string, Json>, media: ResolvedMedia[] = []) =>
    ({
      ...imageCall('veo-3.1-lite', input, { media }),
      type: 'video',
      mode: media.length > 0 ? 'image_to_video' : 'text_to_video',
    }) as const;

  it('sends a start image to the lite image-to-video endpoint and follows it to its video', async () => {
    const fx = fixture('veo-3.1-lite-image');
    const { provider, server: s } = await fal(fx);
    const call = veoCall(
      {
        prompt: 'The paper boat drifts down the rainy street',
        aspectRatio: '9:16',
        resolution: '1080p',
        duration: 8,
        audioEnabled: false,
      },
      [{ ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/boat.png'), field: 'startImage' }],
    );
    expect(provider.assess(call)).toEqual({ problems: [], warnings: [] });
    const started = await provider.start(call);
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://v3b.fal.media/files/b/boat/output.mp4', mediaType: 'video/mp4' }],
    });
    expectRecorded(fx, s);
  });

  it('sends text to the lite endpoint, both frames to first-last-frame, and refuses reference images', () => {
    const t2v = veoCall({
      prompt: 'p',
      aspectRatio: '16:9',
      resolution: '720p',
      duration: 8,
      audioEnabled: true,
    });
    expect(JSON.stringify(falRequest(t2v))).toBe(
      JSON.stringify({
        endpoint: 'fal-ai/veo3.1/lite',
        body: { prompt: 'p', aspect_ratio: '16:9', duration: '8s', resolution: '720p', generate_audio: true },
      }),
    );
    const withEnd = veoCall(
      { prompt: 'p', aspectRatio: '16:9', resolution: '720p', duration: 8, audioEnabled: true },
      [
        { ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/a.png'), field: 'startImage' },
        { ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/b.png'), field: 'endImage' },
      ],
    );
    expect(JSON.stringify(falRequest(withEnd))).toBe(
      JSON.stringify({
        endpoint: 'fal-ai/veo3.1/lite/first-last-frame-to-video',
        body: {
          prompt: 'p',
          first_frame_url: 'https://cdn.example.com/a.png',
          last_frame_url: 'https://cdn.example.com/b.png',
          aspect_ratio: '16:9',
          duration: '8s',
          resolution: '720p',
          generate_audio: true,
        },
      }),
    );
    const withRefs = veoCall({ prompt: 'p' }, [
      mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/r.png'),
    ]);
    expect(assessForFal(withEnd).problems).toEqual([]);
    expect(assessForFal(withRefs).problems.map((p) => p.code)).toEqual(['references_unsupported']);
  });
});

describe('fal HappyHorse 1.0', () => {
  const hhCall = (input: Record<string, Json>, media: ResolvedMedia[] = []) =>
    ({
      ...imageCall('happyhorse-1.0', input, { media }),
      type: 'video',
      mode: 'reference_to_video',
    }) as const;

  it('sends reference images in order to reference-to-video and follows it to its video', async () => {
    const fx = fixture('happyhorse-reference');
    const { provider, server: s } = await fal(fx);
    const call = hhCall(
      {
        prompt: 'character1 and character2 share an umbrella in the rain',
        aspectRatio: '4:3',
        resolution: '720p',
        duration: 7,
      },
      [
        mediaAt('referenceAssetUris', 1, 'https://cdn.example.com/bob.png'),
        mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/ann.png'),
      ],
    );
    expect(provider.assess(call)).toEqual({ problems: [], warnings: [] });
    const started = await provider.start(call);
    expect(await provider.status({ operation: started.operation, signal: signal() })).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://v3b.fal.media/files/b/umbrella/output.mp4', mediaType: 'video/mp4' }],
    });
    expectRecorded(fx, s);
  });

  it('sends text to text-to-video, a start image to image-to-video, a source video to video-edit', () => {
    const t2v = hhCall({ prompt: 'p', aspectRatio: '9:16', resolution: '1080p', duration: 3 });
    expect(JSON.stringify(falRequest(t2v))).toBe(
      JSON.stringify({
        endpoint: 'alibaba/happy-horse/text-to-video',
        body: { prompt: 'p', aspect_ratio: '9:16', resolution: '1080p', duration: 3 },
      }),
    );
    const start = hhCall({ prompt: 'p', resolution: '720p', duration: 5 }, [
      { ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/a.png'), field: 'startImage' },
    ]);
    expect(JSON.stringify(falRequest(start))).toBe(
      JSON.stringify({
        endpoint: 'alibaba/happy-horse/image-to-video',
        body: { prompt: 'p', image_url: 'https://cdn.example.com/a.png', resolution: '720p', duration: 5 },
      }),
    );
    const source = hhCall({ prompt: 'put the hat of character1 on character2', resolution: '1080p' }, [
      { ...mediaAt('referenceVideo', null, 'https://cdn.example.com/v.mp4'), field: 'sourceVideo' },
      mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/r.png'),
    ]);
    expect(JSON.stringify(falRequest(source))).toBe(
      JSON.stringify({
        endpoint: 'alibaba/happy-horse/video-edit',
        body: {
          prompt: 'put the hat of @Image1 on character2',
          video_url: 'https://cdn.example.com/v.mp4',
          reference_image_urls: ['https://cdn.example.com/r.png'],
          resolution: '1080p',
        },
      }),
    );
    expect(assessForFal(start).problems).toEqual([]);
    expect(assessForFal(source).warnings.map((w) => w.code)).toEqual([
      'aspect_ratio_from_input',
      'duration_from_video',
    ]);
    const long = hhCall({ prompt: 'x'.repeat(2501) });
    expect(assessForFal(long).problems.map((p) => p.code)).toEqual(['prompt_too_long']);
  });
});

describe('fal webhooks', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const other = generateKeyPairSync('ed25519');
  const body = Buffer.from(
    JSON.stringify({
      request_id: '80e732af-660e-45cd-bd63-580e4f2a94cc',
      gateway_request_id: '80e732af-660e-45cd-bd63-580e4f2a94cc',
      status: 'OK',
      payload: { video: { url: 'https://v3b.fal.media/files/b/koala/output.mp4' } },
      error: null,
    }),
  );
  const ts = String(NOW / 1000);
  const signed = (key = privateKey, user = 'user_42', stamp = ts, bytes = body) => {
    const message = [
      '80e732af-660e-45cd-bd63-580e4f2a94cc',
      user,
      stamp,
      createHash('sha256').update(bytes).digest('hex'),
    ].join('\n');
    return {
      'x-fal-webhook-request-id': '80e732af-660e-45cd-bd63-580e4f2a94cc',
      'x-fal-webhook-user-id': user,
      'x-fal-webhook-timestamp': stamp,
      'x-fal-webhook-signature': sign(null, Buffer.from(message), key).toString('hex'),
    };
  };

  async function withJwks() {
    const { provider, server: s } = await fal({ description: 'webhooks', exchanges: [] });
    let jwksFetches = 0;
    s.serve('/.well-known/jwks.json', (response) => {
      jwksFetches++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          keys: [
            { kty: 'RSA', n: 'x', e: 'AQAB' },
            { ...jwk, kid: 'k1' },
          ],
        }),
      );
    });
    return { provider, fetches: () => jwksFetches };
  }

  it('accepts a delivery signed with a key of the JWKS, fetching the JWKS once', async () => {
    const { provider, fetches } = await withJwks();
    expect(await provider.parseCallback({ headers: signed(), body })).toEqual({
      upstreamId: '80e732af-660e-45cd-bd63-580e4f2a94cc',
    });
    await provider.parseCallback({ headers: signed(), body });
    expect(fetches()).toBe(1);
  });

  it.each([
    ['another key', () => signed(other.privateKey)],
    ['another fal user', () => signed(privateKey, 'user_7')],
    ['a stale timestamp', () => signed(privateKey, 'user_42', String(NOW / 1000 - 301))],
    ['a changed body', () => signed(privateKey, 'user_42', ts, Buffer.from('{}'))],
    ['no signature', () => ({})],
  ])('refuses a delivery with %s', async (_name, headers) => {
    const { provider } = await withJwks();
    const error = await failureOf(provider.parseCallback({ headers: headers(), body }));
    expect(error.kind).toBe('auth');
  });
});
