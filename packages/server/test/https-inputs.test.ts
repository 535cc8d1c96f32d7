import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, makePng, startGateway, type TestGateway, upload } from './harness.ts';
import { type LoopbackOrigin, startLoopbackOrigin } from './loopback-origin.ts';
import { freePort } from './processes.ts';

const ADMIN = 'admin-key-for-https-inputs-0123456789';

/**
 * https:// inputs end to end. The origin is an HTTPS server on 127.0.0.1 with a test certificate, so these
 * gateways trust that certificate's CA and allow private addresses (development settings); the refusals of
 * non-public addresses are covered by the SSRF suite and by the assets tests, which run with the defaults.
 */
describe.each(DATABASES)('https inputs on %s', (kind) => {
  let t: TestGateway;
  let origin: LoopbackOrigin;
  let png: Buffer;
  let base: string;

  beforeAll(async () => {
    png = await makePng(800, 600, [10, 120, 200]);
    const small = await makePng(200, 200, [10, 120, 200]);
    origin = await startLoopbackOrigin(true);
    base = `https://127.0.0.1:${origin.port}`;
    origin.route('/a.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    origin.route('/small.png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(small));
    origin.route('/moved', (_req, res) => res.writeHead(302, { location: '/a.png' }).end());
    origin.route('/missing', (_req, res) => res.writeHead(404).end('gone'));
    origin.route('/text', (_req, res) =>
      res.writeHead(200, { 'content-type': 'image/png' }).end('not an image'),
    );
    origin.route('/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, i));
      res.end();
    });
    t = await startGateway(kind, {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_WORKER_CONCURRENCY: '0',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      REELAY_FETCH_CA_FILE: join(import.meta.dirname, 'fixtures/tls/cert.pem'),
      REELAY_MAX_UPLOAD_BYTES: '2000000',
    });
  });
  afterAll(async () => {
    await t?.stop();
    await origin?.close();
  });

  const create = (uris: string[]) =>
    t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'a lighthouse at dusk', referenceAssetUris: uris },
    });

  it('fetches each URL once, stores it as an asset of the account and keeps its asset:// URI', async () => {
    const before = origin.seen.length;
    const mine = await upload(t, png, 'image/png');
    const r = await create([
      `${base}/a.png`,
      `${base}/moved`,
      mine.uri,
      `data:image/png;base64,${png.toString('base64')}`,
    ]);
    expect(r.status, r.text).toBe(202);
    const uris: string[] = r.json.input.referenceAssetUris;
    expect(uris).toHaveLength(4);
    for (const uri of uris) expect(uri).toMatch(/^asset:\/\/asset_/);
    expect(uris[2]).toBe(mine.uri);
    expect(origin.seen.slice(before).map((s) => s.url)).toEqual(
      expect.arrayContaining(['/a.png', '/moved', '/a.png']),
    );
    expect(origin.seen.length - before).toBe(3);
    const fetched = await t.api('GET', `/api/v1/assets/${uris[0]?.slice('asset://'.length)}`);
    expect(fetched.json).toMatchObject({
      source: 'url',
      sourceUrl: `${base}/a.png`,
      width: 800,
      height: 600,
      bytes: png.length,
    });
    const content = await t.api('GET', `/api/v1/assets/${uris[1]?.slice('asset://'.length)}/content`);
    expect(Buffer.from(content.text, 'latin1').length).toBeGreaterThan(0);
    await t.api('POST', `/api/v1/generations/${r.json.id}/cancel`);
  });

  const assetsOf = async (accountId: string) =>
    (
      await t.gateway.db.query<{ id: string }>('SELECT id FROM assets WHERE account_id = $1', [accountId])
    ).map((r) => r.id);
  const filesUnder = async (dir: string) =>
    (await readdir(join(t.dataDir, 'storage', dir), { recursive: true, withFileTypes: true }).catch(() => []))
      .filter((e) => e.isFile())
      .map((e) => e.name);

  it('removes what it fetched when the create is refused for too few tokens (402)', async () => {
    const admin = { authorization: `Bearer ${ADMIN}` };
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Poor' }, admin);
    const key = await t.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/keys`,
      { mode: 'test' },
      admin,
    );
    const poor = { authorization: `Bearer ${key.json.key}` };
    const seen = origin.seen.length;
    const r = await t.api(
      'POST',
      '/api/v1/generations',
      {
        type: 'video',
        model: 'kling-3.0-omni',
        input: { prompt: 'a lighthouse at dusk', referenceAssetUris: [`${base}/a.png`, `${base}/moved`] },
      },
      poor,
    );
    expect(r.status, r.text).toBe(402);
    expect(r.json.error.code).toBe('insufficient_tokens');
    // Both URLs were fetched and stored before the hold failed; neither row nor file is left.
    expect(origin.seen.length - seen).toBe(3);
    expect(await assetsOf(account.json.id)).toEqual([]);
    expect(await filesUnder(account.json.id)).toEqual([]);
    expect(await filesUnder('.incoming')).toEqual([]);

    const mine = await t.api('GET', '/api/v1/account');
    const accepted = await create([`${base}/a.png`]);
    expect(accepted.status, accepted.text).toBe(202);
    const id = accepted.json.input.referenceAssetUris[0].slice('asset://'.length);
    expect(await assetsOf(mine.json.id)).toContain(id);
    expect((await filesUnder(mine.json.id)).filter((f) => f.startsWith(id))).toHaveLength(1);
    await t.api('POST', `/api/v1/generations/${accepted.json.id}/cancel`);
  });

  it.each([
    ['a 404', '/missing', /answered HTTP 404/],
    ['bytes that are not media', '/text', /not a recognised image, video or audio format/],
    ['more than the size limit', '/huge', /larger than 2000000 bytes/],
    ['an image the slot refuses', '/small.png', /is 200×200 px; each side must be at least 300 px/],
    ['a closed port', 'closed', /could not fetch/],
  ])('answers %s with a 422 on that field', async (_what, path, message) => {
    const account = (await t.api('GET', '/api/v1/account')).json.id;
    const before = await assetsOf(account);
    const url = path === 'closed' ? `https://127.0.0.1:${await freePort()}/x.png` : `${base}${path}`;
    const r = await create([`${base}/a.png`, url]);
    expect(r.status).toBe(422);
    expect(r.json.error.param).toBe('input.referenceAssetUris[1]');
    expect(r.json.error.details).toHaveLength(1);
    expect(r.json.error.details[0].message).toMatch(message);
    // The first URL was fetched and stored; the refusal removed it again.
    expect(await assetsOf(account)).toEqual(before);
  });
});
