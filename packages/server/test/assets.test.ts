import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetSweeper } from '../src/assets/asset-sweeper.ts';
import { LocalStorage } from '../src/assets/storage/local-storage.ts';
import { UrlSigner } from '../src/assets/url-signer.ts';
import { DATABASES, makePng, startGateway, type TestGateway, upload } from './harness.ts';
import { makeJpeg, makeVideo, makeWebp, wavHeader } from './media-fixtures.ts';

const ADMIN = 'admin-key-for-assets-tests-0123456789';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A PNG of random pixels: it does not compress, so its size is about width × height × 3 bytes. */
function noisyPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

const omni = (input: Record<string, unknown>) => ({
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a paper boat on a pond', ...input },
});

describe.each(DATABASES)('assets on %s', (kind) => {
  let t: TestGateway;
  let png: Buffer;
  let video: Buffer;
  let secret: string;

  beforeAll(async () => {
    t = await startGateway(kind, {
      REELAY_ADMIN_KEY: ADMIN,
      // Generations stay queued: nothing renders, and their inputs stay "in use".
      REELAY_WORKER_CONCURRENCY: '0',
      REELAY_MAX_IMAGE_BYTES: '400000',
      REELAY_MAX_DATA_URI_BYTES: '300000',
      REELAY_FETCH_ALLOW_HTTP: 'on',
    });
    png = await makePng(800, 600, [200, 40, 40]);
    video = await makeVideo({ width: 720, height: 1280, fps: 30, seconds: 4 });
    secret = (await readFile(join(t.dataDir, 'signing-secret'), 'utf8')).trim();
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** The assets of every account (count and bytes) and the files in local storage, incoming ones included. */
  async function storedState() {
    const rows = await t.gateway.db.query<{ n: number; bytes: string }>(
      'SELECT count(*)::int AS n, coalesce(sum(bytes), 0)::text AS bytes FROM assets',
    );
    const entries = await readdir(join(t.dataDir, 'storage'), { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort();
    return { assets: Number(rows[0]?.n), bytes: Number(rows[0]?.bytes), files };
  }

  async function otherAccount() {
    const admin = { authorization: `Bearer ${ADMIN}` };
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Other' }, admin);
    const key = await t.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/keys`,
      { mode: 'test' },
      admin,
    );
    return { authorization: `Bearer ${key.json.key}` };
  }

  describe('upload', () => {
    it('stores a raw body with its facts and hash, and gives the same bytes back', async () => {
      const asset = await upload(t, png, 'image/png');
      expect(asset).toMatchObject({
        kind: 'image',
        mediaType: 'image/png',
        width: 800,
        height: 600,
        bytes: png.length,
        sha256: sha256(png),
        videoCodec: 'png',
        source: 'upload',
      });
      expect((await t.api('GET', `/api/v1/assets/${asset.id}`)).json).toEqual(asset);
      const content = await fetch(`${t.baseUrl}/api/v1/assets/${asset.id}/content`, {
        headers: { authorization: `Bearer ${t.key}` },
      });
      expect(content.headers.get('content-type')).toBe('image/png');
      expect(content.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await content.arrayBuffer())).toEqual(png);
    });

    it('stores the file part of a multipart/form-data body', async () => {
      const form = new FormData();
      form.set('purpose', 'reference');
      form.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'ref.png');
      const r = await fetch(`${t.baseUrl}/api/v1/assets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}` },
        body: form,
      });
      expect(r.status).toBe(201);
      expect(await r.json()).toMatchObject({ mediaType: 'image/png', sha256: sha256(png), width: 800 });
    });

    it('refuses a multipart body without a file, or with two', async () => {
      const none = new FormData();
      none.set('purpose', 'reference');
      const r1 = await fetch(`${t.baseUrl}/api/v1/assets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}` },
        body: none,
      });
      expect(r1.status).toBe(400);
      expect((await r1.json()).error.param).toBe('file');
      const two = new FormData();
      two.append('file', new Blob([new Uint8Array(png)]), 'a.png');
      two.append('file', new Blob([new Uint8Array(png)]), 'b.png');
      const r2 = await fetch(`${t.baseUrl}/api/v1/assets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}` },
        body: two,
      });
      expect(r2.status).toBe(400);
    });

    it('refuses an empty file and a multipart body without its boundary with a 400 saying so', async () => {
      const empty = await t.api('POST', '/api/v1/assets', '', { 'content-type': 'image/png' });
      expect(empty.status).toBe(400);
      expect(empty.json.error.message).toBe('The file is empty (0 bytes): send its bytes.');
      const form = new FormData();
      form.set('file', new Blob([]), 'empty.png');
      const emptyPart = await fetch(`${t.baseUrl}/api/v1/assets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}` },
        body: form,
      });
      expect(emptyPart.status).toBe(400);
      expect((await emptyPart.json()).error.message).toMatch(/The file is empty/);
      const noBoundary = await t.api('POST', '/api/v1/assets', new Uint8Array(png), {
        'content-type': 'multipart/form-data',
      });
      expect(noBoundary.status).toBe(400);
      expect(noBoundary.json.error.param).toBe('Content-Type');
      expect(noBoundary.json.error.message).toMatch(/needs its boundary parameter/);
    });

    it('records what ffprobe finds in a video', async () => {
      const asset = await upload(t, video, 'video/mp4');
      expect(asset).toMatchObject({
        kind: 'video',
        mediaType: 'video/mp4',
        width: 720,
        height: 1280,
        fps: 30,
        hasAudio: true,
        videoCodec: 'h264',
        audioCodec: 'aac',
      });
      expect(asset.durationSeconds).toBeGreaterThanOrEqual(4);
      expect(asset.durationSeconds).toBeLessThan(4.1);
    });

    it('decides the type from the bytes: a JPEG sent as PNG is a JPEG', async () => {
      const asset = await upload(t, await makeJpeg(400, 400), 'image/png');
      expect(asset.mediaType).toBe('image/jpeg');
    });

    it.each([
      ['a video sent as an image', 'video', 'image/png', /sent as image\/png but its bytes are video\/mp4/],
      ['text', 'text', 'image/png', /not a recognised image, video or audio format/],
      ['a PNG cut in half', 'half-png', 'image/png', /starts like image\/png but cannot be read/],
      ['an MP4 cut short', 'half-mp4', 'video/mp4', /fewer frames than its index lists/],
    ])('refuses %s with a 415 saying what is wrong', async (_what, body, type, message) => {
      const bytes =
        body === 'video'
          ? video
          : body === 'text'
            ? Buffer.from('hello, this is not a picture')
            : body === 'half-png'
              ? png.subarray(0, Math.floor(png.length / 2))
              : video.subarray(0, Math.floor(video.length * 0.6));
      const r = await t.api('POST', '/api/v1/assets', new Uint8Array(bytes), { 'content-type': type });
      expect(r.status).toBe(415);
      expect(r.json.error.code).toBe('unsupported_media_type');
      expect(r.json.error.message).toMatch(message);
    });

    it('applies the size limit of the kind the bytes turn out to be (413)', async () => {
      const big = await noisyPng(400, 400);
      expect(big.length).toBeGreaterThan(400_000);
      const r = await t.api('POST', '/api/v1/assets', new Uint8Array(big), { 'content-type': 'image/png' });
      expect(r.status).toBe(413);
      expect(r.json.error.message).toMatch(/Images may be at most 400000 bytes/);
    });

    it('answers a repeated Idempotency-Key with the first asset, for raw and multipart bodies', async () => {
      const key = { 'idempotency-key': `upload-${kind}-raw` };
      const first = await t.api('POST', '/api/v1/assets', new Uint8Array(png), {
        'content-type': 'image/png',
        ...key,
      });
      const again = await t.api('POST', '/api/v1/assets', new Uint8Array(png), {
        'content-type': 'image/png',
        ...key,
      });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.json.id).toBe(first.json.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const other = await t.api('POST', '/api/v1/assets', new Uint8Array(video), {
        'content-type': 'video/mp4',
        ...key,
      });
      expect(other.status).toBe(409);

      const multipart = async () => {
        const form = new FormData();
        form.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'ref.png');
        const r = await fetch(`${t.baseUrl}/api/v1/assets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.key}`, 'idempotency-key': `upload-${kind}-form` },
          body: form,
        });
        return { status: r.status, json: await r.json() };
      };
      const m1 = await multipart();
      const m2 = await multipart();
      expect(m1.status).toBe(201);
      expect(m2.json.id).toBe(m1.json.id);
    });
  });

  describe('getting media out', () => {
    it('serves byte ranges so players can seek (206, 416)', async () => {
      const asset = await upload(t, video, 'video/mp4');
      const get = (range?: string, method = 'GET') =>
        fetch(`${t.baseUrl}/api/v1/assets/${asset.id}/content`, {
          method,
          headers: { authorization: `Bearer ${t.key}`, ...(range ? { range } : {}) },
        });
      const part = await get('bytes=100-1099');
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${video.length}`);
      expect(part.headers.get('content-length')).toBe('1000');
      expect(Buffer.from(await part.arrayBuffer())).toEqual(video.subarray(100, 1100));
      const tail = await get('bytes=-500');
      expect(Buffer.from(await tail.arrayBuffer())).toEqual(video.subarray(video.length - 500));
      const open = await get(`bytes=${video.length - 10}-`);
      expect(open.status).toBe(206);
      expect(Buffer.from(await open.arrayBuffer())).toEqual(video.subarray(video.length - 10));
      const past = await get(`bytes=${video.length}-`);
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${video.length}`);
      const head = await get(undefined, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(video.length));
    });

    it('serves signed links without a key until they expire; a tampered link is a 403', async () => {
      const asset = await upload(t, video, 'video/mp4');
      const signer = new UrlSigner(secret);
      const now = Math.floor(Date.now() / 1000);
      const link = (id: string, s: { expires: string; signature: string }) =>
        `${t.baseUrl}/files/${id}?expires=${s.expires}&signature=${s.signature}`;
      const valid = signer.sign(asset.id, now + 600);
      const ok = await fetch(link(asset.id, valid), { headers: { range: 'bytes=0-99' } });
      expect(ok.status).toBe(206);
      expect(Buffer.from(await ok.arrayBuffer())).toEqual(video.subarray(0, 100));

      const flipped = valid.signature.startsWith('A')
        ? `B${valid.signature.slice(1)}`
        : `A${valid.signature.slice(1)}`;
      const other = await upload(t, png, 'image/png');
      const cases = [
        link(asset.id, { ...valid, signature: flipped }),
        link(asset.id, { ...valid, expires: String(now + 6000) }),
        link(other.id, valid),
        `${t.baseUrl}/files/${asset.id}`,
        `${t.baseUrl}/files/${asset.id}?expires=${valid.expires}`,
      ];
      for (const url of cases) {
        const r = await fetch(url);
        expect(r.status, url).toBe(403);
        expect((await r.json()).error.message).toBe('This link is not valid.');
      }
      const expired = await fetch(link(asset.id, signer.sign(asset.id, now - 1)));
      expect(expired.status).toBe(403);
      expect((await expired.json()).error.message).toBe('This link has expired.');
    });

    it('gives queued generations’ inputs as asset:// URIs and finished outputs as signed links', async () => {
      const asset = await upload(t, png, 'image/png');
      const created = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [asset.uri] }));
      expect(created.status).toBe(202);
      expect(created.json.input.referenceAssetUris).toEqual([asset.uri]);
    });
  });

  describe('ownership and lifetime', () => {
    it('treats another account’s asset as absent: 404 on the input field, on reads and on delete', async () => {
      const mine = await upload(t, png, 'image/png');
      const other = await otherAccount();
      expect((await t.api('GET', `/api/v1/assets/${mine.id}`, undefined, other)).status).toBe(404);
      expect((await t.api('GET', `/api/v1/assets/${mine.id}/content`, undefined, other)).status).toBe(404);
      expect((await t.api('DELETE', `/api/v1/assets/${mine.id}`, undefined, other)).status).toBe(404);
      const r = await t.api(
        'POST',
        '/api/v1/generations',
        omni({ referenceAssetUris: [mine.uri, mine.uri] }),
        other,
      );
      expect(r.status).toBe(404);
      expect(r.json.error.param).toBe('input.referenceAssetUris[0]');
      expect(r.json.error.details.map((d: { param: string }) => d.param)).toEqual([
        'input.referenceAssetUris[0]',
        'input.referenceAssetUris[1]',
      ]);
    });

    it('lists every bad input beside a missing asset, so one answer shows them all', async () => {
      const r = await t.api(
        'POST',
        '/api/v1/generations',
        omni({
          referenceAssetUris: ['data:image/png;base64,AAAA', 'asset://asset_nope', 'https://127.0.0.1/a.png'],
        }),
      );
      expect(r.status).toBe(404);
      expect(r.json.error.param).toBe('input.referenceAssetUris[1]');
      expect(r.json.error.message).toBe(
        'input.referenceAssetUris[1]: there is no asset asset_nope in this account (test mode).',
      );
      expect(r.json.error.details.map((d: { param: string }) => d.param)).toEqual([
        'input.referenceAssetUris[0]',
        'input.referenceAssetUris[1]',
        'input.referenceAssetUris[2]',
      ]);
    });

    it('deletes an asset (204), but not while a queued generation needs it (409)', async () => {
      const free = await upload(t, png, 'image/png');
      expect((await t.api('DELETE', `/api/v1/assets/${free.id}`)).status).toBe(204);
      expect((await t.api('GET', `/api/v1/assets/${free.id}`)).status).toBe(404);
      expect((await t.api('DELETE', `/api/v1/assets/${free.id}`)).status).toBe(404);

      const needed = await upload(t, png, 'image/png');
      const g = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [needed.uri] }));
      expect(g.status).toBe(202);
      const refused = await t.api('DELETE', `/api/v1/assets/${needed.id}`);
      expect(refused.status).toBe(409);
      expect((await t.api('GET', `/api/v1/assets/${needed.id}/content`)).status).toBe(200);
      expect((await t.api('POST', `/api/v1/generations/${g.json.id}/cancel`)).status).toBe(200);
      expect((await t.api('DELETE', `/api/v1/assets/${needed.id}`)).status).toBe(204);
    });

    it('sweeps assets past their retention, except those a queued generation needs', async () => {
      const old = await upload(t, await makePng(320, 320, [1, 2, 3]), 'image/png');
      const needed = await upload(t, await makePng(330, 330, [1, 2, 3]), 'image/png');
      const fresh = await upload(t, await makePng(340, 340, [1, 2, 3]), 'image/png');
      const g = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [needed.uri] }));
      expect(g.status).toBe(202);
      await t.gateway.db.query(
        `UPDATE assets SET created_at = now() - interval '48 hours' WHERE id = ANY($1)`,
        [[old.id, needed.id]],
      );
      const sweeper = new AssetSweeper(t.gateway.db, new LocalStorage(join(t.dataDir, 'storage')), {
        retentionHours: 24,
        intervalMs: 60_000,
      });
      expect(await sweeper.sweepOnce()).toBeGreaterThanOrEqual(1);
      // The row stays and says why the file is gone; its bytes answer 410.
      expect((await t.api('GET', `/api/v1/assets/${old.id}`)).json).toMatchObject({
        status: 'expired',
        deletedAt: expect.any(String),
      });
      expect((await t.api('GET', `/api/v1/assets/${old.id}/content`)).status).toBe(410);
      expect((await t.api('GET', `/api/v1/assets/${needed.id}/content`)).status).toBe(200);
      expect((await t.api('GET', `/api/v1/assets/${fresh.id}`)).json.status).toBe('available');
      await t.api('POST', `/api/v1/generations/${g.json.id}/cancel`);
      await sweeper.sweepOnce();
      expect((await t.api('GET', `/api/v1/assets/${needed.id}`)).json.status).toBe('expired');
    });
  });

  describe('slot constraints of kling-3.0-omni, checked before any token is held', () => {
    const held = async () => (await t.api('GET', '/api/v1/account')).json.tokens.held;

    it.each([
      ['a WebP image', 'webp', /is WebP; this slot takes JPEG or PNG/],
      ['an image with a side under 300 px', 'small', /is 299×600 px; each side must be at least 300 px/],
      [
        'an image wider than 2.5:1',
        'wide',
        /is 1010×400 px \(2.525:1\); its aspect ratio must be between 1:2.5 and 2.5:1/,
      ],
      ['an image taller than 1:2.5', 'tall', /is 400×1010 px \(1:2.525\); its aspect ratio must be between/],
    ])('refuses %s, naming the exact item', async (_what, which, message) => {
      const good = await upload(t, png, 'image/png');
      const bytes =
        which === 'webp'
          ? await makeWebp(400, 400)
          : which === 'small'
            ? await makePng(299, 600, [9, 9, 9])
            : which === 'wide'
              ? await makePng(1010, 400, [9, 9, 9])
              : await makePng(400, 1010, [9, 9, 9]);
      const bad = await upload(t, bytes, 'application/octet-stream');
      const before = await held();
      const r = await t.api(
        'POST',
        '/api/v1/generations',
        omni({ referenceAssetUris: [good.uri, good.uri, good.uri, bad.uri] }),
      );
      expect(r.status).toBe(422);
      expect(r.json.error.param).toBe('input.referenceAssetUris[3]');
      expect(r.json.error.details).toHaveLength(1);
      expect(r.json.error.details[0].message).toMatch(message);
      expect(await held()).toBe(before);
    });

    it('accepts images exactly on the limits (300 px, 2.5:1, 1:2.5)', async () => {
      const edges = await Promise.all([
        makePng(300, 300, [1, 1, 1]),
        makePng(750, 300, [1, 1, 1]),
        makePng(300, 750, [1, 1, 1]),
      ]);
      const uris = [];
      for (const e of edges) uris.push((await upload(t, e, 'image/png')).uri);
      const r = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: uris }));
      expect(r.status, r.text).toBe(202);
      await t.api('POST', `/api/v1/generations/${r.json.id}/cancel`);
    });

    it('refuses an image over 10 MB for the slot', async () => {
      // The gateway keeps images up to its own (here lower) limit; the slot's 10 MB is checked on the stored facts.
      const asset = await upload(t, png, 'image/png');
      await t.gateway.db.query('UPDATE assets SET bytes = $2 WHERE id = $1', [
        asset.id,
        10 * 1024 * 1024 + 1,
      ]);
      const r = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [asset.uri] }));
      expect(r.status).toBe(422);
      expect(r.json.error.details[0]).toMatchObject({
        param: 'input.referenceAssetUris[0]',
        code: 'out_of_range',
      });
      expect(r.json.error.details[0].message).toMatch(
        /is 10485761 bytes \(10 MB\); this slot takes at most 10485760 bytes/,
      );
    });

    it.each([
      [
        'a clip under 3 s',
        { width: 720, height: 720, fps: 24, seconds: 2 },
        /lasts 2 s; this slot takes 3 to 10 s/,
      ],
      [
        'a clip over 10 s',
        { width: 720, height: 720, fps: 24, seconds: 11 },
        /lasts 11 s; this slot takes 3 to 10 s/,
      ],
      [
        'a side under 720 px',
        { width: 640, height: 1280, fps: 24, seconds: 1 },
        /is 640×1280 px; each side must be at least 720 px/,
      ],
      [
        'a side over 2160 px',
        { width: 720, height: 2176, fps: 24, seconds: 1 },
        /is 720×2176 px; each side must be at most 2160 px/,
      ],
      [
        'under 24 fps',
        { width: 720, height: 720, fps: 20, seconds: 1 },
        /runs at 20 fps; this slot takes 24 to 60 fps/,
      ],
      [
        'over 60 fps',
        { width: 720, height: 720, fps: 61, seconds: 1 },
        /runs at 61 fps; this slot takes 24 to 60 fps/,
      ],
      [
        'a WebM',
        { width: 720, height: 720, fps: 24, seconds: 1, container: 'webm' as const },
        /is WebM; this slot takes MP4 or MOV/,
      ],
    ])('refuses a reference video: %s', async (_what, spec, message) => {
      const clip = await upload(t, await makeVideo({ ...spec, silent: true }), 'application/octet-stream');
      const r = await t.api('POST', '/api/v1/generations', omni({ referenceVideo: clip.uri }));
      expect(r.status).toBe(422);
      expect(r.json.error.param).toBe('input.referenceVideo');
      const messages: string[] = r.json.error.details.map((d: { message: string }) => d.message);
      expect(
        messages.some((m) => message.test(m)),
        messages.join('\n'),
      ).toBe(true);
    });

    it('accepts a MOV reference video with four images, and reports every broken rule at once', async () => {
      const mov = await upload(
        t,
        await makeVideo({ width: 720, height: 720, fps: 60, seconds: 3, container: 'mov' }),
        'video/quicktime',
      );
      expect(mov.mediaType).toBe('video/quicktime');
      const image = await upload(t, png, 'image/png');
      const ok = await t.api(
        'POST',
        '/api/v1/generations',
        omni({ referenceVideo: mov.uri, referenceAssetUris: [image.uri, image.uri, image.uri, image.uri] }),
      );
      expect(ok.status, ok.text).toBe(202);
      expect(ok.json.input.audioEnabled).toBe(false);
      await t.api('POST', `/api/v1/generations/${ok.json.id}/cancel`);

      const five = await t.api(
        'POST',
        '/api/v1/generations',
        omni({
          referenceVideo: mov.uri,
          referenceAssetUris: [image.uri, image.uri, image.uri, image.uri, image.uri],
        }),
      );
      expect(five.status).toBe(422);
      expect(five.json.error.param).toBe('input.referenceAssetUris');

      const small = await upload(t, await makePng(200, 200, [5, 5, 5]), 'image/png');
      const short = await upload(
        t,
        await makeVideo({ width: 720, height: 720, fps: 24, seconds: 2, silent: true }),
        'video/mp4',
      );
      const many = await t.api(
        'POST',
        '/api/v1/generations',
        omni({ referenceVideo: short.uri, referenceAssetUris: [small.uri, image.uri, small.uri] }),
      );
      expect(many.status).toBe(422);
      expect(many.json.error.details.map((d: { param: string }) => d.param).sort()).toEqual([
        'input.referenceAssetUris[0]',
        'input.referenceAssetUris[2]',
        'input.referenceVideo',
      ]);
    });

    it('refuses an audio file or a video in an image slot', async () => {
      const clip = await upload(t, video, 'video/mp4');
      const r = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [clip.uri] }));
      expect(r.status).toBe(422);
      expect(r.json.error.details[0].message).toMatch(/expects an image, but .* is a video/);
    });
  });

  describe('data: and https: inputs', () => {
    it('stores a base64 data: URI as an asset and puts its asset:// URI in the stored input', async () => {
      const uri = `data:image/png;base64,${png.toString('base64')}`;
      const r = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [uri] }));
      expect(r.status, r.text).toBe(202);
      const stored = r.json.input.referenceAssetUris[0];
      expect(stored).toMatch(/^asset:\/\/asset_/);
      const asset = await t.api('GET', `/api/v1/assets/${stored.slice('asset://'.length)}`);
      expect(asset.json).toMatchObject({ source: 'data', sha256: sha256(png) });
      await t.api('POST', `/api/v1/generations/${r.json.id}/cancel`);
    });

    it.each([
      ['percent-encoded text', 'data:image/png,%89PNG', /only base64 data URIs are accepted/],
      ['broken base64', 'data:image/png;base64,iVBOR w0KGgo=', /is not a valid URI of the form data:/],
      [
        'more than the limit',
        `data:image/png;base64,${'A'.repeat(400_004)}`,
        /holds 300003 bytes; at most 300000/,
      ],
      [
        'audio declared as an image',
        `data:image/png;base64,${Buffer.concat([wavHeader(96_000), Buffer.alloc(96_000)]).toString('base64')}`,
        /sent as image\/png but its bytes are audio\/wav/,
      ],
    ])('refuses a data: URI holding %s, naming the field', async (_what, uri, message) => {
      const r = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [uri] }));
      expect(r.status).toBe(422);
      expect(r.json.error.param).toBe('input.referenceAssetUris[0]');
      expect(r.json.error.details[0].message).toMatch(message);
    });

    it('leaves no asset behind when the create is refused, and keeps the input of an accepted one', async () => {
      const clip = await upload(t, video, 'video/mp4');
      const uri = `data:image/png;base64,${png.toString('base64')}`;
      const before = await storedState();
      // The image is stored first; the reference video, a PNG sent as MP4, is refused once decoded.
      const refused = await t.api(
        'POST',
        '/api/v1/generations',
        omni({
          referenceAssetUris: [uri],
          referenceVideo: `data:video/mp4;base64,${png.toString('base64')}`,
        }),
      );
      expect(refused.status, refused.text).toBe(422);
      expect(refused.json.error.param).toBe('input.referenceVideo');
      expect(refused.json.error.details[0].message).toMatch(/its bytes are image\/png/);
      expect(await storedState()).toEqual(before);
      // An asset the request named is the caller's own and stays.
      const named = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [uri, clip.uri] }));
      expect(named.status).toBe(422);
      expect(await storedState()).toEqual(before);
      expect((await t.api('GET', `/api/v1/assets/${clip.id}/content`)).status).toBe(200);

      const accepted = await t.api('POST', '/api/v1/generations', omni({ referenceAssetUris: [uri] }));
      expect(accepted.status, accepted.text).toBe(202);
      const kept = accepted.json.input.referenceAssetUris[0].slice('asset://'.length);
      const after = await storedState();
      expect(after.assets).toBe(before.assets + 1);
      expect(after.bytes).toBe(before.bytes + png.length);
      expect(after.files.filter((f) => !before.files.includes(f))).toEqual([expect.stringContaining(kept)]);
      expect((await t.api('GET', `/api/v1/assets/${kept}/content`)).status).toBe(200);
      await t.api('POST', `/api/v1/generations/${accepted.json.id}/cancel`);
    });

    it('refuses an https input on a loopback or private address with a 422 on the field', async () => {
      const r = await t.api(
        'POST',
        '/api/v1/generations',
        omni({ referenceAssetUris: ['https://127.0.0.1/a.png', 'https://[::ffff:10.0.0.1]/b.png'] }),
      );
      expect(r.status).toBe(422);
      expect(
        r.json.error.details.map((d: { param: string; message: string }) => [d.param, d.message]),
      ).toEqual([
        ['input.referenceAssetUris[0]', expect.stringMatching(/127\.0\.0\.1 is a loopback address/)],
        ['input.referenceAssetUris[1]', expect.stringMatching(/10\.0\.0\.1 is a private network address/)],
      ]);
    });
  });
});
