import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfprobe } from '../src/media/ffmpeg-binaries.ts';
import { probeMedia } from '../src/media/probe.ts';
import { DATABASES, makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';

const SEED_PROMPT = 'cinematic drone shot over a city at night';

async function downloadAndProbe(t: TestGateway, output: { url: string }) {
  const response = await fetch(output.url.replace(t.gateway.config.publicUrl, t.baseUrl), {
    headers: { authorization: `Bearer ${t.key}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('video/mp4');
  const path = join(t.dataDir, `download-${Date.now()}.mp4`);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
  return probeMedia(path, { ffprobePath: findFfprobe(null, process.env.PATH ?? '') });
}

describe.each(DATABASES)('generations end to end on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('runs the reference request with an uploaded PNG to a real 720×1280 MP4 with audio', async () => {
    const asset = await upload(t, await makePng(800, 600, [200, 40, 40]), 'image/png');
    expect(asset.uri).toMatch(/^asset:\/\/asset_/);
    expect(asset).toMatchObject({ kind: 'image', mediaType: 'image/png', width: 800, height: 600 });

    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: {
        prompt: SEED_PROMPT,
        aspectRatio: '9:16',
        resolution: '720p',
        duration: 3,
        audioEnabled: true,
        referenceAssetUris: [asset.uri],
      },
    });
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({
      type: 'video',
      model: 'kling-3.0-omni',
      status: 'queued',
      variant: '720p-audio',
      provider: 'local',
      environment: 'test',
      quote: { tokens: 25.5, tokensPerSecond: 8.5, seconds: 3 },
    });
    expect(created.json.id).toMatch(/^gen_/);
    expect(created.json.quote).toEqual({ tokens: 25.5, tokensPerSecond: 8.5, seconds: 3 });
    expect(Object.keys(created.json.input)).toEqual([
      'prompt',
      'aspectRatio',
      'resolution',
      'duration',
      'audioEnabled',
      'referenceAssetUris',
    ]);
    expect(created.headers.get('location')).toBe(`/api/v1/generations/${created.json.id}`);

    const held = await t.api('GET', '/api/v1/account');
    expect(held.json.tokens).toEqual({ balance: 10_000, held: 25.5, available: 9974.5 });

    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.chargedTokens).toBe(25.5);
    expect(done.json.outputs).toHaveLength(1);
    expect(done.json.outputs[0]).toMatchObject({
      mediaType: 'video/mp4',
      width: 720,
      height: 1280,
      hasAudio: true,
    });
    const probe = await downloadAndProbe(t, done.json.outputs[0]);
    expect(probe.video).toMatchObject({ codec: 'h264', width: 720, height: 1280 });
    expect(probe.audio?.codec).toBe('aac');
    expect(Math.abs(probe.durationSeconds - 3)).toBeLessThanOrEqual(0.05);

    const after = await t.api('GET', '/api/v1/account');
    expect(after.json.tokens).toEqual({ balance: 9974.5, held: 0, available: 9974.5 });
  });

  it('renders without an audio stream when audio is off', async () => {
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: SEED_PROMPT, audioEnabled: false },
    });
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({ variant: '720p', mode: 'text_to_video', quote: { tokens: 19.2 } });
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    const probe = await downloadAndProbe(t, done.json.outputs[0]);
    expect(probe.audio).toBeUndefined();
    expect(probe.video).toMatchObject({ width: 720, height: 1280 });
  });

  it('renders 16:9 1080p for 5 seconds at 1920×1080', async () => {
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'a lighthouse in a storm', aspectRatio: '16:9', resolution: '1080p', duration: 5 },
    });
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({ variant: '1080p-audio', quote: { tokens: 56.5 } });
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    const probe = await downloadAndProbe(t, done.json.outputs[0]);
    expect(probe.video).toMatchObject({ width: 1920, height: 1080 });
    expect(Math.abs(probe.durationSeconds - 5)).toBeLessThanOrEqual(0.05);
  });

  it('lists generations newest first with a cursor, filters by status, and cancels a queued one', async () => {
    const first = await t.api('GET', '/api/v1/generations?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.data).toHaveLength(2);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await t.api('GET', `/api/v1/generations?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.data).toHaveLength(1);
    expect(second.json.nextCursor).toBeNull();
    const ids = [...first.json.data, ...second.json.data].map((g: { id: string }) => g.id);
    expect(new Set(ids).size).toBe(3);
    const times = [...first.json.data, ...second.json.data].map((g: { createdAt: string }) => g.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const succeeded = await t.api('GET', '/api/v1/generations?status=succeeded&model=kling-3.0-omni');
    expect(succeeded.json.data).toHaveLength(3);
  });

  it('keeps one generation and one hold for a repeated Idempotency-Key, and 409s another body', async () => {
    const body = {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'same request twice', audioEnabled: false },
    };
    const before = (await t.api('GET', '/api/v1/account')).json.tokens;
    const a = await t.api('POST', '/api/v1/generations', body, { 'idempotency-key': 'same-key-1' });
    const b = await t.api('POST', '/api/v1/generations', body, { 'idempotency-key': 'same-key-1' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.json.id).toBe(a.json.id);
    const other = await t.api(
      'POST',
      '/api/v1/generations',
      { ...body, input: { prompt: 'different' } },
      { 'idempotency-key': 'same-key-1' },
    );
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe('idempotency_conflict');
    await waitForFinal(t, a.json.id);
    const afterTokens = (await t.api('GET', '/api/v1/account')).json.tokens;
    expect(before.balance - afterTokens.balance).toBeCloseTo(19.2, 6);
  });
});
