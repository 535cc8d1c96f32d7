import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfprobe } from '../../server/src/media/ffmpeg-binaries.ts';
import { makePng, startGateway, type TestGateway } from '../../server/test/harness.ts';
import {
  AuthenticationError,
  ConflictError,
  createClient,
  InsufficientTokensError,
  NotFoundError,
  RateLimitError,
  type ReelayClient,
  ValidationError,
  type WaitProgress,
} from '../src/node.ts';

const run = promisify(execFile);
const ADMIN = 'client-admin-key-0123456789abcdef';

async function ffprobe(path: string) {
  const bin = findFfprobe(null, process.env.PATH ?? '');
  const { stdout } = await run(bin, [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    path,
  ]);
  return JSON.parse(stdout) as {
    format: { duration: string; format_name: string };
    streams: { codec_type: string; width?: number; height?: number }[];
  };
}

describe('@reelay/client against the gateway', () => {
  let t: TestGateway;
  let client: ReelayClient;
  let dir: string;
  const admin = (method: string, path: string, body?: unknown) =>
    t.api(method, path, body, { authorization: `Bearer ${ADMIN}` });

  /** A fresh account with a live key holding `tokens` tokens and the given limits. */
  async function account(tokens: number, limits: Record<string, number> = {}) {
    const acct = (await admin('POST', '/api/v1/admin/accounts', { name: 'sdk', ...limits })).json;
    const key = (await admin('POST', `/api/v1/admin/accounts/${acct.id}/keys`, { mode: 'test' })).json.key;
    if (tokens > 0) await admin('POST', `/api/v1/admin/accounts/${acct.id}/grants`, { mode: 'test', tokens });
    return { id: acct.id as string, key: key as string };
  }

  beforeAll(async () => {
    t = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN });
    client = createClient({ baseUrl: t.baseUrl, apiKey: t.key });
    dir = await mkdtemp(join(tmpdir(), 'reelay-client-'));
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('uploads an image, creates a video, waits for it and downloads a real MP4', async () => {
    const png = await makePng(400, 300, [200, 40, 40]);
    const seen: { loaded: number; total: number | null }[] = [];
    const file = join(dir, 'ref.png');
    await writeFile(file, png);
    const asset = await client.assets.upload({ path: file }, { onProgress: (p) => seen.push(p) });
    expect(asset).toMatchObject({ kind: 'image', mediaType: 'image/png', bytes: png.length, width: 400 });
    expect(seen.at(-1)).toEqual({ loaded: png.length, total: png.length });

    const created = await client.generations.create({
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'a red square', duration: 3, referenceAssetUris: [asset.uri as `asset://${string}`] },
    });
    expect(created.status).toBe('queued');
    const progress: WaitProgress[] = [];
    const done = await client.generations.wait(created.id, { onProgress: (p) => progress.push(p) });
    expect(done.status).toBe('succeeded');
    expect(progress.at(-1)?.status).toBe('succeeded');
    const hasEvents = t.gateway.http.hasRoute({ method: 'GET', url: '/api/v1/generations/:id/events' });
    expect(progress.every((p) => p.via === (hasEvents ? 'events' : 'polling'))).toBe(true);

    const output = done.outputs[0];
    if (!output) throw new Error('no output');
    const out = join(dir, 'result.mp4');
    await client.assets.downloadTo(output.uri, out);
    const probe = await ffprobe(out);
    expect(probe.format.format_name).toContain('mp4');
    expect(Number(probe.format.duration)).toBeCloseTo(3, 0);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 720, height: 1280 });
  });

  it('deletes a finished generation’s media, and refuses another account’s id', async () => {
    const created = await client.generations.create({
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a red square' },
    });
    await expect(client.generations.wait(created.id)).resolves.toMatchObject({ status: 'succeeded' });
    const other = createClient({ baseUrl: t.baseUrl, apiKey: (await account(10)).key });
    await expect(other.generations.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
    const deleted = await client.generations.delete(created.id);
    expect(deleted.mediaDeletedAt).not.toBeNull();
    expect(deleted.outputs.map((o) => o.status)).toEqual(['deleted']);
    const asset = await client.assets.get(deleted.outputs[0]?.uri ?? '');
    expect(asset).toMatchObject({ status: 'deleted', deletedAt: deleted.mediaDeletedAt });
  });

  it('falls back to polling when the gateway has no event stream', async () => {
    const noEvents: typeof fetch = async (input, init) =>
      String(input).endsWith('/events')
        ? new Response(JSON.stringify({ error: { code: 'not_found', message: 'No route' } }), { status: 404 })
        : fetch(input, init);
    const polling = createClient({ baseUrl: t.baseUrl, apiKey: t.key, fetch: noEvents });
    const g = await polling.generations.create({
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'x' },
    });
    const progress: WaitProgress[] = [];
    const done = await polling.generations.wait(g.id, {
      pollIntervalMs: 50,
      onProgress: (p) => progress.push(p),
    });
    expect(done.status).toBe('succeeded');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.via === 'polling')).toBe(true);
  });

  it('resumes a broken event stream with Last-Event-ID, then polls when it keeps breaking', async () => {
    const lastIds: (string | null)[] = [];
    const breaking: typeof fetch = async (input, init) => {
      if (!String(input).endsWith('/events')) return fetch(input, init);
      lastIds.push(new Headers(init?.headers).get('last-event-id'));
      // One progress event, then the connection ends without the final state.
      const body =
        'retry: 1000\n\nid: 7\nevent: generation.running\ndata: {"status":"running","progress":0.5}\n\n';
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    };
    const c = createClient({ baseUrl: t.baseUrl, apiKey: t.key, fetch: breaking });
    const g = await c.generations.create({ type: 'video', model: 'kling-3.0-omni', input: { prompt: 'x' } });
    const progress: WaitProgress[] = [];
    const done = await c.generations.wait(g.id, { pollIntervalMs: 50, onProgress: (p) => progress.push(p) });
    expect(done.status).toBe('succeeded');
    expect(lastIds).toEqual([null, '7', '7']);
    expect(progress[0]).toEqual({ status: 'running', progress: 0.5, via: 'events' });
    expect(progress.at(-1)).toMatchObject({ status: 'succeeded', via: 'polling' });
  });

  it('types the API errors: validation details, not found, bad key, too few tokens', async () => {
    const model: string = 'kling-3.0-omni';
    const error = await client.generations
      .create({ type: 'video', model, input: { prompt: 'x', duration: 99, colour: 'red' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.status).toBe(422);
    expect(v.details.map((d) => d.param).sort()).toEqual(['input.colour', 'input.duration']);
    expect(v.param).toBe(v.details[0]?.param);
    expect(v.requestId).toMatch(/^req_/);

    await expect(client.generations.get('gen_doesnotexist')).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createClient({ baseUrl: t.baseUrl, apiKey: 'rl_test_wrongwrongwrongwrong' }).account.get(),
    ).rejects.toBeInstanceOf(AuthenticationError);
    const poor = await account(0);
    const broke = createClient({ baseUrl: t.baseUrl, apiKey: poor.key });
    const e402 = await broke.generations
      .create({ type: 'video', model: 'kling-3.0-omni', input: { prompt: 'x' } })
      .catch((e: unknown) => e);
    expect(e402).toBeInstanceOf(InsufficientTokensError);
    expect((e402 as InsufficientTokensError).code).toBe('insufficient_tokens');
  });

  it('retries a 429 after the Retry-After it was given, with the same Idempotency-Key', async () => {
    const acct = await account(1000, { maxConcurrentGenerations: 1 });
    const request = { type: 'video', model: 'kling-3.0-omni', input: { prompt: 'one at a time' } } as const;
    const first = await createClient({ baseUrl: t.baseUrl, apiKey: acct.key }).generations.create(request);
    const slept: number[] = [];
    const keys: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      keys.push(new Headers(init?.headers).get('idempotency-key') ?? '');
      return fetch(input, init);
    };
    const patient = createClient({
      baseUrl: t.baseUrl,
      apiKey: acct.key,
      fetch: recording,
      // The fake clock: instead of waiting, the first generation is canceled, as if it had finished meanwhile.
      sleep: async (ms) => {
        slept.push(ms);
        await t.api('POST', `/api/v1/generations/${first.id}/cancel`, undefined, {
          authorization: `Bearer ${acct.key}`,
        });
      },
    });
    const second = await patient.generations.create(request);
    expect(second.status).toBe('queued');
    expect(slept).toEqual([5000]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);

    const impatient = createClient({ baseUrl: t.baseUrl, apiKey: acct.key, maxRetries: 0 });
    const limited = await impatient.generations.create(request).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBe(5);
  });

  it('backs off on 5xx for idempotent calls, and never retries a 4xx', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      return calls === 1 ? new Response('upstream hiccup', { status: 503 }) : fetch(input, init);
    };
    const slept: number[] = [];
    const c = createClient({
      baseUrl: t.baseUrl,
      apiKey: t.key,
      fetch: flaky,
      random: () => 0.5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect((await c.models.list()).length).toBeGreaterThan(0);
    expect(slept).toEqual([375]);
    await expect(c.generations.get('gen_missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(slept).toEqual([375]);
  });

  it('waits out a 409 for a request still being processed under the same Idempotency-Key, and no other 409', async () => {
    const seen: string[] = [];
    let answered = 0;
    // The first answer is the gateway's own for a duplicate that arrives while the first request runs.
    const stillRunning: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers).get('idempotency-key') ?? '');
      if (answered++ > 0) return fetch(input, init);
      return Response.json(
        { error: { code: 'conflict', message: 'still being processed', param: 'Idempotency-Key' } },
        { status: 409, headers: { 'retry-after': '2' } },
      );
    };
    const slept: number[] = [];
    const c = createClient({
      baseUrl: t.baseUrl,
      apiKey: t.key,
      fetch: stillRunning,
      maxRetries: 0,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    const g = await c.generations.create({
      type: 'image',
      model: 'nano-banana-2',
      input: { prompt: 'a kite' },
    });
    expect(g.id).toMatch(/^gen_/);
    expect(slept).toEqual([2000]);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);

    // The same key with another request is a conflict that waiting cannot end: thrown at once.
    const key = `reuse-${Date.now()}`;
    await c.generations.create(
      { type: 'image', model: 'nano-banana-2', input: { prompt: 'first' } },
      { idempotencyKey: key },
    );
    slept.length = 0;
    const reused = await c.generations
      .create({ type: 'image', model: 'nano-banana-2', input: { prompt: 'second' } }, { idempotencyKey: key })
      .catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(ConflictError);
    expect((reused as ConflictError).code).toBe('idempotency_conflict');
    expect(slept).toEqual([]);

    // A gateway that keeps answering "still processing" is given up on after maxRetryAfterMs in all.
    const stuck = createClient({
      baseUrl: t.baseUrl,
      apiKey: t.key,
      maxRetryAfterMs: 5000,
      fetch: async () =>
        Response.json(
          { error: { code: 'conflict', message: 'still' } },
          { status: 409, headers: { 'retry-after': '2' } },
        ),
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    await expect(
      stuck.generations.create({ type: 'image', model: 'nano-banana-2', input: { prompt: 'a kite' } }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(slept).toEqual([2000, 2000]);
  });

  it('lists generations page by page and item by item', async () => {
    const acct = await account(1000);
    const c = createClient({ baseUrl: t.baseUrl, apiKey: acct.key });
    const ids: string[] = [];
    for (const prompt of ['a', 'b', 'c']) {
      ids.push(
        (await c.generations.create({ type: 'video', model: 'kling-3.0-omni', input: { prompt } })).id,
      );
    }
    const pages = [];
    for await (const page of c.generations.list({ limit: 2 }).pages()) pages.push(page.data.length);
    expect(pages).toEqual([2, 1]);
    const all = [];
    for await (const g of c.generations.list({ limit: 2 })) all.push(g.id);
    expect(all).toEqual([...ids].reverse());
  });

  it('uploads bytes, a Blob, a web stream and a Node stream alike', async () => {
    const png = await makePng(64, 48, [10, 200, 10]);
    const sources = [
      new Uint8Array(png),
      new Blob([new Uint8Array(png)], { type: 'image/png' }),
      new Blob([new Uint8Array(png)]).stream(),
      Readable.from([png.subarray(0, 100), png.subarray(100)]),
    ];
    const hashes = new Set<string>();
    for (const source of sources) {
      const asset = await client.assets.upload(source, { contentType: 'image/png' });
      expect(asset).toMatchObject({ kind: 'image', width: 64, height: 48, bytes: png.length });
      hashes.add(asset.sha256);
    }
    expect(hashes.size).toBe(1);
  });

  it('reads the catalog and quotes', async () => {
    const model = await client.models.get('kling-3.0-omni');
    expect(model.fields.map((f) => f.name)).toContain('prompt');
    const quote = await client.quotes.create({
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'x', duration: 4, audioEnabled: false },
    });
    expect(quote).toMatchObject({ variant: '720p', seconds: 4, tokens: 25.6 });
  });
});
