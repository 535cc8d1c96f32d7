import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fake-upstreams.ts';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

const ADMIN = 'admin-key-for-allowlist-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const LIVE_KEY = 'rl_live_allowlists00000000000001';
const R8 = 'r8_allowlist_token';
const FAL = 'fal_allowlist:key';

const image = (model: string) => ({
  type: 'image',
  model,
  input: { prompt: 'a lighthouse at dusk', aspectRatio: '1:1' },
});

describe.each(DATABASES)('per-key model and provider allowlists on %s', (kind) => {
  let t: TestGateway;
  let fake: FakeUpstreams;
  let accountId: string;
  let dir = '';

  /** A new live key of the dev account (which has live tokens), made by the operator. */
  async function liveKey(body: object = {}) {
    const r = await t.api(
      'POST',
      `/api/v1/admin/accounts/${accountId}/keys`,
      { mode: 'live', ...body },
      admin,
    );
    expect(r.status, r.text).toBe(201);
    return { id: r.json.id as string, headers: bearer(r.json.key), json: r.json };
  }
  const balance = async () =>
    (await t.api('GET', '/api/v1/account', undefined, bearer(LIVE_KEY))).json.tokens;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-allowlists-'));
    // Only images are made here; the fake's video answer is never asked for.
    await writeFile(join(dir, 'unused.mp4'), 'unused');
    fake = await startFakeUpstreams({
      accessKey: 'ak_unused',
      secretKey: 'sk_unused',
      replicateToken: R8,
      falKey: FAL,
      videoFile: join(dir, 'unused.mp4'),
    });
    t = await startGateway(kind, {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_DEV_KEY: LIVE_KEY,
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_FAL_KEY: FAL,
      REELAY_FAL_QUEUE_URL: fake.base,
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    });
    accountId = (await t.api('GET', '/api/v1/account', undefined, bearer(LIVE_KEY))).json.id;
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a key’s lists, null for a key without any', async () => {
    const open = await liveKey();
    expect(open.json).toMatchObject({ allowedModels: null, allowedProviders: null });
    const k = await liveKey({ allowedModels: ['nano-banana', 'nano-banana'], allowedProviders: ['fal'] });
    expect(k.json).toMatchObject({ allowedModels: ['nano-banana'], allowedProviders: ['fal'] });
    const listed = await t.api('GET', `/api/v1/admin/accounts/${accountId}/keys`, undefined, admin);
    expect(listed.json.data.find((x: { id: string }) => x.id === k.id)).toMatchObject({
      allowedModels: ['nano-banana'],
      allowedProviders: ['fal'],
    });
  });

  it('refuses a model outside the list with a 403 naming it, before anything is held', async () => {
    const k = await liveKey({ allowedModels: ['nano-banana'] });
    const before = await balance();
    const refused = await t.api('POST', '/api/v1/generations', image('nano-banana-2'), k.headers);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(refused.json.error.message).toContain('nano-banana-2');
    expect(await balance()).toEqual(before);
    const allowed = await t.api('POST', '/api/v1/generations', image('nano-banana'), k.headers);
    expect(allowed.status, allowed.text).toBe(202);
    expect((await waitForFinal(t, allowed.json.id, k.headers)).json.status).toBe('succeeded');
  });

  it('runs a generation only on allowed providers, and refuses when the model has none of them', async () => {
    const k = await liveKey({ allowedProviders: ['replicate'] });
    const created = await t.api('POST', '/api/v1/generations', image('nano-banana'), k.headers);
    expect(created.status, created.text).toBe(202);
    const done = await waitForFinal(t, created.json.id, k.headers);
    expect(done.json.status, done.text).toBe('succeeded');
    // nano-banana's route is fal, then replicate: the key's list leaves only replicate.
    expect(done.json.provider).toBe('replicate');

    const kling = await liveKey({ allowedProviders: ['kling'] });
    const refused = await t.api('POST', '/api/v1/generations', image('nano-banana'), kling.headers);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error).toMatchObject({ code: 'provider_not_allowed', param: 'model' });
    expect(refused.json.error.message).toContain('kling');
  });

  it('takes a changed list at once, also on a key already in use, and null lifts it', async () => {
    const k = await liveKey();
    expect((await t.api('GET', '/api/v1/account', undefined, k.headers)).status).toBe(200);
    const set = await t.api(
      'PATCH',
      `/api/v1/admin/keys/${k.id}`,
      { allowedModels: ['nano-banana-2'] },
      admin,
    );
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({ allowedModels: ['nano-banana-2'], allowedProviders: null });
    const refused = await t.api('POST', '/api/v1/generations', image('nano-banana'), k.headers);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('model_not_allowed');
    const lifted = await t.api('PATCH', `/api/v1/admin/keys/${k.id}`, { allowedModels: null }, admin);
    expect(lifted.json.allowedModels).toBeNull();
    const quoted = await t.api('POST', '/api/v1/generations', image('nano-banana'), k.headers);
    expect(quoted.status, quoted.text).toBe(202);
    await waitForFinal(t, quoted.json.id, k.headers);
  });

  it('lets an unrestricted live key set lists on the account’s keys, but a listed key changes none', async () => {
    const k = await liveKey();
    const set = await t.api('PATCH', `/api/v1/keys/${k.id}`, { allowedProviders: ['fal'] }, bearer(LIVE_KEY));
    expect(set.status, set.text).toBe(200);
    expect(set.json.allowedProviders).toEqual(['fal']);
    const itself = await t.api('PATCH', `/api/v1/keys/${k.id}`, { allowedProviders: null }, k.headers);
    expect(itself.status).toBe(403);
    const mint = await t.api('POST', '/api/v1/keys', { mode: 'live' }, k.headers);
    expect(mint.status).toBe(403);
    const made = await t.api('POST', '/api/v1/keys', { allowedModels: ['nano-banana'] }, bearer(LIVE_KEY));
    expect(made.status, made.text).toBe(201);
    expect(made.json.allowedModels).toEqual(['nano-banana']);
  });

  it('keeps another account’s keys out of reach', async () => {
    const other = await t.api('POST', '/api/v1/admin/accounts', { name: 'Other' }, admin);
    const theirs = await t.api(
      'POST',
      `/api/v1/admin/accounts/${other.json.id}/keys`,
      { mode: 'live' },
      admin,
    );
    const r = await t.api('PATCH', `/api/v1/keys/${theirs.json.id}`, { allowedModels: [] }, bearer(LIVE_KEY));
    expect(r.status).toBe(404);
  });

  it('refuses unknown ids and malformed lists, naming the field', async () => {
    for (const [body, param] of [
      [{ allowedModels: ['no-such-model'] }, 'allowedModels'],
      [{ allowedProviders: ['nowhere'] }, 'allowedProviders'],
      [{ allowedModels: 'nano-banana' }, 'allowedModels'],
    ] as const) {
      const r = await t.api(
        'POST',
        `/api/v1/admin/accounts/${accountId}/keys`,
        { mode: 'live', ...body },
        admin,
      );
      expect(r.status, r.text).toBe(422);
      expect(r.json.error.param ?? r.json.error.details?.[0]?.param).toContain(param);
      const p = await t.api('POST', '/api/v1/keys', body, bearer(LIVE_KEY));
      expect(p.status, p.text).toBe(422);
    }
    const patch = await t.api('PATCH', '/api/v1/admin/keys/key_nope', { allowedModels: null }, admin);
    expect(patch.status).toBe(404);
  });

  it('refuses a model outside the list through the OpenAI and Replicate shapes too', async () => {
    const k = await liveKey({ allowedModels: ['nano-banana'] });
    const openai = await fetch(`${t.baseUrl}/v1/images/generations`, {
      method: 'POST',
      headers: { ...k.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nano-banana-2', prompt: 'a lighthouse' }),
    });
    expect(openai.status).toBe(403);
    expect(await openai.text()).toContain('model_not_allowed');
    const replicate = await fetch(`${t.baseUrl}/replicate/v1/models/reelay/nano-banana-2/predictions`, {
      method: 'POST',
      headers: { ...k.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { prompt: 'a lighthouse' } }),
    });
    expect(replicate.status).toBe(403);
    expect(await replicate.text()).toContain('nano-banana-2');
  });
});

