import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  adaptersOnReplay,
  type FakeClock,
  failureOf,
  failureOnStart,
  fakeClock,
  fixturesNextTo,
  NOWHERE,
} from '../../../test/adapter-harness.ts';
import { mediaAt, omniCall } from '../../../test/start-call.ts';
import { expectRecorded } from '../../../test/upstream-replay.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { KlingProvider, klingSubmission } from './kling-provider.ts';

const AK = 'ak_3f9c2e7b1d';
const SK = 'sk_8a1d6e4f0b2c9e7a';
const NOW = 1_774_805_076_000;
const fixture = fixturesNextTo(import.meta.url);

const makeKling = (baseUrl: string, options: { clock?: FakeClock; timeoutMs?: number } = {}) =>
  new KlingProvider({
    fetch,
    now: (options.clock ?? fakeClock(NOW)).read,
    config: { accessKey: AK, secretKey: SK, baseUrl, timeoutMs: options.timeoutMs ?? 5000 },
  });
const kling = adaptersOnReplay(makeKling);
/** An adapter that is only assessed. */
const offlineKling = () => makeKling(NOWHERE, { timeoutMs: 100 });

const t2vCall = () =>
  omniCall(
    {
      prompt: 'A lighthouse keeper says "storm\'s coming" as waves crash, cinematic',
      aspectRatio: '16:9',
      resolution: '1080p',
      duration: 8,
      audioEnabled: true,
    },
    { callbackUrl: 'https://gw.example.com/callbacks/kling' },
  );

