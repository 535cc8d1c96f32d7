import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetSweeper } from '../src/assets/asset-sweeper.ts';
import { LocalStorage } from '../src/assets/storage/local-storage.ts';
import { DATABASES, makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';

const ADMIN = 'admin-key-for-retention-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };

/** A quick image generation (the local renderer for test keys) with these reference images. */
const image = (refs: string[] = [], extra: object = {}) => ({
  type: 'image',
  model: 'nano-banana',
  input: { prompt: 'a paper boat on a pond', ...(refs.length > 0 ? { referenceAssetUris: refs } : {}) },
  ...extra,
});

describe.each(DATABASES)('deleting a generation and retention on %s', (kind) => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startGateway(kind, {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_MAX_CONCURRENT_GENERATIONS: '100',
      // The server's setting, the last in line after a request's retention and its key's default.
      REELAY_ASSET_RETENTION_HOURS: '48',
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** A new account with a test key and tokens, through the admin API. */
  async function otherAccount(key: object = {}) {
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Other' }, admin);
    const made = await t.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/keys`,
      { mode: 'test', ...key },
      admin,
    );
    expect(made.status, made.text).toBe(201);
    await t.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/grants`,
      { mode: 'test', tokens: 100 },
      admin,
    );
    return { id: made.json.id as string, headers: { authorization: `Bearer ${made.json.key}` } };
  }

  /** The names of the files in local storage. */
  async function storedFiles(): Promise<Set<string>> {
    const entries = await readdir(join(t.dataDir, 'storage'), { recursive: true, withFileTypes: true });
    return new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  }
  const fileOf = (assetId: string, files: Set<string>) => [...files].some((f) => f.startsWith(`${assetId}.`));

  const ledgerSums = async () =>
    t.gateway.db.query<{ kind: string; total: number }>(
      `SELECT kind, sum(amount_milli)::float8 AS total FROM ledger_entries WHERE account_id = 'acct_dev'
       GROUP BY kind ORDER BY kind`,
    );

  it('deletes a finished generation’s outputs and the inputs it alone used; the ledger stays', async () => {
    const own = await upload(t, await makePng(400, 400, [10, 20, 30]), 'image/png');
    const shared = await upload(t, await makePng(410, 410, [10, 20, 30]), 'image/png');
    const a = await t.api('POST', '/api/v1/generations', image([own.uri, shared.uri]));
    const b = await t.api('POST', '/api/v1/generations', image([shared.uri]));
    expect(a.status, a.text).toBe(202);
    const done = await waitForFinal(t, a.json.id);
    await waitForFinal(t, b.json.id);
    expect(done.json.status).toBe('succeeded');
    const output = done.json.outputs[0].uri.slice('asset://'.length);
    expect(done.json.outputs[0].status).toBe('available');
    expect(done.json.mediaDeletedAt).toBeNull();
    const account = (await t.api('GET', '/api/v1/account')).json;
    const sums = await ledgerSums();
    expect(fileOf(output, await storedFiles())).toBe(true);

    const deleted = await t.api('DELETE', `/api/v1/generations/${a.json.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.json.status).toBe('succeeded');
    expect(deleted.json.mediaDeletedAt).toEqual(expect.any(String));
    expect(deleted.json.outputs.map((o: { status: string }) => o.status)).toEqual(['deleted']);
    expect((await t.api('GET', `/api/v1/generations/${a.json.id}`)).json.outputs[0].status).toBe('deleted');

    const files = await storedFiles();
    expect(fileOf(output, files)).toBe(false);
    expect(fileOf(own.id, files)).toBe(false);
    expect(fileOf(shared.id, files)).toBe(true);
    const gone = await t.api('GET', `/api/v1/assets/${output}`);
    expect(gone.status).toBe(200);
    expect(gone.json).toMatchObject({ status: 'deleted', deletedAt: expect.any(String) });
    const download = await t.api('GET', `/api/v1/assets/${output}/content`);
    expect(download.status).toBe(410);
    expect(download.json.error.code).toBe('asset_deleted');
    expect((await t.api('GET', `/api/v1/assets/${own.id}/content`)).json.error.code).toBe('asset_deleted');
    expect((await t.api('GET', `/api/v1/assets/${shared.id}`)).json.status).toBe('available');
    const link = new URL(deleted.json.outputs[0].url);
    const signed = await fetch(`${t.baseUrl}${link.pathname}${link.search}`);
    expect(signed.status).toBe(410);

    // The money is untouched: the same balance and the same ledger sums.
    expect((await t.api('GET', '/api/v1/account')).json).toEqual(account);
    expect(await ledgerSums()).toEqual(sums);

    // Deleting again changes nothing; a deleted input cannot be used again.
    const again = await t.api('DELETE', `/api/v1/generations/${a.json.id}`);
    expect(again.status).toBe(200);
    expect(again.json.mediaDeletedAt).toBe(deleted.json.mediaDeletedAt);
    const reuse = await t.api('POST', '/api/v1/generations', image([own.uri]));
    expect(reuse.status).toBe(404);
    expect(reuse.json.error.param).toBe('input.referenceAssetUris[0]');
  });

  it('refuses a queued or running generation (409 generation_active)', async () => {
    // Set back to running once it finished, as if the worker had not ended it yet.
    const queued = await t.api('POST', '/api/v1/generations', image());
    await waitForFinal(t, queued.json.id);
    await t.gateway.db.query(`UPDATE generations SET status = 'running' WHERE id = $1`, [queued.json.id]);
    const running = await t.api('DELETE', `/api/v1/generations/${queued.json.id}`);
    expect(running.status).toBe(409);
    expect(running.json.error).toMatchObject({ code: 'generation_active' });
    expect(running.json.error.message).toMatch(/is running/);
    await t.gateway.db.query(`UPDATE generations SET status = 'succeeded' WHERE id = $1`, [queued.json.id]);
    expect((await t.api('DELETE', `/api/v1/generations/${queued.json.id}`)).status).toBe(200);
  });

  it('refuses while an output is the input of a running generation (409 asset_in_use)', async () => {
    const first = await t.api('POST', '/api/v1/generations', image());
    const done = await waitForFinal(t, first.json.id);
    const second = await t.api('POST', '/api/v1/generations', image([done.json.outputs[0].uri]));
    expect(second.status, second.text).toBe(202);
    await waitForFinal(t, second.json.id);
    await t.gateway.db.query(`UPDATE generations SET status = 'running' WHERE id = $1`, [second.json.id]);
    const refused = await t.api('DELETE', `/api/v1/generations/${first.json.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('asset_in_use');
    await t.gateway.db.query(`UPDATE generations SET status = 'succeeded' WHERE id = $1`, [second.json.id]);
    // Once that one has finished, the first one's output goes; the second keeps its own.
    expect((await t.api('DELETE', `/api/v1/generations/${first.json.id}`)).status).toBe(200);
    expect((await t.api('GET', `/api/v1/generations/${second.json.id}`)).json.outputs[0].status).toBe(
      'available',
    );
  });

  it('is owner-scoped: another account’s generation is a 404 and keeps its files', async () => {
    const mine = await t.api('POST', '/api/v1/generations', image());
    const done = await waitForFinal(t, mine.json.id);
    const other = await otherAccount();
    const refused = await t.api('DELETE', `/api/v1/generations/${mine.json.id}`, undefined, other.headers);
    expect(refused.status).toBe(404);
    expect(refused.json.error.code).toBe('not_found');
    expect((await t.api('GET', `/api/v1/generations/${mine.json.id}`)).json.mediaDeletedAt).toBeNull();
    const output = done.json.outputs[0].uri.slice('asset://'.length);
    expect((await t.api('GET', `/api/v1/assets/${output}/content`)).status).toBe(200);
    expect((await t.api('DELETE', '/api/v1/generations/gen_nope')).status).toBe(404);
  });

  const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

  it('keeps outputs and stored inputs as long as the request asks, in seconds or as an ISO-8601 duration', async () => {
    const png = await makePng(420, 420, [90, 20, 30]);
    const dataUri = `data:image/png;base64,${png.toString('base64')}`;
    const created = await t.api('POST', '/api/v1/generations', image([dataUri], { retention: 'PT2H' }));
    expect(created.status, created.text).toBe(202);
    expect(created.json).toMatchObject({ retentionSeconds: 7200, expiresAt: null });
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.retentionSeconds).toBe(7200);
    expect(seconds(done.json.completedAt, done.json.expiresAt)).toBe(7200);
    const output = await t.api('GET', `/api/v1/assets/${done.json.outputs[0].uri.slice('asset://'.length)}`);
    expect(output.json.status).toBe('available');
    // Counted from when the file was stored, a moment before its row was written.
    expect(seconds(output.json.createdAt, output.json.expiresAt)).toBeGreaterThan(7190);
    expect(Date.parse(output.json.expiresAt)).toBeLessThanOrEqual(Date.parse(done.json.expiresAt));
    const input = await t.api('GET', `/api/v1/assets/${done.json.input.referenceAssetUris[0].slice(8)}`);
    expect(input.json.source).toBe('data');
    expect(seconds(input.json.createdAt, input.json.expiresAt)).toBeGreaterThan(7190);
    expect(seconds(input.json.createdAt, input.json.expiresAt)).toBeLessThan(7200 + 600);

    const inSeconds = await t.api('POST', '/api/v1/generations', image([], { retention: 600 }));
    expect(inSeconds.json.retentionSeconds).toBe(600);
  });

  it('refuses a retention it cannot read or outside its bounds with a 422 naming the field', async () => {
    for (const [retention, code] of [
      ['1h', 'invalid_type'],
      ['P1Y', 'invalid_type'],
      [true, 'invalid_type'],
      [30, 'out_of_range'],
      ['P400D', 'out_of_range'],
    ] as const) {
      const r = await t.api('POST', '/api/v1/generations', image([], { retention }));
      expect(r.status, String(retention)).toBe(422);
      expect(r.json.error.param).toBe('retention');
      expect(r.json.error.details).toEqual([expect.objectContaining({ param: 'retention', code })]);
    }
  });

  it('takes the request’s retention, else the key’s default, else the server’s setting', async () => {
    const other = await otherAccount({ defaultRetention: 'P1D' });
    const keys = await t.api('GET', '/api/v1/keys', undefined, other.headers);
    expect(keys.json.data[0].defaultRetentionSeconds).toBe(86_400);

    const byKey = await t.api('POST', '/api/v1/generations', image(), other.headers);
    expect(byKey.json.retentionSeconds).toBe(86_400);
    const byRequest = await t.api(
      'POST',
      '/api/v1/generations',
      image([], { retention: 'PT1H' }),
      other.headers,
    );
    expect(byRequest.json.retentionSeconds).toBe(3600);

    const bad = await t.api('PATCH', `/api/v1/admin/keys/${other.id}`, { defaultRetention: 'soon' }, admin);
    expect(bad.status).toBe(422);
    expect(bad.json.error.param).toBe('defaultRetention');
    const changed = await t.api(
      'PATCH',
      `/api/v1/keys/${other.id}`,
      { defaultRetention: 1800 },
      other.headers,
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.defaultRetentionSeconds).toBe(1800);
    expect((await t.api('POST', '/api/v1/generations', image(), other.headers)).json.retentionSeconds).toBe(
      1800,
    );

    const cleared = await t.api('PATCH', `/api/v1/admin/keys/${other.id}`, { defaultRetention: null }, admin);
    expect(cleared.json.defaultRetentionSeconds).toBeNull();
    const byServer = await t.api('POST', '/api/v1/generations', image(), other.headers);
    expect(byServer.json.retentionSeconds).toBeNull();
    const done = await waitForFinal(t, byServer.json.id, other.headers);
    expect(seconds(done.json.completedAt, done.json.expiresAt)).toBe(48 * 3600);

    // Another account's key is as unknown as a missing one.
    const foreign = await t.api('PATCH', `/api/v1/keys/${other.id}`, { defaultRetention: 600 });
    expect(foreign.status).toBe(404);
    for (const g of [byKey, byRequest]) await waitForFinal(t, g.json.id, other.headers);
  });

  const sweeper = () =>
    new AssetSweeper(t.gateway.db, new LocalStorage(join(t.dataDir, 'storage')), {
      retentionHours: 48,
      intervalMs: 60_000,
    });
  const expireNow = (ids: string[]) =>
    t.gateway.db.query(`UPDATE assets SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [
      ids,
    ]);

  it('sweeps expired outputs: the bytes go, the rows stay marked expired, downloads answer 410', async () => {
    const created = await t.api('POST', '/api/v1/generations', image([], { retention: 'PT1M' }));
    const done = await waitForFinal(t, created.json.id);
    const output = done.json.outputs[0].uri.slice('asset://'.length);
    const account = (await t.api('GET', '/api/v1/account')).json;
    await expireNow([output]);
    expect(await sweeper().sweepOnce()).toBeGreaterThanOrEqual(1);

    expect(fileOf(output, await storedFiles())).toBe(false);
    const asset = await t.api('GET', `/api/v1/assets/${output}`);
    expect(asset.json).toMatchObject({ status: 'expired', deletedAt: expect.any(String) });
    const download = await t.api('GET', `/api/v1/assets/${output}/content`);
    expect(download.status).toBe(410);
    expect(download.json.error).toMatchObject({
      code: 'asset_expired',
      message: expect.stringMatching(/expired/),
    });
    const after = await t.api('GET', `/api/v1/generations/${created.json.id}`);
    expect(after.json.outputs[0].status).toBe('expired');
    expect(after.json.mediaDeletedAt).toBe(asset.json.deletedAt);
    expect((await t.api('GET', '/api/v1/account')).json).toEqual(account);
    // Deleting it now only records what is already gone.
    expect((await t.api('DELETE', `/api/v1/generations/${created.json.id}`)).json.outputs[0].status).toBe(
      'expired',
    );
  });

  it('never sweeps an input of a running generation; once it has finished, the input goes', async () => {
    const input = await upload(t, await makePng(430, 430, [5, 6, 7]), 'image/png');
    const created = await t.api('POST', '/api/v1/generations', image([input.uri]));
    await waitForFinal(t, created.json.id);
    // As if it were still running (a worker between steps): its input is needed.
    await t.gateway.db.query(`UPDATE generations SET status = 'running' WHERE id = $1`, [created.json.id]);
    await expireNow([input.id]);
    await sweeper().sweepOnce();
    expect((await t.api('GET', `/api/v1/assets/${input.id}`)).json.status).toBe('available');
    expect(fileOf(input.id, await storedFiles())).toBe(true);

    await t.gateway.db.query(`UPDATE generations SET status = 'succeeded' WHERE id = $1`, [created.json.id]);
    await sweeper().sweepOnce();
    expect((await t.api('GET', `/api/v1/assets/${input.id}`)).json.status).toBe('expired');
    expect(fileOf(input.id, await storedFiles())).toBe(false);
  });

  it('applies the server’s setting to assets stored without an expiry, and leaves unexpired ones', async () => {
    const old = await upload(t, await makePng(440, 440, [8, 9, 10]), 'image/png');
    const fresh = await upload(t, await makePng(450, 450, [8, 9, 10]), 'image/png');
    expect(seconds(fresh.createdAt, fresh.expiresAt)).toBeGreaterThan(48 * 3600 - 10);
    await t.gateway.db.query(
      `UPDATE assets SET expires_at = NULL, created_at = now() - interval '49 hours' WHERE id = $1`,
      [old.id],
    );
    await sweeper().sweepOnce();
    expect((await t.api('GET', `/api/v1/assets/${old.id}`)).json.status).toBe('expired');
    expect((await t.api('GET', `/api/v1/assets/${fresh.id}`)).json.status).toBe('available');
  });
});
