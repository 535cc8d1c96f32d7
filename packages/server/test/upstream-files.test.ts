import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import type { InputDelivery } from '../src/providers/input-delivery.ts';
import type { FileHandOver, HandedOver, Provider, ResolvedMedia } from '../src/providers/provider.ts';
import { UPLOAD_REUSE_MARGIN_MS, UpstreamInputs } from '../src/worker/upstream-inputs.ts';

const HOUR = 3_600_000;

/** An upstream whose uploads are counted, each valid for `lifetimeMs`. */
function uploadingProvider(lifetimeMs: number, now: () => number) {
  const uploads: string[] = [];
  const files: FileHandOver = {
    way: 'upload',
    accepts: () => true,
    async handOver(file): Promise<HandedOver> {
      uploads.push(file.assetId);
      return { url: `https://cdn.test/${file.assetId}/${uploads.length}`, expiresAt: now() + lifetimeMs };
    },
  };
  const provider = {
    id: 'fal',
    files,
    start: () => Promise.reject(),
    status: () => Promise.reject(),
  } as Provider;
  return { provider, uploads };
}

const media: ResolvedMedia = {
  field: 'referenceAssetUris',
  index: 0,
  kind: 'image',
  assetId: 'asset_one',
  mediaType: 'image/png',
  path: '/nonexistent',
  bytes: 10,
  url: null,
};

describe('upstream inputs', () => {
  let dir = '';
  let db: Database;
  const signal = AbortSignal.timeout(10_000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-upstream-files-'));
    db = await openDatabase({ driver: 'pglite', dataDir: dir });
    await db.query(`INSERT INTO accounts (id, name) VALUES ('acct_a', 'A')`);
    await db.query(
      `INSERT INTO assets (id, account_id, mode, kind, media_type, bytes, sha256, storage_key, source)
       VALUES ('asset_one', 'acct_a', 'test', 'image', 'image/png', 10, 'x', 'k', 'upload')`,
    );
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  function inputs(delivery: InputDelivery, now: () => number) {
    const signed: number[] = [];
    const service = new UpstreamInputs({
      db,
      delivery,
      sign: async (id, ttl) => {
        signed.push(ttl);
        return `https://gateway.test/files/${id}?expires=${ttl}`;
      },
      linkTtlSeconds: 86_400,
      now,
    });
    return { service, signed };
  }

  it('uploads once per asset and upstream, reuses it while valid, and uploads again near its expiry', async () => {
    let clock = Date.UTC(2026, 11, 7);
    const now = () => clock;
    const { provider, uploads } = uploadingProvider(24 * HOUR, now);
    const { service } = inputs({ preference: 'auto', linksReachable: false }, now);
    const first = await service.deliver(provider, media, signal);
    expect(await service.deliver(provider, media, signal)).toBe(first);
    clock += 24 * HOUR - UPLOAD_REUSE_MARGIN_MS + 1;
    const second = await service.deliver(provider, media, signal);
    expect(second).not.toBe(first);
    expect(uploads).toEqual(['asset_one', 'asset_one']);
    expect(await service.deliver(provider, media, signal)).toBe(second);
  });

  it('signs a fresh link for every attempt when links reach the upstream, uploading nothing', async () => {
    const now = () => Date.UTC(2026, 11, 7);
    const { provider, uploads } = uploadingProvider(HOUR, now);
    const { service, signed } = inputs({ preference: 'auto', linksReachable: true }, now);
    expect(await service.deliver(provider, media, signal)).toMatch(
      /^https:\/\/gateway\.test\/files\/asset_one/,
    );
    await service.deliver(provider, media, signal);
    expect(signed).toEqual([86_400, 86_400]);
    expect(uploads).toEqual([]);
  });
});
