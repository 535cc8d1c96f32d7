import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch, type GuardedFetch } from '../src/net/guarded-fetch.ts';
import { FalStorage } from '../src/providers/fal/fal-storage.ts';
import { KlingInlineImages } from '../src/providers/kling/kling-inline-images.ts';
import type { HandOverFile } from '../src/providers/provider.ts';
import { ReplicateFiles } from '../src/providers/replicate/replicate-files.ts';
import { UpstreamError } from '../src/providers/upstream/upstream-error.ts';

/** One request as the fake upstream received it, body and all. */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Answer = (req: Received) => { status: number; json?: unknown };

/** A loopback upstream that records every request and answers each with `answer`. */
async function fakeUpstream(answer: Answer) {
  const received: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const r = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    received.push(r);
    const { status, json } = answer(r);
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(json === undefined ? '' : JSON.stringify(json));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return { base, received };
}

const servers: Server[] = [];
let dir: string;
let guarded: GuardedFetch;
const signal = () => AbortSignal.timeout(10_000);
const NOW = Date.UTC(2026, 11, 7);

function storedFile(bytes: number, mediaType = 'video/mp4', kind: HandOverFile['kind'] = 'video') {
  const data = randomBytes(bytes);
  const path = join(dir, `f${bytes}-${Math.random()}`);
  writeFileSync(path, data);
  return { data, file: { assetId: 'asset_abc', kind, mediaType, bytes, path } satisfies HandOverFile };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reelay-uploads-'));
  // Uploads go through the guarded fetcher, here allowed onto loopback over http.
  guarded = createGuardedFetch({ allowHttp: true, allowPrivateAddresses: true });
});
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((done) => s.close(done));
});
afterAll(async () => {
  await guarded.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fal storage upload', () => {
  const storage = (base: string, sizes: { multipartBytes?: number; partBytes?: number } = {}) =>
    new FalStorage({
      fetch: guarded,
      now: () => NOW,
      config: { key: 'fal_key', storageUrl: base, timeoutMs: 5000, lifetimeSeconds: 86_400, ...sizes },
    });

  it('initiates, PUTs the bytes to the upload URL, and names the file URL', async () => {
    const { data, file } = storedFile(300_000);
    const fake = await fakeUpstream((r) =>
      r.url.startsWith('/storage/upload/initiate')
        ? {
            status: 200,
            json: {
              upload_url: `${fakeBase}/upload/xyz?sig=1`,
              file_url: 'https://v3.fal.media/files/xyz.mp4',
            },
          }
        : { status: 200 },
    );
    const fakeBase = fake.base;
    const handed = await storage(fake.base).handOver(file, signal());
    expect(handed).toEqual({ url: 'https://v3.fal.media/files/xyz.mp4', expiresAt: NOW + 86_400_000 });
    const [initiate, put] = fake.received;
    expect(initiate?.method).toBe('POST');
    expect(initiate?.url).toBe('/storage/upload/initiate?storage_type=fal-cdn-v3');
    expect(initiate?.headers.authorization).toBe('Key fal_key');
    expect(initiate?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(initiate?.headers['x-fal-object-lifecycle'] as string)).toEqual({
      expiration_duration_seconds: 86_400,
    });
    expect(JSON.parse(initiate?.body.toString() ?? '')).toEqual({
      content_type: 'video/mp4',
      file_name: 'asset_abc.mp4',
    });
    expect(put?.method).toBe('PUT');
    expect(put?.url).toBe('/upload/xyz?sig=1');
    expect(put?.headers['content-type']).toBe('video/mp4');
    expect(put?.headers.authorization).toBeUndefined();
    expect(put?.body.equals(data)).toBe(true);
  });

  it('sends a large file in numbered parts and completes it with their etags', async () => {
    const { data, file } = storedFile(250_000);
    let fakeBase = '';
    const fake = await fakeUpstream((r) => {
      if (r.url.startsWith('/storage/upload/initiate-multipart')) {
        return {
          status: 200,
          json: { upload_url: `${fakeBase}/multi/xyz?sig=1`, file_url: 'https://v3.fal.media/files/big.mp4' },
        };
      }
      const part = /^\/multi\/xyz\/(\d+)\?sig=1$/.exec(r.url);
      if (part) return { status: 200, json: { partNumber: Number(part[1]), etag: `"e${part[1]}"` } };
      return { status: 200, json: {} };
    });
    fakeBase = fake.base;
    const handed = await storage(fake.base, { multipartBytes: 100_000, partBytes: 100_000 }).handOver(
      file,
      signal(),
    );
    expect(handed.url).toBe('https://v3.fal.media/files/big.mp4');
    const urls = fake.received.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual([
      'POST /storage/upload/initiate-multipart?storage_type=fal-cdn-v3',
      'PUT /multi/xyz/1?sig=1',
      'PUT /multi/xyz/2?sig=1',
      'PUT /multi/xyz/3?sig=1',
      'POST /multi/xyz/complete?sig=1',
    ]);
    const parts = fake.received.slice(1, 4).map((r) => r.body);
    expect(parts.map((p) => p.length)).toEqual([100_000, 100_000, 50_000]);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(JSON.parse(fake.received[4]?.body.toString() ?? '')).toEqual({
      parts: [
        { partNumber: 1, etag: '"e1"' },
        { partNumber: 2, etag: '"e2"' },
        { partNumber: 3, etag: '"e3"' },
      ],
    });
  });

  it('fails the upload as an upstream error when the PUT is refused', async () => {
    const { file } = storedFile(1000);
    let fakeBase = '';
    const fake = await fakeUpstream((r) =>
      r.method === 'POST'
        ? { status: 200, json: { upload_url: `${fakeBase}/u`, file_url: 'https://v3.fal.media/files/u' } }
        : { status: 403, json: { detail: 'expired' } },
    );
    fakeBase = fake.base;
    await expect(storage(fake.base).handOver(file, signal())).rejects.toBeInstanceOf(UpstreamError);
  });
});

