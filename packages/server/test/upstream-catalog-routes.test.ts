import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_IMAGE_SIZE, type FakeUpstreams, startFakeUpstreams } from './fake-upstreams.ts';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { makeTestVideo } from './loopback-fixture.ts';

const LIVE_KEY = 'rl_live_upstreamimages000000001';
const AK = 'ak_gateway_images';
const SK = 'sk_gateway_images_secret';
const R8 = 'r8_gateway_images_token';
const FAL = 'fal_gateway_images:key';

describe.each(DATABASES)('more catalog models on upstream providers through the gateway on %s', (kind) => {
  let dir = '';
  let video = '';
  let fake: FakeUpstreams;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-upstream-images-'));
    video = await makeTestVideo(dir);
  });
  afterEach(async () => {
    for (const g of gateways.splice(0)) await g.stop();
    await fake?.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function gateway(env: Record<string, string> = {}) {
    fake = await startFakeUpstreams({
      accessKey: AK,
      secretKey: SK,
      replicateToken: R8,
      falKey: FAL,
      videoFile: video,
    });
    const t = await startGateway(kind, {
      REELAY_DEV_KEY: LIVE_KEY,
      REELAY_KLING_ACCESS_KEY: AK,
      REELAY_KLING_SECRET_KEY: SK,
      REELAY_KLING_BASE_URL: fake.base,
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_FAL_KEY: FAL,
      REELAY_FAL_QUEUE_URL: fake.base,
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      ...env,
    });
    gateways.push(t);
    return t;
  }

  /** Runs a request to its end and checks the stored output is the upstream's PNG, probed. */
  async function runImage(t: TestGateway, body: unknown) {
    const created = await t.api('POST', '/api/v1/generations', body);
    expect(created.status).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    const [output] = done.json.outputs;
    expect(output.mediaType).toBe('image/png');
    expect(output.width).toBe(FAKE_IMAGE_SIZE.width);
    expect(output.height).toBe(FAKE_IMAGE_SIZE.height);
    const content = await fetch(output.url.replace(t.gateway.config.publicUrl, t.baseUrl), {
      headers: { authorization: `Bearer ${LIVE_KEY}` },
    });
    const meta = await sharp(Buffer.from(await content.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 96, 64]);
    expect(done.json.chargedTokens).toBeGreaterThan(0);
    return done;
  }

  it('runs Nano Banana on fal by default, storing and probing the image it makes', async () => {
    const t = await gateway();
    const done = await runImage(t, {
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'studio portrait of a red corgi, soft light', aspectRatio: '16:9' },
    });
    expect(done.json.provider).toBe('fal');
    expect(fake.fal.tasks.map((task) => [task.model, task.body])).toEqual([
      [
        'fal-ai/nano-banana',
        {
          prompt: 'studio portrait of a red corgi, soft light',
          num_images: 1,
          aspect_ratio: '16:9',
          output_format: 'png',
        },
      ],
    ]);
    expect(fake.replicate.tasks).toHaveLength(0);
  });

  it('runs Nano Banana 2 on Replicate when routed there, with its resolution', async () => {
    const t = await gateway({ REELAY_ROUTES: '{"nano-banana-2":["replicate"]}' });
    const done = await runImage(t, {
      type: 'image',
      model: 'nano-banana-2',
      input: { prompt: 'a lighthouse at dusk', aspectRatio: '1:1', imageSize: '2K' },
    });
    expect(done.json.provider).toBe('replicate');
    expect(fake.replicate.tasks.map((task) => [task.model, task.body])).toEqual([
      [
        'google/nano-banana-2',
        {
          input: {
            prompt: 'a lighthouse at dusk',
            aspect_ratio: '1:1',
            resolution: '2K',
            output_format: 'png',
          },
        },
      ],
    ]);
    expect(fake.fal.tasks).toHaveLength(0);
  });

  it('runs Seedream 4.5, Seedream 5, Grok Imagine and GPT Image 2 on Replicate by default, storing each image', async () => {
    const t = await gateway();
    const seedream = await runImage(t, {
      type: 'image',
      model: 'seedream-4.5',
      input: { prompt: 'a glass perfume bottle on wet stone', aspectRatio: '16:9', imageSize: '4K' },
    });
    expect(seedream.json.provider).toBe('replicate');
    const seedream5 = await runImage(t, {
      type: 'image',
      model: 'seedream-5',
      input: { prompt: 'a floor plan as a photo', aspectRatio: '1:1', imageSize: '3K' },
    });
    expect(seedream5.json.provider).toBe('replicate');
    const grok = await runImage(t, {
      type: 'image',
      model: 'grok-imagine',
      input: { prompt: 'a corgi in a red scarf', aspectRatio: '2:3' },
    });
    expect(grok.json.provider).toBe('replicate');
    const gpt = await runImage(t, {
      type: 'image',
      model: 'gpt-image-2',
      input: { prompt: 'a poster that says HELLO', aspectRatio: '1:1' },
    });
    expect(gpt.json.provider).toBe('replicate');
    expect(fake.replicate.tasks.map((task) => [task.model, task.body])).toEqual([
      [
        'bytedance/seedream-4.5',
        {
          input: {
            prompt: 'a glass perfume bottle on wet stone',
            aspect_ratio: '16:9',
            size: '4K',
            sequential_image_generation: 'disabled',
          },
        },
      ],
      [
        'bytedance/seedream-5-lite',
        {
          input: {
            prompt: 'a floor plan as a photo',
            aspect_ratio: '1:1',
            size: '3K',
            output_format: 'png',
            sequential_image_generation: 'disabled',
          },
        },
      ],
      ['xai/grok-imagine-image', { input: { prompt: 'a corgi in a red scarf', aspect_ratio: '2:3', n: 1 } }],
      [
        'openai/gpt-image-2',
        {
          input: {
            prompt: 'a poster that says HELLO',
            aspect_ratio: '1:1',
            quality: 'medium',
            output_format: 'png',
            number_of_images: 1,
          },
        },
      ],
    ]);
  });

  it('runs Kling 2.6 on Kling text2video by default, storing and probing its video', async () => {
    const t = await gateway();
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-2.6',
      input: { prompt: 'a fox in the snow', aspectRatio: '16:9', resolution: '1080p', duration: 5 },
    });
    expect(created.status).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('kling');
    expect(fake.kling.tasks.map((task) => [task.model, task.body])).toEqual([
      [
        '/v1/videos/text2video',
        {
          model_name: 'kling-v2-6',
          prompt: 'a fox in the snow',
          mode: 'pro',
          aspect_ratio: '16:9',
          duration: '5',
          sound: 'on',
          external_task_id: created.json.id,
        },
      ],
    ]);
    const [output] = done.json.outputs;
    expect(output.mediaType).toBe('video/mp4');
    expect(output.width).toBe(64);
    expect(output.durationSeconds).toBeGreaterThan(0);
  });

  it('runs Veo 3.1 Lite on fal by default, storing and probing its video', async () => {
    const t = await gateway();
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'veo-3.1-lite',
      input: { prompt: 'rain on a tin roof', aspectRatio: '16:9', resolution: '720p', audioEnabled: true },
    });
    expect(created.status).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('fal');
    expect(fake.fal.tasks.map((task) => [task.model, task.body])).toEqual([
      [
        'fal-ai/veo3.1/lite',
        {
          prompt: 'rain on a tin roof',
          aspect_ratio: '16:9',
          duration: '8s',
          resolution: '720p',
          generate_audio: true,
        },
      ],
    ]);
    expect(done.json.outputs[0].mediaType).toBe('video/mp4');
    expect(done.json.outputs[0].durationSeconds).toBeGreaterThan(0);
  });

  it('runs HappyHorse 1.0 on fal by default, with the duration as an integer', async () => {
    const t = await gateway();
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'happyhorse-1.0',
      input: { prompt: 'a horse on a beach at dawn', aspectRatio: '1:1', resolution: '1080p', duration: 6 },
    });
    expect(created.status).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('fal');
    expect(fake.fal.tasks.map((task) => [task.model, task.body])).toEqual([
      [
        'alibaba/happy-horse/text-to-video',
        { prompt: 'a horse on a beach at dawn', aspect_ratio: '1:1', resolution: '1080p', duration: 6 },
      ],
    ]);
    expect(done.json.outputs[0].mediaType).toBe('video/mp4');
  });

  it('runs Kling 3.0 Motion on fal by default, sending the photo and motion video by URL', async () => {
    // Inputs are handed to upstreams only as https links, so the gateway is given an https public URL.
    const t = await gateway({ REELAY_PUBLIC_URL: 'https://gw.example.test' });
    const png = await sharp({ create: { width: 320, height: 480, channels: 3, background: '#3a6' } })
      .png()
      .toBuffer();
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-motion',
      input: {
        prompt: 'a dancer on a rooftop',
        aspectRatio: '9:16',
        duration: 3,
        audioEnabled: false,
        referencePhoto: `data:image/png;base64,${png.toString('base64')}`,
        motionVideo: `data:video/mp4;base64,${(await readFile(video)).toString('base64')}`,
      },
    });
    expect(created.status).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.error ?? null).toBeNull();
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('fal');
    expect(done.json.warnings.map((w: { code: string }) => w.code)).toEqual([
      'aspect_ratio_from_video',
      'duration_from_video',
    ]);
    const [task] = fake.fal.tasks;
    expect(task?.model).toBe('fal-ai/kling-video/v3/standard/motion-control');
    const body = task?.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'prompt',
      'image_url',
      'video_url',
      'character_orientation',
      'keep_original_sound',
    ]);
    expect([body.prompt, body.character_orientation, body.keep_original_sound]).toEqual([
      'a dancer on a rooftop',
      'video',
      false,
    ]);
    // The upstream fetches the inputs from the gateway's signed links: the same bytes that were sent.
    const photo = await fetch(String(body.image_url).replace(t.gateway.config.publicUrl, t.baseUrl));
    expect(Buffer.from(await photo.arrayBuffer()).equals(png)).toBe(true);
    expect(done.json.outputs[0].mediaType).toBe('video/mp4');
  });
});
