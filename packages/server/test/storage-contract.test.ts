import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../src/assets/storage/local-storage.ts';
import { S3Storage } from '../src/assets/storage/s3-storage.ts';
import { type Storage, StorageKeyMissing } from '../src/assets/storage.ts';
import { startTestS3, type TestS3 } from './s3-server.ts';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** 300 kB of bytes that differ at every position, so a wrong offset cannot pass. */
const CONTENT = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7 + (i >> 8)) % 251));

interface Driver {
  name: string;
  make(dir: string): Promise<{ storage: Storage; stop(): Promise<void> }>;
}

const drivers: Driver[] = [
  {
    name: 'local disk',
    async make(dir) {
      return { storage: new LocalStorage(join(dir, 'root')), stop: async () => {} };
    },
  },
  {
    name: 'S3 (a local server that checks signatures)',
    async make(dir) {
      const s3: TestS3 = await startTestS3();
      const storage = new S3Storage({
        bucket: s3.bucket,
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: s3.credentials,
        cacheDir: join(dir, 'cache'),
      });
      return { storage, stop: () => s3.stop() };
    },
  },
];

describe.each(drivers)('storage contract on $name', (driver) => {
  let dir: string;
  let storage: Storage;
  let stop: () => Promise<void>;

  const put = async (key: string, content = CONTENT) => {
    const source = join(dir, `src-${Math.random().toString(36).slice(2)}`);
    await writeFile(source, content);
    await storage.putFile(key, source, 'video/mp4');
    return source;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-storage-'));
    ({ storage, stop } = await driver.make(dir));
  });
  afterAll(async () => {
    await stop?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a file under a key, consuming the source, and reads the same bytes back', async () => {
    const source = await put('acct_a/asset_one.mp4');
    await expect(readFile(source)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await storage.exists('acct_a/asset_one.mp4')).toBe(true);
    const back = await bytesOf(await storage.read('acct_a/asset_one.mp4'));
    expect(createHash('sha256').update(back).digest('hex')).toBe(
      createHash('sha256').update(CONTENT).digest('hex'),
    );
  });

  it('reads inclusive byte ranges', async () => {
    await put('acct_a/asset_range.mp4');
    // One byte at 1, not at 0: the test S3 server reads `bytes=0-0` as the whole object (real S3 does not).
    expect(await bytesOf(await storage.read('acct_a/asset_range.mp4', { start: 1, end: 1 }))).toEqual(
      CONTENT.subarray(1, 2),
    );
    expect(
      await bytesOf(await storage.read('acct_a/asset_range.mp4', { start: 123_456, end: 200_000 })),
    ).toEqual(CONTENT.subarray(123_456, 200_001));
    expect(
      await bytesOf(await storage.read('acct_a/asset_range.mp4', { start: 299_990, end: 299_999 })),
    ).toEqual(CONTENT.subarray(299_990));
  });

  it('hands a local file with the bytes to programs that need a path', async () => {
    await put('acct_a/asset_local.mp4');
    const path = await storage.localFile('acct_a/asset_local.mp4');
    expect(await readFile(path)).toEqual(CONTENT);
    expect(await storage.localFile('acct_a/asset_local.mp4')).toBe(path);
  });

  it('replaces what a key held when stored again', async () => {
    await put('acct_a/asset_again.mp4');
    await put('acct_a/asset_again.mp4', Buffer.from('second'));
    expect((await bytesOf(await storage.read('acct_a/asset_again.mp4'))).toString()).toBe('second');
  });

  it('deletes, after which the key is missing everywhere; deleting twice is fine', async () => {
    await put('acct_a/asset_gone.mp4');
    await storage.localFile('acct_a/asset_gone.mp4');
    await storage.delete('acct_a/asset_gone.mp4');
    await storage.delete('acct_a/asset_gone.mp4');
    expect(await storage.exists('acct_a/asset_gone.mp4')).toBe(false);
    await expect(storage.read('acct_a/asset_gone.mp4')).rejects.toBeInstanceOf(StorageKeyMissing);
    await expect(storage.localFile('acct_a/asset_gone.mp4')).rejects.toBeInstanceOf(StorageKeyMissing);
  });

  it('reports a key that never existed as missing', async () => {
    expect(await storage.exists('acct_a/asset_never.mp4')).toBe(false);
    await expect(storage.read('acct_a/asset_never.mp4')).rejects.toBeInstanceOf(StorageKeyMissing);
  });

  it.each(['../escape.mp4', 'acct_a/../../x', '/abs/path', 'acct_a//double', '.hidden', 'a/./b', 'sp ace'])(
    'refuses the key %j',
    async (key) => {
      await expect(storage.read(key)).rejects.toThrow(/not a valid storage key/);
      await expect(storage.delete(key)).rejects.toThrow(/not a valid storage key/);
    },
  );

  it('gives presigned URLs only where the driver serves files itself; a tampered one is refused', async () => {
    await put('acct_a/asset_signed.mp4');
    const url = await storage.presignedUrl('acct_a/asset_signed.mp4', 60, 'video/mp4');
    if (storage.driver === 'local') {
      expect(url).toBeNull();
      return;
    }
    expect(url).toMatch(/X-Amz-Signature=/);
    const ok = await fetch(url as string, { headers: { range: 'bytes=10-19' } });
    expect(ok.status).toBe(206);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(CONTENT.subarray(10, 20));
    const tampered = (url as string).replace('asset_signed', 'asset_signef');
    expect((await fetch(tampered)).status).toBe(403);
    const resigned = new URL(url as string);
    const signature = resigned.searchParams.get('X-Amz-Signature') ?? '';
    resigned.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    expect((await fetch(resigned)).status).toBe(403);
  });
});
