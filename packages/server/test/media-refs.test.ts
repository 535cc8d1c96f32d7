import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json } from '@reelay/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from '../src/db/split-statements.ts';
import { randomBase62 } from '../src/ids.ts';
import type { Provider, ProviderStatus, StartCall } from '../src/providers/provider.ts';
import { DATABASES, makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';

type SeenMedia = { field: string; index: number | null; assetId: string };

/**
 * Stands in for the local renderer: records the media each generation is started with, and keeps every
 * generation running until the test releases it, then hands back a prepared PNG from the render work folder.
 */
class GatedProvider implements Provider {
  readonly id = 'local';
  readonly started = new Map<string, SeenMedia[]>();
  private readonly released = new Set<string>();

  constructor(
    private readonly outputFile: string,
    private readonly workDir: string,
  ) {}

  release(generationId: string): void {
    this.released.add(generationId);
  }

  async start(call: StartCall) {
    this.started.set(
      call.generationId,
      call.media.map((m) => ({ field: m.field, index: m.index, assetId: m.assetId })),
    );
    return { operation: { generationId: call.generationId }, warnings: [] };
  }

  async status(call: { operation: Json }): Promise<ProviderStatus> {
    const { generationId } = call.operation as { generationId: string };
    if (!this.released.has(generationId)) return { state: 'pending' };
    const folder = join(this.workDir, `gated-${generationId}-${randomBase62(8)}`);
    await mkdir(folder, { recursive: true });
    const path = join(folder, 'output.png');
    await copyFile(this.outputFile, path);
    return { state: 'succeeded', outputs: [{ url: pathToFileURL(path).href, mediaType: 'image/png' }] };
  }
}

const MIGRATION = new URL('../src/db/migrations/007_media_refs.sql', import.meta.url);

describe.each(DATABASES)('media references on %s', (kind) => {
  let t: TestGateway;
  let provider: GatedProvider;
  let fixtures: string;
  let png: Buffer;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'reelay-media-refs-'));
    png = await makePng(320, 320, [30, 120, 200]);
    const output = join(fixtures, 'output.png');
    await writeFile(output, await makePng(64, 64, [10, 200, 10]));
    t = await startGateway(kind, {}, (config) => {
      provider = new GatedProvider(output, config.render.workDir);
      return { providers: [{ provider, pollIntervalMs: 50 }] };
    });
  });
  afterAll(async () => {
    await t?.stop();
    if (fixtures) await rm(fixtures, { recursive: true, force: true });
  });

  const create = async (input: Record<string, Json>) => {
    const r = await t.api('POST', '/api/v1/generations', { type: 'image', model: 'nano-banana', input });
    expect(r.status, r.text).toBe(202);
    return r.json.id as string;
  };

  /** The media the provider was started with, once it has been; fails when the generation ends unstarted. */
  async function startedWith(id: string): Promise<SeenMedia[]> {
    for (;;) {
      const seen = provider.started.get(id);
      if (seen) return seen;
      const r = await t.api('GET', `/api/v1/generations/${id}`);
      if (['succeeded', 'failed', 'canceled'].includes(r.json.status)) {
        throw new Error(`generation ${id} ended ${r.json.status} unstarted: ${JSON.stringify(r.json.error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const storedRefs = async (id: string) =>
    (
      await t.gateway.db.query<{ media_refs: Json }>('SELECT media_refs FROM generations WHERE id = $1', [id])
    )[0]?.media_refs;

  it('takes a prompt naming a real asset for text: the asset is no input and can be deleted meanwhile', async () => {
    const asset = await upload(t, png, 'image/png');
    const prompt = `asset://${asset.id}`;
    const id = await create({ prompt });
    expect(await storedRefs(id)).toEqual([]);

    expect(await startedWith(id)).toEqual([]);
    expect((await t.api('GET', `/api/v1/generations/${id}`)).json.status).toBe('running');
    expect((await t.api('DELETE', `/api/v1/assets/${asset.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/v1/assets/${asset.id}`)).status).toBe(404);

    provider.release(id);
    const final = await waitForFinal(t, id);
    expect(final.json.status, JSON.stringify(final.json.error)).toBe('succeeded');
    expect(final.json.input.prompt).toBe(prompt);
  });

  it.each([
    ['a made-up asset id', 'asset://asset_nope'],
    ['a sentence that starts like an asset URI', 'asset://asset_abc is my favourite'],
  ])('runs a prompt that is %s, untouched', async (_what, prompt) => {
    const id = await create({ prompt });
    expect(await startedWith(id)).toEqual([]);
    provider.release(id);
    const final = await waitForFinal(t, id);
    expect(final.json.status, JSON.stringify(final.json.error)).toBe('succeeded');
    expect(final.json.input.prompt).toBe(prompt);
  });

  it('keeps an asset really used as an input while its generation runs, and only that one', async () => {
    const source = await upload(t, png, 'image/png');
    const first = await upload(t, await makePng(330, 330, [1, 2, 3]), 'image/png');
    const second = await upload(t, await makePng(340, 340, [1, 2, 3]), 'image/png');
    const named = await upload(t, await makePng(350, 350, [1, 2, 3]), 'image/png');
    const id = await create({
      prompt: `asset://${named.id}`,
      sourceImage: source.uri,
      referenceAssetUris: [first.uri, second.uri],
    });
    const refs = [
      { field: 'sourceImage', index: null, assetId: source.id },
      { field: 'referenceAssetUris', index: 0, assetId: first.id },
      { field: 'referenceAssetUris', index: 1, assetId: second.id },
    ];
    expect(await storedRefs(id)).toEqual(refs);
    expect(await startedWith(id)).toEqual(refs);

    for (const asset of [source, first, second]) {
      expect((await t.api('DELETE', `/api/v1/assets/${asset.id}`)).status).toBe(409);
      expect((await t.api('GET', `/api/v1/assets/${asset.id}/content`)).status).toBe(200);
    }
    expect((await t.api('DELETE', `/api/v1/assets/${named.id}`)).status).toBe(204);

    provider.release(id);
    const final = await waitForFinal(t, id);
    expect(final.json.status, JSON.stringify(final.json.error)).toBe('succeeded');
    expect(final.json.input.prompt).toBe(`asset://${named.id}`);
    expect((await t.api('DELETE', `/api/v1/assets/${source.id}`)).status).toBe(204);
  });

  it("backfills the refs of earlier generations from their model's media fields alone", async () => {
    const source = await upload(t, png, 'image/png');
    const reference = await upload(t, await makePng(360, 360, [4, 5, 6]), 'image/png');
    const withMedia = await create({
      prompt: `asset://${reference.id}`,
      sourceImage: source.uri,
      referenceAssetUris: [reference.uri],
    });
    const promptOnly = await create({ prompt: `asset://${source.id}` });
    const video = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0',
      input: { prompt: `asset://${reference.id}`, startImage: source.uri },
    });
    expect(video.status, video.text).toBe(202);
    const ids = [withMedia, promptOnly, video.json.id as string];
    const recorded = await Promise.all(ids.map(storedRefs));
    expect(recorded[1]).toEqual([]);
    expect(recorded[2]).toEqual([{ field: 'startImage', index: null, assetId: source.id }]);

    // As before the migration: no generation has refs; then its backfill runs again.
    await t.gateway.db.query(`UPDATE generations SET media_refs = '[]'::jsonb WHERE id = ANY($1)`, [ids]);
    const backfill = splitStatements(await readFile(MIGRATION, 'utf8')).find((s) =>
      s.includes('UPDATE generations'),
    );
    expect(backfill).toBeDefined();
    await t.gateway.db.query(`${backfill}`);
    expect(await Promise.all(ids.map(storedRefs))).toEqual(recorded);

    for (const id of ids) provider.release(id);
    for (const id of ids) await waitForFinal(t, id);
  });
});
