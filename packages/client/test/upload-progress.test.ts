import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type TransferProgress } from '../src/index.ts';
import { createClient as createNodeClient } from '../src/node.ts';

/**
 * A browser whose fetch cannot send a stream as a request body (most, over HTTP/1.1). Each test file gets its own
 * modules, so the SDK's one-time probe of the runtime sees this Request.
 */
class NoStreamRequest {
  readonly headers = new Headers();
  constructor(_url: string, init: RequestInit) {
    if (init.body instanceof ReadableStream)
      throw new TypeError('streaming request bodies are not supported');
  }
}

describe('assets.upload where fetch cannot stream a request body', () => {
  beforeAll(() => {
    vi.stubGlobal('Request', NoStreamRequest);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });

  it('sends the Blob whole and reports its progress once, at the end', async () => {
    const sent: unknown[] = [];
    // Stands in for the gateway: reads the body it is given and answers as POST /api/v1/assets does.
    const gateway: typeof fetch = async (_input, init) => {
      sent.push(init?.body);
      const bytes = (await new Response(init?.body).arrayBuffer()).byteLength;
      return Response.json({ id: 'asset_x', uri: 'asset://asset_x', bytes }, { status: 201 });
    };
    const client = createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'rl_test_x', fetch: gateway });
    const blob = new Blob([new Uint8Array(3000)], { type: 'image/png' });
    const seen: TransferProgress[] = [];
    const asset = await client.assets.upload(blob, { onProgress: (p) => seen.push(p) });
    expect(asset.bytes).toBe(3000);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(Blob);
    expect(seen).toEqual([{ loaded: 3000, total: 3000 }]);
  });
});

describe('assets.upload from a path', () => {
  it('sends the file as a stream read piece by piece, never as one buffer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelay-upload-'));
    try {
      const file = join(dir, 'clip.mp4');
      await writeFile(file, new Uint8Array(1024 * 1024).fill(7));
      const chunks: number[] = [];
      const gateway: typeof fetch = async (_input, init) => {
        expect(init?.body).toBeInstanceOf(ReadableStream);
        expect(new Headers(init?.headers).get('content-type')).toBe('video/mp4');
        const body = init?.body as ReadableStream<Uint8Array>;
        for await (const chunk of body) chunks.push(chunk.byteLength);
        const bytes = chunks.reduce((a, b) => a + b, 0);
        return Response.json({ id: 'asset_x', uri: 'asset://asset_x', bytes }, { status: 201 });
      };
      const client = createNodeClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'rl_test_x', fetch: gateway });
      const seen: TransferProgress[] = [];
      const asset = await client.assets.upload({ path: file }, { onProgress: (p) => seen.push(p) });
      expect(asset.bytes).toBe(1024 * 1024);
      // Node reads files in 64 KB pieces: sixteen of them, each reported as it goes.
      expect(chunks.length).toBeGreaterThanOrEqual(16);
      expect(Math.max(...chunks)).toBeLessThanOrEqual(64 * 1024);
      expect(seen.length).toBe(chunks.length + 1);
      expect(seen.at(-1)).toEqual({ loaded: 1024 * 1024, total: 1024 * 1024 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
