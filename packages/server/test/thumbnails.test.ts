import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
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
  /** The gateway's log lines (warnings and above). */
  const lines: string[] = [];

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await startGateway(kind, { REELAY_MAX_CONCURRENT_GENERATIONS: '100' }, () => ({
      logger: { level: 'warn', stream },
    }));
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

  it('makes a WebP thumbnail of an image output when its signed link is first asked for, and serves it', async () => {
    const g = await generate(image);
    const output = g.outputs[0];
    expect(typeof output.thumbnailUrl).toBe('string');
    expect(new URL(output.thumbnailUrl).searchParams.get('variant')).toBe('thumbnail');
    const assetId = output.uri.slice('asset://'.length);
    // Not made while the output was stored: the generation never waits for it.
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(false);
    const meta = await fetchThumbnail(output.thumbnailUrl);
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(320);
    expect(meta.width).toBeGreaterThan(0);
    // Scaled down keeping the output's shape.
    const ratio = output.width / output.height;
    expect(Math.abs((meta.width ?? 0) / (meta.height ?? 1) - ratio)).toBeLessThan(0.05);
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(true);
    const row = await t.gateway.db.query<{ thumbnail_key: string }>(
      'SELECT thumbnail_key FROM assets WHERE id = $1',
      [assetId],
    );
    expect(row[0]?.thumbnail_key).toBe(`acct_dev/${assetId}.thumb.webp`);
  });

  it('serves requests that come at once for a thumbnail not yet made the same bytes', async () => {
    const g = await generate(image);
    const link = local(g.outputs[0].thumbnailUrl);
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(link)));
    const bodies = await Promise.all(answers.map(async (r) => Buffer.from(await r.arrayBuffer())));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    for (const body of bodies) expect(body.equals(bodies[0] as Buffer)).toBe(true);
    expect((await sharp(bodies[0]).metadata()).format).toBe('webp');
    // Later requests read the stored file.
    const again = await fetch(link);
    expect(Buffer.from(await again.arrayBuffer()).equals(bodies[0] as Buffer)).toBe(true);
  });

  it('answers 404 for an output whose thumbnail cannot be made, and the generation is not touched', async () => {
    const g = await generate(image);
    const assetId = g.outputs[0].uri.slice('asset://'.length);
    // The stored file is no longer a picture sharp can read.
    const row = await t.gateway.db.query<{ storage_key: string }>(
      'SELECT storage_key FROM assets WHERE id = $1',
      [assetId],
    );
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(t.dataDir, 'storage', row[0]?.storage_key ?? ''), 'not a picture');
    // Requests at once share one making, and a making that failed is not tried again: one warning in all.
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => fetch(local(g.outputs[0].thumbnailUrl))),
    );
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    expect((await (answers[0] as Response).json()).error.code).toBe('not_found');
    expect((await fetch(local(g.outputs[0].thumbnailUrl))).status).toBe(404);
    const warnings = lines.filter((l) => l.includes(assetId) && l.includes('could not make the thumbnail'));
    expect(warnings).toHaveLength(1);
    const after = await t.api('GET', `/api/v1/generations/${g.id}`);
    expect(after.json.status).toBe('succeeded');
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
    await fetchThumbnail(g.outputs[0].thumbnailUrl);
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
    await fetchThumbnail(g.outputs[0].thumbnailUrl);
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(true);
    const deleted = await t.api('DELETE', `/api/v1/assets/${assetId}`);
    expect(deleted.status, deleted.text).toBe(204);
    expect((await storedFiles()).has(`${assetId}.thumb.webp`)).toBe(false);
  });

  it('the sweeper keeps a referenced thumbnail, removes an orphan one, and expires one with its asset', async () => {
    const g = await generate(image);
    const assetId = g.outputs[0].uri.slice('asset://'.length);
    await fetchThumbnail(g.outputs[0].thumbnailUrl);
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
