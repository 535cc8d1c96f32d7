import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyMedia } from '../../src/assets/identify-media.ts';
import { ApiError } from '../../src/errors.ts';
import { findFfprobe } from '../../src/media/ffmpeg-binaries.ts';
import { makePng, startGateway, type TestGateway, type TestResponse, upload } from '../harness.ts';
import { makeVideo } from '../media-fixtures.ts';
import { blackPng, pngInMov } from './oversized-media.ts';

const MB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dataUri = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;

/** An image model whose reference slot publishes no limits of its own: only the gateway's apply. */
const seedream = (input: Record<string, unknown>) => ({
  type: 'image',
  model: 'seedream-4.5',
  input: { prompt: 'a lighthouse at dusk', ...input },
});
/** A video model whose reference video slot publishes no limits of its own. */
const seedance = (input: Record<string, unknown>) => ({
  type: 'video',
  model: 'seedance-2.0-relaxed',
  input: { prompt: 'a lighthouse at dusk', ...input },
});

/**
 * Runs `work` while sampling this process's resident memory (the gateway runs in it, sharp's decoding
 * included), and gives back how far it rose above where it started, in bytes: the larger of the sampled peak
 * and the kernel's own peak (`maxRSS`, which only counts if it rose past the peak before).
 */
async function memoryGrowth(work: () => Promise<void>): Promise<number> {
  const start = process.memoryUsage().rss;
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  let sampled = start;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  sampled = Math.max(sampled, process.memoryUsage().rss);
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  const kernelGrowth = peakAfter > peakBefore ? peakAfter - start : 0;
  return Math.max(sampled - start, kernelGrowth);
}

