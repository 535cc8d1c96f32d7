import { writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { type Json, models } from '@reelay/catalog';
import Replicate, { validateWebhook } from 'replicate';
import sharp from 'sharp';
import { Webhook } from 'standardwebhooks';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLICATE_ALIASES } from '../../src/compat/replicate/replicate-aliases.ts';
import { findFfprobe } from '../../src/media/ffmpeg-binaries.ts';
import { probeMedia } from '../../src/media/probe.ts';
import { DATABASES, makePng, startGateway, type TestGateway } from '../harness.ts';
import { TEST_TLS } from '../loopback-origin.ts';
import { makeVideo } from '../media-fixtures.ts';
import { startReceiver } from '../webhook-receiver.ts';

/**
 * The official `replicate` client (1.4.0, its latest release, whose engines ask for Node 18 or later), unmodified,
 * against a gateway started here. The gateway is reached over HTTPS
 * (a TLS front on 127.0.0.1 with the test certificate, which the client's `fetch` trusts), because the client wraps
 * only https: outputs as FileOutput downloads, as it does for Replicate's own.
 */

/** A TLS front for a plain HTTP port: every connection is decrypted and piped through. */
async function startTlsFront(target: () => number) {
  const sockets = new Set<Socket>();
  const server = createTlsServer({ cert: TEST_TLS.cert, key: TEST_TLS.key }, (tls) => {
    const plain = connect(target(), '127.0.0.1');
    tls.pipe(plain).pipe(tls);
    const end = () => {
      tls.destroy();
      plain.destroy();
    };
    tls.on('error', end).on('close', end);
    plain.on('error', end).on('close', end);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const ffprobePath = findFfprobe(null, process.env.PATH ?? '');

describe.each(DATABASES)('the replicate client on %s', (kind) => {
  let t: TestGateway;
  let front: Awaited<ReturnType<typeof startTlsFront>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let replicate: Replicate;
  let origin: string;
  const agent = new Agent({ connect: { ca: TEST_TLS.cert } });
  // undici's own fetch with an agent that trusts the test certificate; a form (Node's FormData, which that fetch
  // does not know) is sent as the bytes and boundary Node would send.
  const trustingFetch = (async (url: string | URL, init: RequestInit = {}) => {
    if (!(init.body instanceof FormData)) {
      return undiciFetch(url, { ...(init as object), dispatcher: agent });
    }
    const form = new Response(init.body);
    const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
    headers['content-type'] = form.headers.get('content-type') ?? '';
    const body = new Uint8Array(await form.arrayBuffer());
    return undiciFetch(url, { ...(init as object), headers, body, dispatcher: agent });
  }) as unknown as typeof fetch;

  beforeAll(async () => {
    let gatewayPort = 0;
    front = await startTlsFront(() => gatewayPort);
    origin = `https://127.0.0.1:${front.port}`;
    receiver = await startReceiver();
    t = await startGateway(kind, {
      REELAY_PUBLIC_URL: origin,
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      REELAY_WEBHOOK_BACKOFF_MS: '50',
    });
    gatewayPort = Number(new URL(t.baseUrl).port);
    replicate = new Replicate({ auth: t.key, baseUrl: `${origin}/replicate/v1`, fetch: trustingFetch });
  });
  afterAll(async () => {
    await t?.stop();
    await front?.close();
    await receiver?.close();
    await agent.close();
  });

  it('runs a video model to a real MP4 that replicate.run downloads through its FileOutput', async () => {
    const output = (await replicate.run('reelay/kling-3.0-omni', {
      input: { prompt: 'a lighthouse at dusk', resolution: '720p', duration: 3, aspectRatio: '16:9' },
    })) as unknown as { url(): URL; blob(): Promise<Blob> }[];
    expect(Array.isArray(output)).toBe(true);
    const [file] = output;
    expect(file?.url().origin).toBe(origin);
    const bytes = Buffer.from((await (await file?.blob())?.arrayBuffer()) ?? new ArrayBuffer(0));
    const path = join(t.dataDir, 'replicate-run.mp4');
    await writeFile(path, bytes);
    const probe = await probeMedia(path, { ffprobePath });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    expect(probe.durationSeconds).toBeCloseTo(3, 0);
  });

  it('creates a prediction of an alias, waits for it and downloads a real image', async () => {
    const created = await replicate.predictions.create({
      model: 'google/nano-banana-2',
      input: { prompt: 'a red square', aspect_ratio: '1:1', resolution: '1K', output_format: 'png' },
    });
    expect(created).toMatchObject({ model: 'google/nano-banana-2', status: 'starting', output: null });
    expect(created.urls.get).toBe(`${origin}/replicate/v1/predictions/${created.id}`);
    const done = await replicate.wait(created, { interval: 100 });
    expect(done.status).toBe('succeeded');
    expect(done.input).toEqual({
      prompt: 'a red square',
      aspect_ratio: '1:1',
      resolution: '1K',
      output_format: 'png',
    });
    expect(done.metrics?.predict_time).toBeGreaterThan(0);
    const response = await trustingFetch(done.output as string);
    expect(response.status).toBe(200);
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(meta.height);

    // The same generation, in Reelay's own API: its Reelay input, charged once.
    const g = await t.api('GET', `/api/v1/generations/${created.id}`);
    expect(g.json).toMatchObject({
      model: 'nano-banana-2',
      status: 'succeeded',
      input: { prompt: 'a red square', aspectRatio: '1:1', imageSize: '1K' },
    });
    expect(g.json.chargedTokens).toBe(g.json.quote.tokens);
    const ledger = await t.api('GET', '/api/v1/ledger?limit=100');
    const entries = ledger.json.data.filter((e: { generationId?: string }) => e.generationId === created.id);
    expect(entries.map((e: { kind: string }) => e.kind).sort()).toEqual(['capture', 'hold']);
  });

  it('waits with Prefer: wait and answers the finished prediction', async () => {
    const done = await replicate.predictions.create({
      model: 'bytedance/seedream-4.5',
      input: { prompt: 'a blue circle', size: '2K', aspect_ratio: '4:3' },
      wait: 30,
    });
    expect(done.status).toBe('succeeded');
    expect(Array.isArray(done.output)).toBe(true);
    expect((done.output as string[])[0]).toMatch(new RegExp(`^${origin}/files/asset_`));
  });

  it('lists predictions newest first, cancels one and answers a finished one as it is', async () => {
    const started = await replicate.predictions.create({
      model: 'reelay/kling-3.0-omni',
      input: { prompt: 'to be canceled', duration: 15, resolution: '1080p' },
    });
    const canceled = await replicate.predictions.cancel(started.id);
    expect(['canceled', 'succeeded']).toContain(canceled.status);
    const page = await replicate.predictions.list();
    expect(page.results[0]?.id).toBe(started.id);
    expect(page.results[0]?.status).toBe(canceled.status);
    expect(page.next).toBeNull();
    const again = await replicate.predictions.cancel(started.id);
    expect(again.status).toBe(canceled.status);
  });

  it('stores files as assets and takes them as inputs, by urls.get or as a Blob the client uploads', async () => {
    const png = await makePng(640, 480, [10, 200, 10]);
    const file = await replicate.files.create(new Blob([new Uint8Array(png)], { type: 'image/png' }), {
      purpose: 'test',
    });
    expect(file).toMatchObject({
      content_type: 'image/png',
      size: png.length,
      metadata: { purpose: 'test' },
    });
    expect(file.urls.get).toBe(`${origin}/replicate/v1/files/${file.id}`);
    const asset = await t.api('GET', `/api/v1/assets/${file.id}`);
    expect(asset.json).toMatchObject({ kind: 'image', width: 640, height: 480 });

    const byUrl = await replicate.predictions.create({
      model: 'google/nano-banana-2',
      input: { prompt: 'edit this', image_input: [file.urls.get] },
    });
    const g = await t.api('GET', `/api/v1/generations/${byUrl.id}`);
    expect(g.json.input.referenceAssetUris).toEqual([`asset://${file.id}`]);
    expect((byUrl.input as { image_input: string[] }).image_input).toEqual([file.urls.get]);

    const byBlob = await replicate.predictions.create({
      model: 'google/nano-banana-2',
      input: {
        prompt: 'edit this too',
        image_input: [new Blob([new Uint8Array(png)], { type: 'image/png' })],
      },
    });
    const h = await t.api('GET', `/api/v1/generations/${byBlob.id}`);
    expect(h.json.input.referenceAssetUris[0]).toMatch(/^asset:\/\/asset_/);
    await replicate.wait(byBlob, { interval: 100 });
    expect(await replicate.files.get(file.id)).toMatchObject({ id: file.id, metadata: { purpose: 'test' } });
    const unused = await replicate.files.create(new Blob([new Uint8Array(png)], { type: 'image/png' }));
    expect(await replicate.files.delete(unused.id)).toBe(true);
    expect((await t.api('GET', `/api/v1/assets/${unused.id}`)).status).toBe(404);
  });

  it("maps every field of Kling's Replicate alias to the Reelay input, with Replicate's defaults", async () => {
    const image = await replicate.files.create(
      new Blob([new Uint8Array(await makePng(640, 480, [200, 0, 0]))]),
    );
    const first = await replicate.predictions.create({
      model: 'kwaivgi/kling-v3-omni-video',
      input: {
        prompt: 'a fox runs',
        start_image: image.urls.get,
        video_reference_type: 'feature',
        keep_original_sound: false,
        generate_audio: true,
        mode: 'standard',
        aspect_ratio: '1:1',
        duration: 4,
      },
    });
    const g = await t.api('GET', `/api/v1/generations/${first.id}`);
    expect(g.json.input).toMatchObject({
      prompt: 'a fox runs',
      referenceAssetUris: [`asset://${image.id}`],
      audioEnabled: true,
      resolution: '720p',
      aspectRatio: '1:1',
      duration: 4,
    });
    const defaults = await replicate.predictions.create({
      model: 'kwaivgi/kling-v3-omni-video',
      input: { prompt: 'defaults', reference_images: [image.urls.get, image.urls.get] },
    });
    const d = await t.api('GET', `/api/v1/generations/${defaults.id}`);
    expect(d.json.input).toMatchObject({
      referenceAssetUris: [`asset://${image.id}`, `asset://${image.id}`],
      audioEnabled: false,
      resolution: '1080p',
      aspectRatio: '16:9',
      duration: 5,
    });
    await replicate.predictions.cancel(first.id);
    await replicate.predictions.cancel(defaults.id);
  });

  it("surfaces a bad field as the client's ApiError naming it, in Replicate's 422", async () => {
    const error = await replicate.predictions
      .create({
        model: 'kwaivgi/kling-v3-omni-video',
        input: { prompt: 'too long', duration: 99, multi_prompt: '[]', mode: 'ultra' },
      })
      .then(
        () => null,
        (e: unknown) => e as Error & { response: Response },
      );
    expect(error?.name).toBe('ApiError');
    expect(error?.response.status).toBe(422);
    expect(error?.message).toContain('input.multi_prompt');
    expect(error?.message).toContain('input.mode');
    const body = JSON.parse(
      error?.message.slice(error.message.indexOf('{'), error.message.lastIndexOf('}') + 1) ?? '',
    );
    expect(body).toMatchObject({ title: 'Input validation failed', status: 422 });
    expect(body.invalid_fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'input.mode',
      'input.multi_prompt',
    ]);

    // A value the catalog refuses is named by the alias field that gave it.
    const range = await replicate.predictions
      .create({ model: 'kwaivgi/kling-v3-omni-video', input: { prompt: 'x', duration: 99 } })
      .catch((e: Error) => e);
    expect((range as Error).message).toContain('"field":"input.duration"');

    const missing = await replicate.predictions
      .create({ model: 'nobody/nothing', input: { prompt: 'x' } })
      .catch((e: Error & { response: Response }) => e);
    expect((missing as Error & { response: Response }).response.status).toBe(404);
  });

  it('sends webhooks as Replicate does: the prediction, signed with the account secret, filtered', async () => {
    const { key } = await replicate.webhooks.default.secret.get();
    expect(key).toMatch(/^whsec_/);
    const all = await replicate.predictions.create({
      model: 'reelay/kling-3.0-omni',
      input: { prompt: 'hooked', duration: 3 },
      webhook: receiver.url,
      webhook_events_filter: ['start', 'completed'],
    });
    const onlyEnd = await replicate.predictions.create({
      model: 'reelay/kling-3.0-omni',
      input: { prompt: 'hooked at the end', duration: 3 },
      webhook: receiver.url,
      webhook_events_filter: ['completed'],
    });
    const bodies = (id: string) =>
      receiver.received.filter((r) => JSON.parse(r.body).id === id).map((r) => JSON.parse(r.body));
    await eventually('both final webhooks', async () =>
      [all.id, onlyEnd.id].every((id) => bodies(id).some((b) => b.status === 'succeeded')),
    );
    await replicate.wait(all, { interval: 100 });
    expect(bodies(all.id).map((b) => b.status)).toEqual(['processing', 'succeeded']);
    expect(bodies(onlyEnd.id).map((b) => b.status)).toEqual(['succeeded']);
    const verifier = new Webhook(key);
    for (const r of receiver.received) {
      const verified = verifier.verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }) as { urls: { get: string } };
      expect(verified.urls.get).toMatch(`${origin}/replicate/v1/predictions/`);
    }
    const last = bodies(all.id).at(-1);
    expect(last.output[0]).toMatch(new RegExp(`^${origin}/files/asset_`));
    // The client's own check agrees.
    const first = receiver.received[0];
    expect(
      await validateWebhook({
        id: String(first?.headers['webhook-id']),
        timestamp: String(first?.headers['webhook-timestamp']),
        signature: String(first?.headers['webhook-signature']),
        body: first?.body ?? '',
        secret: key,
      }),
    ).toBe(true);
  });

  it('honours Idempotency-Key: the same request twice is one prediction and one hold', async () => {
    const send = () =>
      fetch(`${t.baseUrl}/replicate/v1/models/reelay/kling-3.0-omni/predictions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.key}`,
          'content-type': 'application/json',
          'idempotency-key': `replicate-once-${kind}`,
        },
        body: JSON.stringify({ input: { prompt: 'only once', duration: 3 } }),
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    const [a, b] = [await first.json(), await again.json()];
    expect(b.id).toBe(a.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await replicate.wait(a, { interval: 100 });
    const ledger = await t.api('GET', '/api/v1/ledger?limit=200');
    const holds = ledger.json.data.filter(
      (e: { generationId?: string; kind: string }) => e.generationId === a.id && e.kind === 'hold',
    );
    expect(holds).toHaveLength(1);
  });

  it('takes the Token scheme, answers errors in its shape and serves the model with its schema', async () => {
    const asToken = await fetch(`${t.baseUrl}/replicate/v1/predictions`, {
      headers: { authorization: `Token ${t.key}` },
    });
    expect(asToken.status).toBe(200);
    const refused = await fetch(`${t.baseUrl}/replicate/v1/predictions`, {
      headers: { authorization: 'Token rl_live_notakey0000000000000000' },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ title: 'Unauthenticated', status: 401 });
    const onOwnApi = await fetch(`${t.baseUrl}/api/v1/account`, {
      headers: { authorization: `Token ${t.key}` },
    });
    expect(onOwnApi.status).toBe(401);

    const model = await replicate.models.get('kwaivgi', 'kling-v3-omni-video');
    const schema = model.latest_version?.openapi_schema as {
      components: { schemas: { Input: { properties: Record<string, { default?: unknown }> } } };
    };
    expect(Object.keys(schema.components.schemas.Input.properties)).toContain('reference_video');
    expect(schema.components.schemas.Input.properties.mode?.default).toBe('pro');
    const own = await replicate.models.get('reelay', 'kling-3.0-omni');
    expect(own.latest_version?.id).toMatch(/^[0-9a-f]{64}$/);
    const ownSchema = own.latest_version?.openapi_schema as {
      components: { schemas: { Input: { properties: Record<string, unknown> } } };
    };
    expect(Object.keys(ownSchema.components.schemas.Input.properties)).toContain('audioEnabled');

    // A pinned version runs the same model.
    const pinned = await replicate.run(`reelay/kling-3.0-omni:${own.latest_version?.id}`, {
      input: { prompt: 'pinned', duration: 3 },
    });
    expect(Array.isArray(pinned)).toBe(true);
  });

  it('walks every catalog model as reelay/<id>, and every alias, through the client', async () => {
    const image = await replicate.files.create(
      new Blob([new Uint8Array(await makePng(640, 480, [30, 120, 200]))], { type: 'image/png' }),
    );
    const clip = await makeVideo({ width: 640, height: 360, fps: 24, seconds: 3, silent: true });
    const video = await replicate.files.create(new Blob([new Uint8Array(clip)], { type: 'video/mp4' }));
    const urls: Record<string, string> = { image: image.urls.get, video: video.urls.get };
    const walked: [string, string][] = [];
    for (const m of models) {
      const input: Record<string, Json> = { ...m.exampleInput };
      for (const f of m.fields) {
        if (f.kind !== 'media' || input[f.name] === undefined) continue;
        const url = urls[f.media] ?? '';
        input[f.name] = Array.isArray(input[f.name]) ? [url] : url;
      }
      walked.push([`reelay/${m.id}`, m.id]);
      await createAndCancel(`reelay/${m.id}`, input, m.id);
    }
    for (const alias of REPLICATE_ALIASES) {
      walked.push([alias.name, alias.model]);
      await createAndCancel(alias.name, { prompt: 'walked through' }, alias.model);
    }
    expect(walked.length).toBe(models.length + REPLICATE_ALIASES.length);

    async function createAndCancel(name: string, input: Record<string, Json>, model: string) {
      const created = await replicate.predictions.create({ model: name, input });
      expect(created.model, name).toBe(name);
      const own = await t.api('GET', `/api/v1/generations/${created.id}`);
      expect(own.json.model, name).toBe(model);
      const canceled = await replicate.predictions.cancel(created.id);
      expect(['canceled', 'succeeded'], name).toContain(canceled.status);
    }
  });
});
