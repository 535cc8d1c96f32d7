import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from '../src/db/split-statements.ts';
import { DATABASES, makePng, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { startReceiver } from './webhook-receiver.ts';

const MIGRATION = new URL('../src/db/migrations/010_asset_mode.sql', import.meta.url);
const ADMIN = 'admin-key-for-mode-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };

/** One mode's key and what it made: a generation with a webhook, its output, an upload, its ledger. */
interface World {
  mode: 'test' | 'live';
  headers: Record<string, string>;
  generationId: string;
  /** A video generation, for the OpenAI shape's video reads. */
  videoId: string;
  /** A second generation, older: the cursor of a one-item page names the newer one's id. */
  cursor: string;
  outputId: string;
  uploadId: string;
  deliveryId: string;
  deliveryCursor: string;
  ledgerCursor: string;
  replicateFileId: string;
}

const image = (prompt: string, extra: Record<string, unknown> = {}) => ({
  type: 'image',
  model: 'nano-banana',
  input: { prompt, ...extra },
});

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * Test and live are two worlds of one account: every read and write of every resource kind, made with one mode's
 * key on the other mode's data, finds nothing (404, or absent from a list), and a cursor of the other mode is a 400.
 * Each row of the matrix first checks that the owning mode's key does see the same thing, so no row can pass for
 * a resource that was never there.
 */
describe.each(DATABASES)('test and live kept apart on %s', (kind) => {
  let t: TestGateway;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hookUrl: string;
  const worlds = {} as Record<'test' | 'live', World>;

  async function makeWorld(mode: 'test' | 'live', headers: Record<string, string>): Promise<World> {
    const video = await t.api(
      'POST',
      '/api/v1/generations',
      { type: 'video', model: 'kling-3.0-omni', input: { prompt: `${mode} video`, audioEnabled: false } },
      headers,
    );
    expect(video.status, video.text).toBe(202);
    const first = await t.api('POST', '/api/v1/generations', image(`${mode} one`), headers);
    expect(first.status, first.text).toBe(202);
    const created = await t.api(
      'POST',
      '/api/v1/generations',
      { ...image(`${mode} two`), webhookUrl: hookUrl },
      headers,
    );
    expect(created.status, created.text).toBe(202);
    const id: string = created.json.id;
    const done = await waitForFinal(t, id, headers);
    expect(done.json.status, done.text).toBe('succeeded');
    await waitForFinal(t, first.json.id, headers);
    await waitForFinal(t, video.json.id, headers);
    const page = await t.api('GET', '/api/v1/generations?limit=1', undefined, headers);
    expect(page.json.nextCursor).toEqual(expect.any(String));
    const up = await t.api('POST', '/api/v1/assets', new Uint8Array(await makePng(64, 48, [9, 99, 199])), {
      ...headers,
      'content-type': 'image/png',
    });
    expect(up.status, up.text).toBe(201);
    const deliveries = await eventually('two deliveries', async () => {
      const list = await t.api('GET', '/api/v1/webhooks/deliveries?limit=1', undefined, headers);
      return list.json.data?.length === 1 && list.json.nextCursor ? list.json : null;
    });
    const ledger = await t.api('GET', '/api/v1/ledger?limit=1', undefined, headers);
    expect(ledger.json.nextCursor).toEqual(expect.any(String));
    const form = new FormData();
    form.append(
      'content',
      new Blob([new Uint8Array(await makePng(16, 16, [1, 2, 3]))], { type: 'image/png' }),
      'a.png',
    );
    const file = await fetch(`${t.baseUrl}/replicate/v1/files`, { method: 'POST', headers, body: form });
    expect(file.status).toBe(201);
    return {
      mode,
      headers,
      generationId: id,
      videoId: video.json.id,
      cursor: page.json.nextCursor,
      outputId: String(done.json.outputs[0].uri).replace('asset://', ''),
      uploadId: up.json.id,
      deliveryId: deliveries.data[0].id,
      deliveryCursor: deliveries.nextCursor,
      ledgerCursor: ledger.json.nextCursor,
      replicateFileId: ((await file.json()) as { id: string }).id,
    };
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    hookUrl = receiver.url;
    t = await startGateway(kind, {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    });
    const accountId = (await t.api('GET', '/api/v1/account')).json.id;
    const live = await t.api('POST', `/api/v1/admin/accounts/${accountId}/keys`, { mode: 'live' }, admin);
    expect(live.status, live.text).toBe(201);
    const grant = await t.api(
      'POST',
      `/api/v1/admin/accounts/${accountId}/grants`,
      { mode: 'live', tokens: 100 },
      admin,
    );
    expect(grant.status, grant.text).toBeLessThan(300);
    worlds.test = await makeWorld('test', { authorization: `Bearer ${t.key}` });
    worlds.live = await makeWorld('live', { authorization: `Bearer ${live.json.key}` });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.close();
  });

  /** A request with `as`'s key about `of`'s data. */
  type Probe = (of: World) => { method: string; path: string; body?: unknown };
  const notFound: [string, Probe][] = [
    ['read a generation', (w) => ({ method: 'GET', path: `/api/v1/generations/${w.generationId}` })],
    ['follow its events', (w) => ({ method: 'GET', path: `/api/v1/generations/${w.generationId}/events` })],
    ['read an output asset', (w) => ({ method: 'GET', path: `/api/v1/assets/${w.outputId}` })],
    ['download an output', (w) => ({ method: 'GET', path: `/api/v1/assets/${w.outputId}/content` })],
    ['read an upload', (w) => ({ method: 'GET', path: `/api/v1/assets/${w.uploadId}` })],
    ['download an upload', (w) => ({ method: 'GET', path: `/api/v1/assets/${w.uploadId}/content` })],
    ['read a delivery', (w) => ({ method: 'GET', path: `/api/v1/webhooks/deliveries/${w.deliveryId}` })],
    ['read a video (OpenAI shape)', (w) => ({ method: 'GET', path: `/v1/videos/${w.videoId}` })],
    ['download a video (OpenAI shape)', (w) => ({ method: 'GET', path: `/v1/videos/${w.videoId}/content` })],
    [
      'read a prediction (Replicate shape)',
      (w) => ({ method: 'GET', path: `/replicate/v1/predictions/${w.generationId}` }),
    ],
    [
      'read a file (Replicate shape)',
      (w) => ({ method: 'GET', path: `/replicate/v1/files/${w.replicateFileId}` }),
    ],
  ];
  const cursors: [string, (w: World) => string][] = [
    ['generations', (w) => `/api/v1/generations?limit=1&cursor=${w.cursor}`],
    ['deliveries', (w) => `/api/v1/webhooks/deliveries?limit=1&cursor=${w.deliveryCursor}`],
    ['ledger', (w) => `/api/v1/ledger?limit=1&cursor=${w.ledgerCursor}`],
  ];

  for (const [as, of] of [
    ['test', 'live'],
    ['live', 'test'],
  ] as const) {
    describe(`a ${as} key on ${of} data`, () => {
      it.each(notFound)('cannot %s', async (_name, probe) => {
        const owner = probe(worlds[of]);
        const own = await fetch(`${t.baseUrl}${owner.path}`, {
          method: owner.method,
          headers: worlds[of].headers,
        });
        expect(own.status, `${owner.path} for its own mode`).toBe(200);
        await own.body?.cancel();
        const other = await fetch(`${t.baseUrl}${owner.path}`, {
          method: owner.method,
          headers: worlds[as].headers,
        });
        expect(other.status, `${owner.path} for the other mode`).toBe(404);
        await other.body?.cancel();
      });

      it.each(cursors)(
        'gets a 400 naming the cursor for a %s cursor of the other mode',
        async (_name, path) => {
          expect((await t.api('GET', path(worlds[of]), undefined, worlds[of].headers)).status).toBe(200);
          const r = await t.api('GET', path(worlds[of]), undefined, worlds[as].headers);
          expect(r.status, r.text).toBe(400);
          expect(r.json.error.param).toBe('cursor');
        },
      );

      it('sees none of the other mode in lists, usage or the ledger', async () => {
        const h = worlds[as].headers;
        const mine = worlds[as];
        const theirs = worlds[of];
        const gens = (await t.api('GET', '/api/v1/generations?limit=100', undefined, h)).json.data;
        expect(gens.map((g: { id: string }) => g.id)).toContain(mine.generationId);
        expect(gens.map((g: { id: string }) => g.id)).not.toContain(theirs.generationId);
        const videos = (await t.api('GET', '/v1/videos?limit=100', undefined, h)).json.data;
        expect(videos.map((v: { id: string }) => v.id)).toContain(mine.videoId);
        expect(videos.map((v: { id: string }) => v.id)).not.toContain(theirs.videoId);
        const predictions = (await t.api('GET', '/replicate/v1/predictions', undefined, h)).json.results;
        expect(predictions.map((p: { id: string }) => p.id)).toContain(mine.generationId);
        expect(predictions.map((p: { id: string }) => p.id)).not.toContain(theirs.generationId);
        const deliveries = (await t.api('GET', '/api/v1/webhooks/deliveries?limit=100', undefined, h)).json
          .data;
        expect(deliveries.map((d: { id: string }) => d.id)).toContain(mine.deliveryId);
        expect(deliveries.map((d: { id: string }) => d.id)).not.toContain(theirs.deliveryId);
        const ledger = (await t.api('GET', '/api/v1/ledger?limit=200', undefined, h)).json.data;
        const named = ledger.map((e: { generationId: string | null }) => e.generationId);
        expect(named).toContain(mine.generationId);
        expect(named).not.toContain(theirs.generationId);
        const usage = await t.api('GET', '/api/v1/usage', undefined, h);
        expect(usage.status, usage.text).toBe(200);
        const generated = usage.json.data.reduce(
          (n: number, row: { generations: number }) => n + row.generations,
          0,
        );
        expect(generated).toBe(gens.filter((g: { status: string }) => g.status === 'succeeded').length);
      });

      it('cannot cancel, delete or replay the other mode’s things, and they stay', async () => {
        const h = worlds[as].headers;
        const theirs = worlds[of];
        expect(
          (await t.api('POST', `/api/v1/generations/${theirs.generationId}/cancel`, undefined, h)).status,
        ).toBe(404);
        expect((await t.api('DELETE', `/api/v1/assets/${theirs.uploadId}`, undefined, h)).status).toBe(404);
        expect(
          (await t.api('DELETE', `/replicate/v1/files/${theirs.replicateFileId}`, undefined, h)).status,
        ).toBe(404);
        expect((await t.api('DELETE', `/v1/videos/${theirs.videoId}`, undefined, h)).status).toBe(404);
        expect(
          (await t.api('POST', `/api/v1/webhooks/deliveries/${theirs.deliveryId}/replay`, undefined, h))
            .status,
        ).toBe(404);
        expect(
          (await t.api('GET', `/api/v1/assets/${theirs.uploadId}`, undefined, theirs.headers)).status,
        ).toBe(200);
        expect(
          (await t.api('GET', `/replicate/v1/files/${theirs.replicateFileId}`, undefined, theirs.headers))
            .status,
        ).toBe(200);
        for (const id of [theirs.generationId, theirs.videoId]) {
          const g = await t.api('GET', `/api/v1/generations/${id}`, undefined, theirs.headers);
          expect(g.json.status).toBe('succeeded');
        }
      });

      it('cannot use the other mode’s assets as inputs: a 404 on the field', async () => {
        const h = worlds[as].headers;
        for (const id of [worlds[of].uploadId, worlds[of].outputId]) {
          const r = await t.api(
            'POST',
            '/api/v1/generations',
            image('borrowed', { sourceImage: `asset://${id}` }),
            h,
          );
          expect(r.status, r.text).toBe(404);
          expect(r.json.error.param).toBe('input.sourceImage');
        }
        const own = await t.api(
          'POST',
          '/api/v1/generations',
          image('own', { sourceImage: `asset://${worlds[as].uploadId}` }),
          h,
        );
        expect(own.status, own.text).toBe(202);
        await waitForFinal(t, own.json.id, h);
      });

      it('gets a generation of its own for an Idempotency-Key the other mode used', async () => {
        const key = `shared-${as}-${kind}`;
        const body = image('same request, both modes');
        const theirs = await t.api('POST', '/api/v1/generations', body, {
          ...worlds[of].headers,
          'idempotency-key': key,
        });
        expect(theirs.status, theirs.text).toBe(202);
        const mine = await t.api('POST', '/api/v1/generations', body, {
          ...worlds[as].headers,
          'idempotency-key': key,
        });
        expect(mine.status, mine.text).toBe(202);
        expect(mine.json.id).not.toBe(theirs.json.id);
        const again = await t.api('POST', '/api/v1/generations', body, {
          ...worlds[as].headers,
          'idempotency-key': key,
        });
        expect(again.json.id).toBe(mine.json.id);
        await waitForFinal(t, mine.json.id, worlds[as].headers);
        await waitForFinal(t, theirs.json.id, worlds[of].headers);
      });
    });
  }
  it('gives assets from before the split the mode of their creator', async () => {
    const modeOf = async (id: string) =>
      (await t.gateway.db.query<{ mode: string | null }>('SELECT mode FROM assets WHERE id = $1', [id]))[0]
        ?.mode;
    const ids = (['test', 'live'] as const).flatMap((m) => [
      worlds[m].outputId,
      worlds[m].uploadId,
      worlds[m].replicateFileId,
    ]);
    const before = await Promise.all(ids.map(modeOf));
    expect(before).toEqual(['test', 'test', 'test', 'live', 'live', 'live']);
    // As before the migration: no asset has a mode; then its assignments run again.
    await t.gateway.db.query('ALTER TABLE assets ALTER COLUMN mode DROP NOT NULL');
    await t.gateway.db.query('UPDATE assets SET mode = NULL WHERE id = ANY($1)', [ids]);
    const assignments = splitStatements(await readFile(MIGRATION, 'utf8')).filter((q) =>
      q.startsWith('UPDATE assets'),
    );
    expect(assignments).toHaveLength(3);
    for (const q of assignments) await t.gateway.db.query(q);
    await t.gateway.db.query('ALTER TABLE assets ALTER COLUMN mode SET NOT NULL');
    // An output takes its generation's mode, an input that of the first generation that used it; a file no
    // generation used, that of the account's first key (the dev key here: test).
    expect(await Promise.all(ids.map(modeOf))).toEqual(['test', 'test', 'test', 'live', 'live', 'test']);
  });
});
