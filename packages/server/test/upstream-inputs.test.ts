import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fake-upstreams.ts';
import { makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';
import { makeTestVideo } from './loopback-fixture.ts';
import { makeVideo } from './media-fixtures.ts';

const LIVE_KEY = 'rl_live_upstreaminputs00000001';
const AK = 'ak_inputs_test';
const SK = 'sk_inputs_test_secret';
const R8 = 'r8_inputs_test_token';
const FAL = 'fal_inputs_test_key';

const omni = (input: Record<string, unknown>) => ({
  type: 'video',
  model: 'kling-3.0-omni',
  input: {
    prompt: 'the fox waves at <<<image_1>>>',
    aspectRatio: '16:9',
    duration: 3,
    audioEnabled: false,
    ...input,
  },
});

// The gateway's public URL is plain http on loopback, as on a laptop: no upstream could fetch its links.
describe('input files for upstreams without a public URL', () => {
  let dir = '';
  let video = '';
  let fake: FakeUpstreams;
  let png: Buffer;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-upstream-inputs-'));
    video = await makeTestVideo(dir);
    png = await makePng(400, 400, [30, 120, 200]);
  });
  afterEach(async () => {
    for (const g of gateways.splice(0)) await g.stop();
    await fake?.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function gateway(routes: string[], env: Record<string, string> = {}) {
    fake = await startFakeUpstreams({
      accessKey: AK,
      secretKey: SK,
      replicateToken: R8,
      falKey: FAL,
      videoFile: video,
    });
    const t = await startGateway('pglite', {
      REELAY_DEV_KEY: LIVE_KEY,
      REELAY_KLING_ACCESS_KEY: AK,
      REELAY_KLING_SECRET_KEY: SK,
      REELAY_KLING_BASE_URL: fake.base,
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_FAL_KEY: FAL,
      REELAY_FAL_QUEUE_URL: fake.base,
      REELAY_FAL_STORAGE_URL: fake.base,
      REELAY_ROUTES: JSON.stringify({ 'kling-3.0-omni': routes }),
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      ...env,
    });
    gateways.push(t);
    return t;
  }

  async function runs(t: TestGateway, body: unknown) {
    const created = await t.api('POST', '/api/v1/generations', body);
    expect(created.status, created.text).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status, JSON.stringify(done.json.error)).toBe('succeeded');
    return done;
  }

  it('uploads a reference image to fal storage once and names the file URL in both requests', async () => {
    const t = await gateway(['fal']);
    const image = await upload(t, png, 'image/png');
    await runs(t, omni({ referenceAssetUris: [image.uri] }));
    await runs(t, omni({ referenceAssetUris: [image.uri] }));
    expect(fake.uploads).toHaveLength(1);
    const [file] = fake.uploads;
    expect(file?.upstream).toBe('fal');
    expect(file?.contentType).toBe('image/png');
    expect(file?.bytes.equals(png)).toBe(true);
    // One reference image is the first frame, which fal's O3 image-to-video takes as image_url.
    expect(fake.fal.tasks.map((task) => [task.model, task.body.image_url])).toEqual([
      ['fal-ai/kling-video/o3/standard/image-to-video', file?.url],
      ['fal-ai/kling-video/o3/standard/image-to-video', file?.url],
    ]);
  });

  it('uploads a reference image to Replicate through its Files API and names its URL', async () => {
    const t = await gateway(['replicate']);
    const image = await upload(t, png, 'image/png');
    await runs(t, omni({ referenceAssetUris: [image.uri] }));
    expect(fake.uploads).toHaveLength(1);
    const [file] = fake.uploads;
    expect(file?.upstream).toBe('replicate');
    expect(file?.bytes.equals(png)).toBe(true);
    expect(JSON.stringify(fake.replicate.tasks[0]?.body.input)).toContain(file?.url ?? 'missing');
  });

  it('sends a reference image to Kling inline as base64, uploading nothing', async () => {
    const t = await gateway(['kling']);
    const image = await upload(t, png, 'image/png');
    await runs(t, omni({ referenceAssetUris: [image.uri] }));
    expect(fake.uploads).toHaveLength(0);
    expect(JSON.stringify(fake.kling.tasks[0]?.body)).toContain(png.toString('base64'));
  });

  it('refuses with 422 before holding tokens a reference video no enabled upstream can receive', async () => {
    const t = await gateway(['kling']);
    const clip = await upload(
      t,
      await makeVideo({ width: 720, height: 720, fps: 24, seconds: 3, silent: true }),
      'video/mp4',
    );
    const before = await t.api('GET', '/api/v1/account');
    const refused = await t.api(
      'POST',
      '/api/v1/generations',
      omni({ referenceVideo: clip.uri, prompt: 'p' }),
    );
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.error.code).toBe('unsupported_input');
    expect(refused.json.error.param).toBe('input.referenceVideo');
    expect(refused.json.error.message).toMatch(
      /^input\.referenceVideo: no enabled provider \(kling\) can receive a video without a public URL; set REELAY_PUBLIC_URL/,
    );
    const after = await t.api('GET', '/api/v1/account');
    expect(after.json.tokens).toEqual(before.json.tokens);
    expect((await t.api('GET', '/api/v1/generations')).json.data).toHaveLength(0);
    expect(fake.kling.tasks).toHaveLength(0);
  });
});
