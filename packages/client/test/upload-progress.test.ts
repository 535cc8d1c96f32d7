import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type TransferProgress } from '../src/index.ts';

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
