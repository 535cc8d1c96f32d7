import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Json, models } from '@reelay/catalog';
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfprobe } from '../../src/media/ffmpeg-binaries.ts';
import { probeMedia } from '../../src/media/probe.ts';
import { DATABASES, makePng, startGateway, type TestGateway, upload } from '../harness.ts';
import { makeVideo } from '../media-fixtures.ts';
import { startReceiver } from '../webhook-receiver.ts';

const VIDEO_MODEL = 'kling-3.0-omni';
const IMAGE_MODEL = 'nano-banana-2';

/** Polls a video through the client until it is completed or failed. */
async function finished(client: OpenAI, id: string, timeoutMs = 100_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const video = await client.videos.retrieve(id);
    if (video.status === 'completed' || video.status === 'failed') return video;
    if (Date.now() > deadline) throw new Error(`video ${id} still ${video.status}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The error a client call throws. */
async function thrown(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe.each(DATABASES)('the openai client against the /v1 shape on %s', (kind) => {
  let t: TestGateway;
  let client: OpenAI;
  let firstId: string;

  beforeAll(async () => {
    // Webhooks go to a receiver on this machine.
    t = await startGateway(kind, { REELAY_FETCH_ALLOW_HTTP: 'on', REELAY_FETCH_ALLOW_PRIVATE: 'on' });
    client = new OpenAI({ baseURL: `${t.baseUrl}/v1`, apiKey: t.key, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('creates a video, follows it to completed and downloads a real MP4 and its thumbnail', async () => {
    const before = (await t.api('GET', '/api/v1/account')).json.tokens;
    const created = await client.videos.create({
      model: VIDEO_MODEL,
      prompt: 'a lighthouse at dusk, slow pan',
      size: '720x1280',
      seconds: '3' as '4',
    });
    expect(created).toMatchObject({ object: 'video', model: VIDEO_MODEL, seconds: '3', size: '720x1280' });
    expect(['queued', 'in_progress']).toContain(created.status);
    expect(created.id).toMatch(/^gen_/);
    firstId = created.id;

    const done = await finished(client, created.id);
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null, size: '720x1280' });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);
    expect(done.prompt).toBe('a lighthouse at dusk, slow pan');
    expect(done.remixed_from_video_id).toBeNull();

    const content = await client.videos.downloadContent(created.id);
    expect(content.headers.get('content-type')).toBe('video/mp4');
    const path = join(t.dataDir, `openai-${created.id}.mp4`);
    await writeFile(path, Buffer.from(await content.arrayBuffer()));
    const probe = await probeMedia(path, { ffprobePath: findFfprobe(null, process.env.PATH ?? '') });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 720, height: 1280 });
    expect(probe.durationSeconds).toBeCloseTo(3, 0);

    const thumbnail = await client.videos.downloadContent(created.id, { variant: 'thumbnail' });
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const facts = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(facts.format).toBe('jpeg');
    // Twelve frames of 160 × 284 (720 × 1280 scaled), four across and three down.
    const sprites = await client.videos.downloadContent(created.id, { variant: 'spritesheet' });
    expect(sprites.headers.get('content-type')).toBe('image/jpeg');
    const sheet = await sharp(Buffer.from(await sprites.arrayBuffer())).metadata();
    expect(sheet).toMatchObject({ format: 'jpeg', width: 4 * 160, height: 3 * 284 });

    // The same generation in Reelay's own API, held once and charged once.
    const own = await t.api('GET', `/api/v1/generations/${created.id}`);
    expect(own.json).toMatchObject({
      type: 'video',
      model: VIDEO_MODEL,
      status: 'succeeded',
      input: { aspectRatio: '9:16', resolution: '720p', duration: 3 },
    });
    const ledger = await t.api('GET', '/api/v1/ledger?limit=200');
    const entries = ledger.json.data.filter((e: { generationId: string }) => e.generationId === created.id);
    expect(entries.map((e: { kind: string }) => e.kind).sort()).toEqual(['capture', 'hold']);
    const after = (await t.api('GET', '/api/v1/account')).json.tokens;
    expect(before.balance - after.balance).toBeCloseTo(own.json.chargedTokens, 6);
    expect(after.held).toBe(before.held);
  }, 240_000);

  it('takes input_reference as a file and the model’s own fields beside the OpenAI ones', async () => {
    const png = await makePng(720, 1280, [200, 60, 30]);
    const created = await client.videos.create({
      model: VIDEO_MODEL,
      prompt: 'the red card flies away',
      size: '1280x720',
      seconds: '5' as '4',
      input_reference: await toFile(png, 'frame.png', { type: 'image/png' }),
      // Extra body fields reach the model's input (the client passes them through).
      audioEnabled: false,
    } as OpenAI.VideoCreateParams);
    expect(created).toMatchObject({ size: '1280x720', seconds: '5' });
    const own = await t.api('GET', `/api/v1/generations/${created.id}`);
    expect(own.json.input).toMatchObject({ aspectRatio: '16:9', duration: 5, audioEnabled: false });
    expect(own.json.input.referenceAssetUris).toEqual([expect.stringMatching(/^asset:\/\/asset_/)]);
    expect((await finished(client, created.id)).status).toBe('completed');

    // {image_url} (sent by the client as form fields input_reference[image_url]).
    const viaUrl = await client.videos.create({
      model: VIDEO_MODEL,
      prompt: 'from a link',
      input_reference: { image_url: `data:image/png;base64,${png.toString('base64')}` },
    });
    const ownUrl = await t.api('GET', `/api/v1/generations/${viaUrl.id}`);
    expect(ownUrl.json.input.referenceAssetUris).toEqual([expect.stringMatching(/^asset:\/\/asset_/)]);

    // JSON as curl sends it, twice with one Idempotency-Key: one generation, the same answer.
    const body = { model: VIDEO_MODEL, prompt: 'sent as JSON', seconds: '3' };
    const first = await t.api('POST', '/v1/videos', body, { 'idempotency-key': 'openai-json-1' });
    const again = await t.api('POST', '/v1/videos', body, { 'idempotency-key': 'openai-json-1' });
    expect(first.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await finished(client, viaUrl.id)).status).toBe('completed');
    expect((await finished(client, first.json.id)).status).toBe('completed');
  }, 240_000);

  it('refuses what the model cannot make as the client’s BadRequestError naming the parameter', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ seconds: '99' }, 'seconds'],
      [{ size: '1000x1000x' }, 'size'],
      [{ size: '1024x1536' }, 'size'],
      [{ colour: 'red' }, 'colour'],
      [{ audioEnabled: 'loud' }, 'audioEnabled'],
      [{ model: 'no-such-model' }, 'model'],
      [{ model: IMAGE_MODEL }, 'model'],
      [{ webhook_url: 'ftp://127.0.0.1/hook' }, 'webhook_url'],
      [{ webhook_url: 7 }, 'webhook_url'],
      [{ webhookUrl: 'http://127.0.0.1/hook' }, 'webhookUrl'],
    ];
    for (const [extra, param] of cases) {
      const error = await thrown(
        client.videos.create({ model: VIDEO_MODEL, prompt: 'x', ...extra } as OpenAI.VideoCreateParams),
      );
      expect(error, JSON.stringify(extra)).toBeInstanceOf(OpenAI.BadRequestError);
      const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
      expect(bad.status).toBe(400);
      expect(bad.param, JSON.stringify(extra)).toBe(param);
      expect(bad.type).toBe('invalid_request_error');
    }
    const noKey = new OpenAI({ baseURL: `${t.baseUrl}/v1`, apiKey: 'rl_test_nope', maxRetries: 0 });
    expect(await thrown(noKey.videos.list())).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await thrown(client.videos.retrieve('gen_missing'))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('sends video.completed and video.failed to a webhook_url as OpenAI events, signed per Standard Webhooks', async () => {
    const receiver = await startReceiver('/openai-hooks');
    const { url, received } = receiver;
    try {
      const ok = await client.videos.create({
        model: VIDEO_MODEL,
        prompt: 'a harbour at night',
        seconds: '3' as '4',
        webhook_url: url,
      } as OpenAI.VideoCreateParams);
      expect((await finished(client, ok.id)).status).toBe('completed');
      const canceled = await client.videos.create({
        model: VIDEO_MODEL,
        prompt: 'a harbour at noon',
        seconds: '10' as '4',
        webhook_url: url,
      } as OpenAI.VideoCreateParams);
      expect((await t.api('POST', `/api/v1/generations/${canceled.id}/cancel`)).status).toBe(200);
      const deadline = Date.now() + 30_000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      // One event per video, only at its end (nothing when it starts running).
      expect(received).toHaveLength(2);
      const secret = (await t.api('GET', '/api/v1/webhooks/secret')).json.secret as string;
      const events = [];
      for (const r of received) {
        const headers = r.headers as Record<string, string>;
        new Webhook(secret).verify(r.body, headers);
        events.push(await client.webhooks.unwrap(r.body, headers, secret));
      }
      const byVideo = new Map(events.map((e) => [(e.data as { id: string }).id, e]));
      expect(byVideo.get(ok.id)).toMatchObject({
        object: 'event',
        type: 'video.completed',
        data: { id: ok.id },
      });
      expect(byVideo.get(canceled.id)).toMatchObject({
        object: 'event',
        type: 'video.failed',
        data: { id: canceled.id },
      });
      for (const e of events) {
        expect(e.id).toMatch(/^evt_/);
        expect(Math.abs(e.created_at - Date.now() / 1000)).toBeLessThan(120);
      }
      // Reelay's own API shows the same deliveries.
      const deliveries = await t.api('GET', `/api/v1/webhooks/deliveries?generationId=${ok.id}`);
      expect(deliveries.json.data.map((d: { eventType: string }) => d.eventType)).toEqual([
        'generation.succeeded',
      ]);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('remixes a video with a new prompt and the source output as the reference video', async () => {
    const remix = await client.videos.remix(firstId, { prompt: 'the same lighthouse in snow' });
    expect(remix).toMatchObject({ object: 'video', model: VIDEO_MODEL, remixed_from_video_id: firstId });
    const own = await t.api('GET', `/api/v1/generations/${remix.id}`);
    expect(own.json.input).toMatchObject({
      prompt: 'the same lighthouse in snow',
      aspectRatio: '9:16',
      duration: 3,
    });
    expect(own.json.input.referenceVideo).toMatch(/^asset:\/\/asset_/);
    const done = await finished(client, remix.id);
    expect(done).toMatchObject({ status: 'completed', remixed_from_video_id: firstId });

    // A model with no reference-video slot cannot remix: a 400 that says so.
    const plain = await client.videos.create({ model: 'veo-3.1-lite', prompt: 'waves', seconds: '8' });
    await finished(client, plain.id);
    const error = await thrown(client.videos.remix(plain.id, { prompt: 'storm' }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('video_id');
  }, 240_000);

  it('lists videos newest first page by page, and deletes one', async () => {
    const seen: string[] = [];
    for await (const video of client.videos.list({ limit: 1 })) seen.push(video.id);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(firstId);
    const page = await client.videos.list({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    // Oldest first, page by page, is the same list the other way round.
    const ascending: string[] = [];
    for await (const video of client.videos.list({ order: 'asc', limit: 2 })) ascending.push(video.id);
    expect(ascending).toEqual([...seen].reverse());
    const order = await thrown(client.videos.list({ order: 'sideways' as 'asc' }));
    expect((order as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('order');

    const deleted = await client.videos.delete(firstId);
    expect(deleted).toEqual({ id: firstId, object: 'video.deleted', deleted: true });
    expect(await thrown(client.videos.retrieve(firstId))).toBeInstanceOf(OpenAI.NotFoundError);
    const after: string[] = [];
    for await (const video of client.videos.list()) after.push(video.id);
    expect(after).not.toContain(firstId);
    expect(after).toHaveLength(seen.length - 1);
  });

  it('generates and edits real images, as signed links or base64', async () => {
    const b64 = await client.images.generate({
      model: IMAGE_MODEL,
      prompt: 'a blue teapot',
      size: '1024x1024',
      response_format: 'b64_json',
    });
    expect(b64.data).toHaveLength(1);
    const facts = await sharp(Buffer.from(b64.data?.[0]?.b64_json ?? '', 'base64')).metadata();
    expect(facts.width).toBe(facts.height);

    const linked = await client.images.generate({ model: IMAGE_MODEL, prompt: 'two pears', n: 2 });
    expect(linked.data).toHaveLength(2);
    for (const image of linked.data ?? []) {
      const url = String(image.url).replace(t.gateway.config.publicUrl, t.baseUrl);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).format).toMatch(
        /png|jpeg|webp/,
      );
    }

    const png = await makePng(256, 256, [10, 120, 200]);
    const edited = await client.images.edit({
      model: IMAGE_MODEL,
      prompt: 'make it green',
      image: await toFile(png, 'in.png', { type: 'image/png' }),
      response_format: 'b64_json',
    });
    expect(edited.data?.[0]?.b64_json).toBeTruthy();
    const list = await t.api('GET', `/api/v1/generations?model=${IMAGE_MODEL}&limit=10`);
    expect(list.json.data).toHaveLength(4);
    expect(list.json.data[0].input.sourceImage).toMatch(/^asset:\/\//);

    const error = await thrown(
      client.images.generate({ model: IMAGE_MODEL, prompt: 'x', size: '1000x3000' }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('size');
  });
  it('walks every catalog model through the shape: videos by /v1/videos, images by /v1/images/generations', async () => {
    const image = (await upload(t, await makePng(640, 480, [30, 120, 200]), 'image/png')).uri as string;
    const clip = await makeVideo({ width: 640, height: 360, fps: 24, seconds: 3, silent: true });
    const video = (await upload(t, clip, 'video/mp4')).uri as string;
    const uris: Record<string, string> = { image, video };
    const walked: string[] = [];
    for (const m of models) {
      // The model's own fields ride beside the OpenAI ones, its media slots as asset:// URIs.
      const own: Record<string, Json> = { ...m.exampleInput };
      for (const f of m.fields) {
        if (f.kind !== 'media' || own[f.name] === undefined) continue;
        const uri = uris[f.media] ?? '';
        own[f.name] = Array.isArray(own[f.name]) ? [uri] : uri;
      }
      const { prompt, ...fields } = own;
      const body = { model: m.id, prompt: String(prompt ?? 'walked through'), ...fields };
      let id: string;
      if (m.type === 'video') {
        const created = await client.videos.create(body as OpenAI.VideoCreateParams);
        expect(created.model, m.id).toBe(m.id);
        id = created.id;
        await t.api('POST', `/api/v1/generations/${id}/cancel`);
      } else {
        const made = (await client.images.generate(
          body as OpenAI.ImageGenerateParamsNonStreaming,
        )) as OpenAI.ImagesResponse;
        expect(made.data?.[0]?.url, m.id).toMatch(/^http/);
        const own = await t.api('GET', '/api/v1/generations?limit=1');
        id = own.json.data[0].id;
      }
      const g = await t.api('GET', `/api/v1/generations/${id}`);
      expect(g.json.model, m.id).toBe(m.id);
      // Every field of the example arrived as sent (media as the same asset).
      for (const [name, value] of Object.entries(own))
        expect(g.json.input[name], `${m.id} ${name}`).toEqual(value);
      walked.push(m.id);
    }
    expect(walked).toEqual(models.map((m) => m.id));
  }, 300_000);
});

describe('the openai client’s typed errors for tokens and rate limits', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('pglite', { REELAY_DEV_TOKENS: '1', REELAY_KEY_RATE_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers 402 as a 4xx the client does not retry, and 429 with Retry-After', async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      // The client also probes its fetch with a data: URL before a form; only calls to the gateway count.
      if (String(input instanceof Request ? input.url : input).startsWith(t.baseUrl)) requests++;
      return fetch(input, init);
    };
    const client = new OpenAI({ baseURL: `${t.baseUrl}/v1`, apiKey: t.key, maxRetries: 2, fetch: counting });
    const poor = await thrown(client.videos.create({ model: VIDEO_MODEL, prompt: 'x', size: '1280x720' }));
    expect(poor).toBeInstanceOf(OpenAI.APIError);
    expect(poor).toMatchObject({ status: 402, code: 'insufficient_tokens' });
    expect(requests).toBe(1);

    const hasty = new OpenAI({ baseURL: `${t.baseUrl}/v1`, apiKey: t.key, maxRetries: 0 });
    let limited: unknown = null;
    for (let i = 0; i < 10 && limited === null; i++) {
      limited = await hasty.videos.list().then(
        () => null,
        (error: unknown) => error,
      );
    }
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimited = limited as InstanceType<typeof OpenAI.RateLimitError>;
    expect(Number(rateLimited.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(rateLimited.type).toBe('rate_limit_error');
  });
});
