import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetSweeper } from '../src/assets/asset-sweeper.ts';
import { LocalStorage } from '../src/assets/storage/local-storage.ts';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

const image = { type: 'image', model: 'nano-banana', input: { prompt: 'a paper boat on a pond' } };
const video = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a paper boat on a pond', duration: 3 },
};

describe.each(DATABASES)('output thumbnails on %s', (kind) => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_MAX_CONCURRENT_GENERATIONS: '100' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** The names of the files in local storage. */
  async function storedFiles(): Promise<Set<string>> {
    const entries = await readdir(join(t.dataDir, 'storage'), { recursive: true, withFileTypes: true });
    return new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  }

  /** Runs a generation to its end with the dev key; its JSON. */
  async function generate(body: object) {
    const created = await t.api('POST', '/api/v1/generations', body);
    expect(created.status, created.text).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status, done.text).toBe('succeeded');
    return done.json;
  }

  /** A signed link of the gateway (made on its public URL) on the address it listens on. */
  const local = (url: string) => {
    const parsed = new URL(url);
    return new URL(`${parsed.pathname}${parsed.search}`, t.baseUrl);
  };

  /** Fetches a signed thumbnail link and decodes what it serves. */
  async function fetchThumbnail(url: string) {
    expect(new URL(url).pathname.startsWith('/files/')).toBe(true);
    const response = await fetch(local(url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const bytes = Buffer.from(await response.arrayBuffer());
    return sharp(bytes).metadata();
  }

  it('makes a WebP thumbnail of an image output and serves it from its signed link', async () => {
    const g = await generate(image);
    const output = g.outputs[0];
    expect(typeof output.thumbnailUrl).toBe('string');
    expect(new URL(output.thumbnailUrl).searchParams.get('variant')).toBe('thumbnail');
    const meta = await fetchThumbnail(output.thumbnailUrl);
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(320);
    expect(meta.width).toBeGreaterThan(0);
    // Scaled down keeping the output's shape.
    const ratio = output.width / output.height;
    expect(Math.abs((meta.width ?? 0) / (meta.height ?? 1) - ratio)).toBeLessThan(0.05);
    const assetId = output.uri.slice('asset://'.length);
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(true);
  });

  it('makes a thumbnail of a video output from one of its frames', async () => {
    const g = await generate(video);
    const output = g.outputs[0];
    expect(output.mediaType).toBe('video/mp4');
    const meta = await fetchThumbnail(output.thumbnailUrl);
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
    expect(Math.abs((meta.width ?? 0) / (meta.height ?? 1) - output.width / output.height)).toBeLessThan(
      0.05,
    );
  });

  it('refuses a link whose variant was changed: the variant is part of the signature', async () => {
    const g = await generate(image);
    const output = g.outputs[0];
    const thumbnail = local(output.thumbnailUrl);
    const file = local(output.url);
    // The file's signature does not open the thumbnail, nor the thumbnail's the file.
    const fileAsThumbnail = new URL(file);
    fileAsThumbnail.searchParams.set('variant', 'thumbnail');
    expect((await fetch(fileAsThumbnail)).status).toBe(403);
    const thumbnailAsFile = new URL(thumbnail);
    thumbnailAsFile.searchParams.delete('variant');
    expect((await fetch(thumbnailAsFile)).status).toBe(403);
    const otherVariant = new URL(thumbnail);
    otherVariant.searchParams.set('variant', 'spritesheet');
    expect((await fetch(otherVariant)).status).toBe(403);
    // The untouched links still work, each for its own bytes.
    const served = await fetch(file);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe(output.mediaType);
    expect((await fetch(thumbnail)).headers.get('content-type')).toBe('image/webp');
  });

  it('deletes the thumbnail with the generation’s media, and no longer links to it', async () => {
    const g = await generate(image);
    const assetId = g.outputs[0].uri.slice('asset://'.length);
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(true);
    const deleted = await t.api('DELETE', `/api/v1/generations/${g.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.json.outputs[0].thumbnailUrl).toBeUndefined();
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(false);
    expect((await fetch(local(g.outputs[0].thumbnailUrl))).status).toBe(410);
  });

  it('deletes the thumbnail with the asset', async () => {
    const g = await generate(image);
    const assetId = g.outputs[0].uri.slice('asset://'.length);
    const deleted = await t.api('DELETE', `/api/v1/assets/${assetId}`);
    expect(deleted.status, deleted.text).toBe(204);
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(false);
  });

  it('the sweeper keeps a referenced thumbnail, removes an orphan one, and expires one with its asset', async () => {
    const g = await generate(image);
    const assetId = g.outputs[0].uri.slice('asset://'.length);
    const storage = new LocalStorage(join(t.dataDir, 'storage'));
    const sweeper = new AssetSweeper(t.gateway.db, storage, {
      retentionHours: 0,
      orphanGraceSeconds: 1,
      intervalMs: 60_000,
      // Every file is past the grace period.
      now: () => Date.now() + 3_600_000,
    });
    // An orphan thumbnail: a file shaped like one that no row names.
    const orphan = `acct_dev/asset_nothere.thumb.webp`;
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(t.dataDir, 'storage', 'acct_dev'), { recursive: true });
    await writeFile(join(t.dataDir, 'storage', orphan), 'x');
    await sweeper.sweepOrphans();
    let files = await storedFiles();
    expect(files.has(`${assetId}.thumb.webp`)).toBe(true);
    expect(files.has('asset_nothere.thumb.webp')).toBe(false);

    await t.gateway.db.query(`UPDATE assets SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      assetId,
    ]);
    await sweeper.sweepOnce();
    files = await storedFiles();
    expect(files.has(`${assetId}.thumb.webp`)).toBe(false);
    expect([...files].some((f) => f.startsWith(`${assetId}.`))).toBe(false);
  });
});