describe('Replicate Files API', () => {
  it('POSTs the file as the multipart content part and names its urls.get', async () => {
    const { data, file } = storedFile(200_000, 'image/png', 'image');
    const fake = await fakeUpstream(() => ({
      status: 201,
      json: {
        id: 'f_1',
        name: 'asset_abc.png',
        content_type: 'image/png',
        size: 200_000,
        expires_at: '2026-12-08T00:00:00.000Z',
        urls: { get: 'https://api.replicate.com/v1/files/f_1' },
      },
    }));
    const files = new ReplicateFiles({
      fetch: guarded,
      now: () => NOW,
      config: { token: 'r8_token', baseUrl: fake.base, timeoutMs: 5000 },
    });
    const handed = await files.handOver(file, signal());
    expect(handed).toEqual({
      url: 'https://api.replicate.com/v1/files/f_1',
      expiresAt: Date.parse('2026-12-08T00:00:00.000Z'),
    });
    const [post] = fake.received;
    expect(`${post?.method} ${post?.url}`).toBe('POST /v1/files');
    expect(post?.headers.authorization).toBe('Bearer r8_token');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(post?.headers['content-type'] ?? '')?.[1];
    expect(boundary).toBeTruthy();
    expect(Number(post?.headers['content-length'])).toBe(post?.body.length);
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="asset_abc.png"\r\n` +
        'Content-Type: image/png\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    expect(post?.body.subarray(0, head.length).equals(head)).toBe(true);
    expect(post?.body.subarray(post.body.length - tail.length).equals(tail)).toBe(true);
    expect(post?.body.subarray(head.length, post.body.length - tail.length).equals(data)).toBe(true);
  });
});

describe('Kling inline images', () => {
  it('sends JPEG and PNG images up to 10 MB as raw base64, and no videos', async () => {
    const inline = new KlingInlineImages();
    const { data, file } = storedFile(5000, 'image/png', 'image');
    expect(await inline.handOver(file)).toEqual({ url: data.toString('base64'), expiresAt: null });
    expect(inline.accepts({ kind: 'image', mediaType: 'image/jpeg', bytes: 10 * 1024 * 1024 })).toBe(true);
    expect(inline.accepts({ kind: 'image', mediaType: 'image/webp', bytes: 1000 })).toBe(false);
    expect(inline.accepts({ kind: 'image', mediaType: 'image/png', bytes: 10 * 1024 * 1024 + 1 })).toBe(
      false,
    );
    expect(inline.accepts({ kind: 'video', mediaType: 'video/mp4', bytes: 1000 })).toBe(false);
  });
});