describe('Kling adapter against a loopback Kling', () => {
  it('starts text-to-video with the exact body and a valid HS256 JWT, then follows it to the video', async () => {
    const fx = fixture('text-to-video');
    const { provider, server: s } = await kling(fx);
    const started = await provider.start(t2vCall());
    expect(started.upstreamId).toBe('867283741759111202');
    expect(started.operation).toEqual({ taskId: '867283741759111202', externalTaskId: 'gen_7f3c9a' });
    const signal = new AbortController().signal;
    expect(await provider.status({ operation: started.operation, signal })).toEqual({ state: 'pending' });
    expect(
      await provider.status({ operation: JSON.parse(JSON.stringify(started.operation)), signal }),
    ).toEqual({
      state: 'succeeded',
      outputs: [
        { url: 'https://v1-kling.kechuangai.com/bs2/upload-ylab-stunt/x.mp4', mediaType: 'video/mp4' },
      ],
    });
    expectRecorded(fx, s);
    const auth = s.received[0]?.headers.authorization ?? '';
    expect(auth).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const token = auth.slice('Bearer '.length);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({ iss: AK, exp: NOW / 1000 + 1800, nbf: NOW / 1000 - 5 });
    await jwtVerify(token, new TextEncoder().encode(SK), { currentDate: new Date(NOW) });
    await expect(
      jwtVerify(token, new TextEncoder().encode('wrong'), { currentDate: new Date(NOW) }),
    ).rejects.toThrow();
    // The token is reused while fresh.
    expect(new Set(s.received.map((r) => r.headers.authorization)).size).toBe(1);
  });

  it('mints a new token before the old one expires', async () => {
    const fx = fixture('text-to-video');
    const clock = fakeClock(NOW);
    const { provider, server: s } = await kling(fx, { clock });
    const { operation } = await provider.start(t2vCall());
    clock.now = NOW + 1501 * 1000; // past exp − 5 min
    await provider.status({ operation, signal: new AbortController().signal });
    const tokens = s.received.map((r) => decodeJwt((r.headers.authorization ?? '').slice(7)));
    expect(tokens[0]?.exp).toBe(NOW / 1000 + 1800);
    expect(tokens[1]?.exp).toBe(NOW / 1000 + 1501 + 1800);
  });

  it('re-mints and retries once when Kling says the token expired (1004)', async () => {
    const fx = fixture('token-expired');
    const clock = fakeClock(NOW);
    const { provider, server: s } = await kling(fx, { clock });
    const op = { taskId: '867283741759111202', externalTaskId: 'gen_7f3c9a' };
    expect(await provider.status({ operation: op, signal: new AbortController().signal })).toEqual({
      state: 'pending',
    });
    expectRecorded(fx, s);
    expect(s.remaining()).toBe(0);
  });

  it('reports a failed task as final with its reason', async () => {
    const fx = fixture('task-failed');
    const { provider, server: s } = await kling(fx);
    const { operation } = await provider.start(t2vCall());
    expect(await provider.status({ operation, signal: new AbortController().signal })).toEqual({
      state: 'failed',
      error: {
        code: 'upstream_task_failed',
        message: 'Kling could not make the video: Failure to pass the risk control system',
        retryable: false,
      },
    });
    expectRecorded(fx, s);
  });

  it('maps 1303 to a rate error carrying Retry-After', async () => {
    const error = await failureOnStart(kling, fixture('rate-limited'), t2vCall());
    expect(error.kind).toBe('rate');
    expect(error.details).toEqual({ status: 429, upstreamCode: '1303', retryAfterMs: 7000 });
  });

  it.each([
    ['server-error', 'server', '5000'],
    ['balance', 'balance', '1102'],
    ['auth-failed', 'auth', '1000'],
  ])('maps %s to %s', async (name, kind, code) => {
    const error = await failureOnStart(kling, fixture(name), t2vCall());
    expect(error.kind).toBe(kind);
    expect(error.details.upstreamCode).toBe(code);
    expect(error.mayHaveArrived).toBe(false);
  });

  it('treats a non-JSON answer as malformed (may have arrived)', async () => {
    const fx = fixture('malformed');
    const { provider } = await kling(fx);
    const error = await failureOf(provider.start(t2vCall()));
    expect(error.kind).toBe('malformed');
    expect(error.mayHaveArrived).toBe(true);
  });

  it('gives up on an unanswered submit after its timeout (may have arrived)', async () => {
    const fx = fixture('timeout');
    const { provider } = await kling(fx, { timeoutMs: 300 });
    const error = await failureOf(provider.start(t2vCall()));
    expect(error.kind).toBe('timeout');
    expect(error.mayHaveArrived).toBe(true);
  });

  it('finds a started task by external_task_id, and nothing for an unknown one', async () => {
    const fx = fixture('find-started');
    const { provider, server: s } = await kling(fx);
    const signal = new AbortController().signal;
    expect(await provider.findStarted({ generationId: 'gen_7f3c9a', signal })).toEqual({
      operation: { taskId: '867283741759111202', externalTaskId: 'gen_7f3c9a' },
      upstreamId: '867283741759111202',
    });
    expect(await provider.findStarted({ generationId: 'gen_unknown', signal })).toBeNull();
    expectRecorded(fx, s);
  });

  it('accepts a callback that comes before any poll only as a hint, then the query decides', async () => {
    const fx = fixture('text-to-video');
    const { provider, server: s } = await kling(fx);
    const { operation } = await provider.start(t2vCall());
    // Kling's flat callback (E.10) claims success before the gateway asked anything.
    const body = Buffer.from(
      JSON.stringify({
        task_id: '867283741759111202',
        task_status: 'succeed',
        task_status_msg: '',
        task_info: { external_task_id: 'gen_7f3c9a' },
        task_result: { videos: [{ id: 'x', url: 'https://evil.example/fake.mp4', duration: '8.0' }] },
      }),
    );
    expect(await provider.parseCallback({ headers: {}, body })).toEqual({ upstreamId: '867283741759111202' });
    const enveloped = Buffer.from(
      JSON.stringify({ code: 0, data: { task_id: '867283741759111202', task_status: 'processing' } }),
    );
    expect(await provider.parseCallback({ headers: {}, body: enveloped })).toEqual({
      upstreamId: '867283741759111202',
    });
    await expect(provider.parseCallback({ headers: {}, body: Buffer.from('nope') })).rejects.toThrow(
      UpstreamError,
    );
    // The re-query says it is still processing: the callback's claim is not trusted.
    expect(await provider.status({ operation, signal: new AbortController().signal })).toEqual({
      state: 'pending',
    });
    expect(s.received).toHaveLength(2);
  });

  it('maps reference images and a reference video: feature reference, sound off, images as URLs', async () => {
    const fx = fixture('reference-video');
    const { provider, server: s } = await kling(fx);
    const call = omniCall(
      {
        prompt: 'Using the camera movement of <<<video_1>>>, show <<<image_1>>> running on a beach',
        aspectRatio: '9:16',
        resolution: '720p',
        duration: 7,
        audioEnabled: false,
      },
      {
        generationId: 'gen_ref0001',
        media: [
          mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/runner.png'),
          mediaAt('referenceAssetUris', 1, 'https://cdn.example.com/beach.png'),
          mediaAt('referenceVideo', null, 'https://cdn.example.com/ref.mp4'),
        ],
      },
    );
    expect(provider.assess(call)).toEqual({ problems: [], warnings: [] });
    await provider.start(call);
    expectRecorded(fx, s);
  });

  it('sends a single image as first frame without aspect_ratio, and says so', async () => {
    const fx = fixture('first-frame');
    const { provider, server: s } = await kling(fx);
    const call = omniCall(
      {
        prompt: 'The dancer spins and lands facing the camera',
        duration: 5,
        audioEnabled: false,
        aspectRatio: '16:9',
      },
      {
        generationId: 'gen_frame001',
        media: [mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/a.png')],
      },
    );
    const started = await provider.start(call);
    expect(started.warnings.map((w) => w.code)).toEqual(['aspect_ratio_from_image']);
    expectRecorded(fx, s);
  });
});

describe('Kling request mapping', () => {
  it('sends an image without a URL as raw base64 (no data: prefix)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kling-'));
    const path = join(dir, 'a.png');
    await writeFile(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    const body = klingSubmission(
      omniCall(
        { prompt: 'p' },
        {
          media: [
            mediaAt('referenceAssetUris', 0, null, path),
            mediaAt('referenceAssetUris', 1, 'https://x.example/b.png'),
          ],
        },
      ),
    ).body;
    expect(body.image_list).toEqual([
      { image_url: 'iVBORwECAw==' },
      { image_url: 'https://x.example/b.png' },
    ]);
  });

  it('refuses what Kling cannot run: over 10 s with a reference video, a video without a URL', () => {
    const provider = offlineKling();
    const call = omniCall(
      { prompt: 'p', duration: 12, audioEnabled: false },
      { media: [mediaAt('referenceVideo', null, null)] },
    );
    expect(provider.assess(call).problems.map((p) => p.code)).toEqual([
      'duration_unsupported',
      'media_url_unavailable',
    ]);
    expect(provider.assess({ ...call, model: 'seedance-2.0-relaxed' }).problems.map((p) => p.code)).toEqual([
      'model_not_hosted',
    ]);
  });

  it('turns sound off whenever a reference video is given', () => {
    const body = klingSubmission(
      omniCall(
        { prompt: 'p', audioEnabled: true },
        { media: [mediaAt('referenceVideo', null, 'https://x.example/v.mp4')] },
      ),
    ).body;
    expect(body.sound).toBe('off');
  });
});