describe('media that would cost more to decode than its size', () => {
  let t: TestGateway;
  let imageBomb: Buffer;

  beforeAll(async () => {
    // Generations stay queued: nothing renders, so only the checks at create time are seen.
    t = await startGateway('pglite', { REELAY_WORKER_CONCURRENCY: '0' });
    imageBomb = blackPng(16000, 16000);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses a small PNG declaring 16000×16000 pixels from its header, as an upload and as data: inputs', async () => {
    expect(imageBomb.length).toBeLessThan(2 * MB);
    const answers: TestResponse[] = [];
    const growth = await memoryGrowth(async () => {
      answers.push(
        await t.api('POST', '/api/v1/assets', new Uint8Array(imageBomb), { 'content-type': 'image/png' }),
      );
      const uri = dataUri('image/png', imageBomb);
      answers.push(
        await t.api('POST', '/api/v1/generations', seedream({ referenceAssetUris: [uri, uri, uri, uri] })),
      );
      // The same file fetched for a slot with published limits (Kling's reference images).
      answers.push(
        await t.api('POST', '/api/v1/generations', {
          type: 'video',
          model: 'kling-3.0-omni',
          input: { prompt: 'a lighthouse at dusk', referenceAssetUris: [uri] },
        }),
      );
    });

    const [uploaded, several, kling] = answers as [TestResponse, TestResponse, TestResponse];
    expect(uploaded.status).toBe(413);
    expect(uploaded.json.error.code).toBe('payload_too_large');
    expect(uploaded.json.error.message).toBe(
      'The image is 16000×16000 px (256000000 pixels); images may have at most 67108864 pixels (8192×8192).',
    );

    expect(several.status).toBe(422);
    expect(several.json.error.param).toBe('input.referenceAssetUris[0]');
    expect(several.json.error.details).toHaveLength(4);
    several.json.error.details.forEach((d: { param: string; message: string }, i: number) => {
      expect(d.param).toBe(`input.referenceAssetUris[${i}]`);
      expect(d.message).toMatch(
        new RegExp(
          `^input\\.referenceAssetUris\\[${i}\\]: The image is 16000×16000 px .*at most 67108864 pixels`,
        ),
      );
    });

    expect(kling.status).toBe(422);
    expect(kling.json.error.param).toBe('input.referenceAssetUris[0]');
    expect(kling.json.error.details[0].message).toMatch(/16000×16000 px .*8192×8192/);

    // Six decodes of a gigabyte each were avoided; reading six headers costs next to nothing.
    expect(growth).toBeLessThan(200 * MB);
    // Nothing refused was kept.
    const rows = await t.gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assets');
    expect(rows[0]?.n).toBe(0);
  });

  it('refuses an image one pixel past the limit before decoding it, and names its sides', async () => {
    const r = await t.api('POST', '/api/v1/assets', new Uint8Array(blackPng(8192, 8193, 'gray')), {
      'content-type': 'image/png',
    });
    expect(r.status).toBe(413);
    expect(r.json.error.message).toMatch(/^The image is 8192×8193 px \(67117056 pixels\)/);
  });

  it('refuses a video whose frame is 16000×16000 (PNG in MOV) before anything renders it', async () => {
    // One bit a pixel keeps ffmpeg and ffprobe (child processes) cheap here; the frame's size is what counts.
    const movie = await pngInMov(blackPng(16000, 16000, 'mono'));
    expect(movie.length).toBeLessThan(2 * MB);
    const uploaded = await t.api('POST', '/api/v1/assets', new Uint8Array(movie), {
      'content-type': 'video/quicktime',
    });
    expect(uploaded.status).toBe(413);
    expect(uploaded.json.error.code).toBe('payload_too_large');
    expect(uploaded.json.error.message).toBe(
      "The video's frames are 16000×16000 px (256000000 pixels); a video frame may have at most 16777216 pixels (4096×4096).",
    );

    const r = await t.api(
      'POST',
      '/api/v1/generations',
      seedance({ referenceVideo: dataUri('video/quicktime', movie) }),
    );
    expect(r.status).toBe(422);
    expect(r.json.error.param).toBe('input.referenceVideo');
    expect(r.json.error.details[0].message).toMatch(
      /^input\.referenceVideo: The video's frames are 16000×16000 px .*4096×4096/,
    );
  });

  it('refuses an asset:// video whose stored frame is past the limit (kept before the limit existed)', async () => {
    const clip = await upload(
      t,
      await makeVideo({ width: 320, height: 240, fps: 24, seconds: 1 }),
      'video/mp4',
    );
    await t.gateway.db.query('UPDATE assets SET width = 16000, height = 16000 WHERE id = $1', [clip.id]);
    const r = await t.api('POST', '/api/v1/generations', seedance({ referenceVideo: clip.uri }));
    expect(r.status).toBe(422);
    expect(r.json.error.param).toBe('input.referenceVideo');
    expect(r.json.error.details[0].message).toMatch(/The video's frames are 16000×16000 px .*4096×4096/);
  });

  it('accepts a valid PNG of more than 14 MiB as a data: input (below the 20 MiB data: limit)', async () => {
    // Random pixels do not compress: 2240 × 2240 × 3 bytes is about 14.4 MiB.
    const side = 2240;
    const pixels = Buffer.alloc(side * side * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
    const png = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(png.length).toBeGreaterThan(14 * MB);
    expect(png.length).toBeLessThan(20 * MB);
    const r = await t.api(
      'POST',
      '/api/v1/generations',
      seedream({ referenceAssetUris: [dataUri('image/png', png)] }),
    );
    expect(r.status, r.text.slice(0, 500)).toBe(202);
    const stored = r.json.input.referenceAssetUris[0] as string;
    const asset = await t.api('GET', `/api/v1/assets/${stored.slice('asset://'.length)}`);
    expect(asset.json).toMatchObject({ source: 'data', width: side, height: side, sha256: sha256(png) });
    await t.api('POST', `/api/v1/generations/${r.json.id}/cancel`);
  });
});

describe('identifyMedia with the largest side of a slot', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-sides-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses from the header an image with a side past the slot, and decodes one within it', async () => {
    const ffprobe = findFfprobe(null, process.env.PATH ?? '');
    const wide = join(dir, 'wide.png');
    await writeFile(wide, blackPng(5000, 100, 'gray'));
    const refused = await identifyMedia(wide, ffprobe, 'image/png', {
      maxPixels: 8192 * 8192,
      maxSide: 4000,
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 413,
      message: 'The image is 5000×100 px; this slot takes at most 4000 px a side.',
    });
    await expect(
      identifyMedia(wide, ffprobe, 'image/png', { maxPixels: 8192 * 8192, maxSide: 5000 }),
    ).resolves.toMatchObject({ kind: 'image', width: 5000, height: 100 });
    // The pixel limit alone, below this image's 500000 pixels.
    await expect(identifyMedia(wide, ffprobe, 'image/png', { maxPixels: 499_999 })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/at most 499999 pixels\.$/),
    });
  });

  it('still finds a truncated image once its header passes', async () => {
    const cut = join(dir, 'cut.png');
    const png = await makePng(600, 400, [10, 200, 30]);
    await writeFile(cut, png.subarray(0, Math.floor(png.length / 2)));
    await expect(
      identifyMedia(cut, findFfprobe(null, process.env.PATH ?? ''), 'image/png'),
    ).rejects.toMatchObject({
      status: 415,
      message: expect.stringMatching(/starts like image\/png but cannot be read/),
    });
  });
});