describe('allowlists across processes on PostgreSQL', () => {
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    a = await startGateway('postgres', { REELAY_ADMIN_KEY: ADMIN });
    const config = a.gateway.config.database;
    if (config.driver !== 'postgres') throw new Error('expected PostgreSQL');
    b = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN, DATABASE_URL: config.url });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('a list changed on one process is in force at once on another that had kept the key', async () => {
    const account = await a.api('POST', '/api/v1/admin/accounts', { name: 'Customer' }, admin);
    const made = await a.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/keys`,
      { mode: 'test' },
      admin,
    );
    await a.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/grants`,
      { mode: 'test', tokens: 1000 },
      admin,
    );
    const k = bearer(made.json.key);
    expect((await b.api('GET', '/api/v1/account', undefined, k)).status).toBe(200);
    const set = await a.api(
      'PATCH',
      `/api/v1/admin/keys/${made.json.id}`,
      { allowedModels: ['nano-banana'] },
      admin,
    );
    expect(set.status, set.text).toBe(200);
    // As with revocations: the other process acts on the announcement when it reads its connection.
    await expect
      .poll(async () => (await b.api('POST', '/api/v1/generations', image('nano-banana-2'), k)).status, {
        timeout: 1000,
        interval: 5,
      })
      .toBe(403);
  });
});