describe('Kling 3.0 and Kling O1 on Kling', () => {
  const frames = (start: string, end: string) => [
    { ...mediaAt('referenceAssetUris', null, start), field: 'startImage' },
    { ...mediaAt('referenceAssetUris', null, end), field: 'endImage' },
  ];

  it('sends Kling 3.0 with frames to image2video and follows it there', async () => {
    const fx = fixture('kling-3-image-to-video');
    const { provider, server: s } = await kling(fx);
    const call = {
      ...omniCall(
        {
          prompt: 'The dancer spins and lands facing the camera',
          resolution: '1080p',
          duration: 5,
          audioEnabled: true,
        },
        {
          generationId: 'gen_k3i2v01',
          media: frames('https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'),
        },
      ),
      model: 'kling-3.0',
      mode: 'image_to_video',
    };
    const started = await provider.start(call);
    expect(started.operation).toEqual({
      taskId: '867283741759111500',
      externalTaskId: 'gen_k3i2v01',
      endpoint: 'image2video',
    });
    expect(
      (await provider.status({ operation: started.operation, signal: new AbortController().signal })).state,
    ).toBe('succeeded');
    expectRecorded(fx, s);
  });

  it('sends Kling 3.0 from text to text2video', async () => {
    const fx = fixture('kling-3-text-to-video');
    const { provider, server: s } = await kling(fx);
    await provider.start({
      ...omniCall(
        { prompt: 'A lighthouse at dusk', aspectRatio: '9:16', duration: 10, audioEnabled: false },
        { generationId: 'gen_k3t2v01' },
      ),
      model: 'kling-3.0',
    });
    expectRecorded(fx, s);
  });

  it('refuses Kling 3.0 at 4K on Kling', () => {
    const provider = offlineKling();
    const call = { ...omniCall({ prompt: 'p', resolution: '4k' }), model: 'kling-3.0' };
    expect(provider.assess(call).problems.map((p) => p.code)).toEqual(['resolution_unsupported']);
  });

  it('sends Kling 2.6 with a start image to image2video as kling-v2-6 with sound, and follows it', async () => {
    const fx = fixture('kling-2.6-image-to-video');
    const { provider, server: s } = await kling(fx);
    const base = omniCall(
      {
        prompt: 'The chef tastes the soup and says: perfect',
        aspectRatio: '4:3',
        resolution: '1080p',
        duration: 10,
        audioEnabled: true,
      },
      {
        generationId: 'gen_k26i2v1',
        media: [
          { ...mediaAt('referenceAssetUris', null, 'https://cdn.example.com/chef.png'), field: 'startImage' },
        ],
      },
    );
    const call = { ...base, model: 'kling-2.6', mode: 'image_to_video' };
    const assessment = provider.assess(call);
    expect(assessment.problems).toEqual([]);
    expect(assessment.warnings.map((w) => w.code)).toEqual(['aspect_ratio_from_image']);
    const started = await provider.start(call);
    expect(started.operation).toEqual({
      taskId: '867283741759112600',
      externalTaskId: 'gen_k26i2v1',
      endpoint: 'image2video',
    });
    expect(
      await provider.status({ operation: started.operation, signal: new AbortController().signal }),
    ).toEqual({
      state: 'succeeded',
      outputs: [{ url: 'https://v1-kling.kechuangai.com/k26.mp4', mediaType: 'video/mp4' }],
    });
    expectRecorded(fx, s);
  });

  it('maps Kling 2.6 from text at 720p to std without sound, and refuses 4:3 there', () => {
    const call = {
      ...omniCall(
        {
          prompt: 'A fox in the snow',
          aspectRatio: '1:1',
          resolution: '720p',
          duration: 5,
          audioEnabled: false,
        },
        { generationId: 'gen_k26t2v1' },
      ),
      model: 'kling-2.6',
    };
    expect(klingSubmission(call).endpoint).toBe('text2video');
    expect(JSON.stringify(klingSubmission(call).body)).toBe(
      JSON.stringify({
        model_name: 'kling-v2-6',
        prompt: 'A fox in the snow',
        mode: 'std',
        aspect_ratio: '1:1',
        duration: '5',
        sound: 'off',
        external_task_id: 'gen_k26t2v1',
      }),
    );
    const provider = offlineKling();
    const wide = { ...call, input: { ...call.input, aspectRatio: '4:3' } };
    expect(provider.assess(wide).problems.map((p) => p.code)).toEqual(['aspect_ratio_unsupported']);
  });

  it('sends Kling O1 to omni-video with typed frames and no sound field', async () => {
    const fx = fixture('kling-o1-frames');
    const { provider, server: s } = await kling(fx);
    const base = omniCall(
      { prompt: 'The cat jumps onto the table', duration: 5 },
      {
        generationId: 'gen_o1fr001',
        media: frames('https://cdn.example.com/start.png', 'https://cdn.example.com/end.png'),
      },
    );
    const { audioEnabled: _dropped, ...input } = base.input;
    await provider.start({ ...base, model: 'kling-o1', mode: 'image_to_video', input });
    expectRecorded(fx, s);
  });
});
