import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng, startGateway, type TestGateway, upload } from './harness.ts';

const valid = { prompt: 'a cat on a skateboard', aspectRatio: '9:16', resolution: '720p', duration: 3 };
const gen = (input: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'video',
  model: 'kling-3.0-omni',
  input,
  ...extra,
});

describe('bad requests get a clear 4xx naming the field, never a 5xx', () => {
  let t: TestGateway;
  let imageUri: string;
  let videoUri: string;
  beforeAll(async () => {
    t = await startGateway('pglite');
    imageUri = (await upload(t, await makePng(640, 640, [10, 120, 200]), 'image/png')).uri;
    const clip = await t.api(
      'POST',
      '/api/v1/generations',
      gen({ prompt: 'a short source clip', audioEnabled: false }),
    );
    for (;;) {
      const r = await t.api('GET', `/api/v1/generations/${clip.json.id}`);
      if (r.json.status === 'succeeded') {
        videoUri = r.json.outputs[0].uri;
        break;
      }
      if (r.json.status === 'failed') throw new Error(r.text);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  const cases: [string, () => unknown, number, string, string?][] = [
    ['prompt of the wrong type', () => gen({ ...valid, prompt: 42 }), 422, 'input.prompt', 'invalid_type'],
    ['missing prompt', () => gen({ aspectRatio: '9:16' }), 422, 'input.prompt', 'required'],
    ['prompt too long', () => gen({ ...valid, prompt: 'x'.repeat(2501) }), 422, 'input.prompt', 'too_long'],
    [
      'aspect ratio not allowed',
      () => gen({ ...valid, aspectRatio: '4:3' }),
      422,
      'input.aspectRatio',
      'not_allowed',
    ],
    [
      'resolution not allowed',
      () => gen({ ...valid, resolution: '4k' }),
      422,
      'input.resolution',
      'not_allowed',
    ],
    ['duration out of range', () => gen({ ...valid, duration: 16 }), 422, 'input.duration', 'out_of_range'],
    ['duration below range', () => gen({ ...valid, duration: 2 }), 422, 'input.duration', 'out_of_range'],
    ['duration off the step', () => gen({ ...valid, duration: 3.5 }), 422, 'input.duration', 'not_on_step'],
    ['duration as a string', () => gen({ ...valid, duration: '5' }), 422, 'input.duration', 'invalid_type'],
    [
      'a NUL character in the prompt',
      () => gen({ ...valid, prompt: 'a\u0000b' }),
      422,
      'input.prompt',
      'invalid_value',
    ],
    [
      'a NUL character in the webhook URL',
      () => gen(valid, { webhookUrl: 'https://example.com/\u0000' }),
      422,
      'webhookUrl',
      'invalid_value',
    ],
    [
      'audio as a string',
      () => gen({ ...valid, audioEnabled: 'yes' }),
      422,
      'input.audioEnabled',
      'invalid_type',
    ],
    [
      'too many references',
      () => gen({ ...valid, referenceAssetUris: Array(8).fill('asset://asset_x1') }),
      422,
      'input.referenceAssetUris',
      'too_many_items',
    ],
    [
      'reference not a URI',
      () => gen({ ...valid, referenceAssetUris: ['hello'] }),
      422,
      'input.referenceAssetUris[0]',
      'invalid_uri',
    ],
    [
      'reference asset of another kind',
      () => gen({ ...valid, referenceAssetUris: [videoUri] }),
      422,
      'input.referenceAssetUris[0]',
      'invalid_uri',
    ],
    [
      'reference video given an image',
      () => gen({ ...valid, audioEnabled: false, referenceVideo: imageUri }),
      422,
      'input.referenceVideo',
      'invalid_uri',
    ],
    [
      'reference asset that does not exist (404 on the field)',
      () => gen({ ...valid, referenceAssetUris: ['asset://asset_doesnotexist'] }),
      404,
      'input.referenceAssetUris[0]',
      'invalid_uri',
    ],
    [
      'a data URI that is not an image',
      () => gen({ ...valid, referenceAssetUris: ['data:image/png;base64,aGVsbG8gd29ybGQ='] }),
      422,
      'input.referenceAssetUris[0]',
      'invalid_uri',
    ],
    ['unknown input field', () => gen({ ...valid, fps: 30 }), 422, 'input.fps', 'unknown_field'],
    ['client-sent variant', () => gen(valid, { variant: '1080p' }), 422, 'variant', 'unknown_field'],
    ['unknown top-level field', () => gen(valid, { priority: 'high' }), 422, 'priority', 'unknown_field'],
    ['input not an object', () => gen('make a video'), 422, 'input', 'invalid_type'],
    ['missing input', () => ({ type: 'video', model: 'kling-3.0-omni' }), 422, 'input', 'required'],
    ['type mismatch', () => ({ ...gen(valid), type: 'image' }), 422, 'type', 'not_allowed'],
    ['unknown type', () => ({ ...gen(valid), type: 'hologram' }), 422, 'type', 'not_allowed'],
    ['unknown model', () => ({ ...gen(valid), model: 'kling-9' }), 404, 'model'],
    [
      'audio with a reference video',
      () => gen({ ...valid, audioEnabled: true, referenceVideo: videoUri }),
      422,
      'input.audioEnabled',
      'rule_violation',
    ],
  ];

  it.each(cases)('%s', async (_name, body, status, param, code) => {
    const r = await t.api('POST', '/api/v1/generations', body());
    expect(r.status, r.text).toBe(status);
    expect(r.json.error.param).toBe(param);
    if (code)
      expect(
        r.json.error.details.map((d: { param: string; code: string }) => [d.param, d.code]),
      ).toContainEqual([param, code]);
    expect(r.json.error.requestId).toMatch(/^req_/);
  });

  it('refuses a NUL character in any JSON body with a 422 naming where it is', async () => {
    const quote = await t.api('POST', '/api/v1/quotes', gen({ ...valid, prompt: '\u0000' }));
    expect(quote.status, quote.text).toBe(422);
    expect(quote.json.error.param).toBe('input.prompt');
    const key = await t.api('POST', '/api/v1/keys', { name: 'ci\u0000' });
    expect(key.status, key.text).toBe(422);
    expect(key.json.error.param).toBe('name');
    const generations = await t.api('GET', '/api/v1/generations');
    expect(generations.status).toBe(200);
  });

  it('takes an empty JSON body as no body, and names the body when it is not an object', async () => {
    const created = await t.api('POST', '/api/v1/generations', gen({ prompt: 'to be canceled' }));
    const cancel = await fetch(`${t.baseUrl}/api/v1/generations/${created.json.id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    });
    expect([200, 409]).toContain(cancel.status);
    const empty = await fetch(`${t.baseUrl}/api/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    const poisoned = await fetch(`${t.baseUrl}/api/v1/quotes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: '{"type":"video","model":"kling-3.0-omni","input":{"prompt":"x"},"__proto__":{"admin":true}}',
    });
    expect(poisoned.status).toBe(400);
    const keys = await t.api('POST', '/api/v1/keys', []);
    expect(keys.status).toBe(422);
    expect(keys.json.error).toMatchObject({ param: 'body', message: 'The body must be object' });
  });

  it('answers a NUL character in the path or query, and a URL that does not decode, with a 400', async () => {
    const byId = await t.api('GET', '/api/v1/generations/%00');
    expect(byId.status, byId.text).toBe(400);
    expect(byId.json.error.param).toBe('id');
    const filtered = await t.api('GET', '/api/v1/generations?model=%00');
    expect(filtered.status, filtered.text).toBe(400);
    expect(filtered.json.error.param).toBe('model');
    const undecodable = await t.api('GET', '/api/v1/models/%E0%A4%A');
    expect(undecodable.status, undecodable.text).toBe(400);
    expect(undecodable.json.error).toMatchObject({
      code: 'invalid_request',
      requestId: expect.stringMatching(/^req_/),
    });
  });

  it('reports every bad field at once', async () => {
    const r = await t.api(
      'POST',
      '/api/v1/generations',
      gen({ prompt: 7, duration: 99, aspectRatio: 'wide', extra: 1 }),
    );
    expect(r.status).toBe(422);
    const params = r.json.error.details.map((d: { param: string }) => d.param).sort();
    expect(params).toEqual(['input.aspectRatio', 'input.duration', 'input.extra', 'input.prompt']);
  });

  it('turns audio off by default with a reference video and runs video_to_video', async () => {
    const r = await t.api('POST', '/api/v1/quotes', gen({ prompt: 'restyle it', referenceVideo: videoUri }));
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ mode: 'video_to_video', variant: '720p', input: { audioEnabled: false } });
  });

  it('answers malformed JSON with 400', async () => {
    const r = await t.api('POST', '/api/v1/generations', '{"type": "video",', {
      'content-type': 'application/json',
    });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_json');
  });

  it('answers a body that is not JSON with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const r = await t.api('POST', '/api/v1/generations', '{"type":"video"}', { 'content-type': type });
      expect(r.status).toBe(415);
      expect(r.json.error.message).toContain('application/json');
    }
  });

  it('answers a missing key and a bad key with 401', async () => {
    const missing = await fetch(`${t.baseUrl}/api/v1/generations`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('unauthorized');
    const bad = await t.api('POST', '/api/v1/generations', gen(valid), {
      authorization: 'Bearer rl_test_notarealkeynotarealkey00',
    });
    expect(bad.status).toBe(401);
    const garbage = await t.api('GET', '/api/v1/account', undefined, { authorization: 'Basic abc' });
    expect(garbage.status).toBe(401);
  });

  it('answers unknown ids and routes with 404 and bad list queries with 400', async () => {
    expect((await t.api('GET', '/api/v1/generations/gen_missing')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/assets/asset_missing')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/models/nope')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/nothing-here')).status).toBe(404);
    const limit = await t.api('GET', '/api/v1/generations?limit=1000');
    expect(limit.status).toBe(400);
    expect(limit.json.error.param).toBe('limit');
    expect((await t.api('GET', '/api/v1/generations?cursor=@@@')).json.error.param).toBe('cursor');
    expect((await t.api('GET', '/api/v1/generations?status=done')).json.error.param).toBe('status');
  });

  it('refuses uploads that are not media with 415, and empty ones with 4xx', async () => {
    const text = await t.api('POST', '/api/v1/assets', 'just some text', { 'content-type': 'image/png' });
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe('unsupported_media_type');
    const truncated = (await makePng(300, 300, [1, 2, 3])).subarray(0, 60);
    const broken = await t.api('POST', '/api/v1/assets', new Uint8Array(truncated), {
      'content-type': 'image/png',
    });
    expect(broken.status).toBe(415);
    const empty = await t.api('POST', '/api/v1/assets', '', { 'content-type': 'image/png' });
    expect(empty.status).toBeGreaterThanOrEqual(400);
    expect(empty.status).toBeLessThan(500);
  });

  it('still serves after all of that', async () => {
    expect((await t.api('GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await t.api('GET', '/readyz')).status).toBe(200);
  });
});
