import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fake-upstreams.ts';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { makeTestVideo } from './loopback-fixture.ts';

const LIVE_KEY = 'rl_live_upstreamsupstreams0001';
const TEST_KEY = 'rl_test_upstreamsupstreams0001';
const AK = 'ak_gateway_test';
const SK = 'sk_gateway_test_secret';
const R8 = 'r8_gateway_test_token';

const REQUEST = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: {
    prompt: 'a fox at the forest edge at dawn',
    aspectRatio: '16:9',
    duration: 3,
    audioEnabled: false,
  },
};

describe.each(DATABASES)('upstream providers through the gateway on %s', (kind) => {
  let dir = '';
  let video = '';
  let fake: FakeUpstreams;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-upstreams-'));
    video = await makeTestVideo(dir);
  });
  afterEach(async () => {
    for (const g of gateways.splice(0)) await g.stop();
    await fake?.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function gateway(env: Record<string, string> = {}, key = LIVE_KEY) {
    fake = await startFakeUpstreams({ accessKey: AK, secretKey: SK, replicateToken: R8, videoFile: video });
    const t = await startGateway(kind, {
      REELAY_DEV_KEY: key,
      REELAY_KLING_ACCESS_KEY: AK,
      REELAY_KLING_SECRET_KEY: SK,
      REELAY_KLING_BASE_URL: fake.base,
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_ROUTES: '{"kling-3.0-omni":["kling","replicate"]}',
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      ...env,
    });
    gateways.push(t);
    return t;
  }

  async function run(t: TestGateway, body: unknown = REQUEST) {
    const created = await t.api('POST', '/api/v1/generations', body);
    expect(created.status).toBe(202);
    return waitForFinal(t, created.json.id);
  }

  it('runs a live generation on Kling, downloads and probes the output, and records the attempt', async () => {
    const t = await gateway();
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('kling');
    const task = fake.kling.tasks[0];
    expect(fake.kling.tasks).toHaveLength(1);
    expect(task?.body).toEqual({
      model_name: 'kling-v3-omni',
      prompt: 'a fox at the forest edge at dawn',
      mode: 'std',
      aspect_ratio: '16:9',
      duration: '3',
      sound: 'off',
      external_task_id: done.json.id,
    });
    expect(done.json.providerAttempts).toEqual([
      { provider: 'kling', upstreamId: task?.id, outcome: 'succeeded', error: null, at: expect.any(String) },
    ]);
    const [output] = done.json.outputs;
    expect(output.mediaType).toBe('video/mp4');
    expect(output.durationSeconds).toBeCloseTo(3, 0);
    expect(output.width).toBe(64);
    const content = await fetch(output.url.replace(t.gateway.config.publicUrl, t.baseUrl), {
      headers: { authorization: `Bearer ${LIVE_KEY}` },
    });
    expect(Buffer.from(await content.arrayBuffer()).equals(await readFile(video))).toBe(true);
    expect(done.json.chargedTokens).toBeGreaterThan(0);
  });

  it('runs test keys on the local renderer without reaching any upstream', async () => {
    const t = await gateway({}, TEST_KEY);
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('local');
    expect(fake.kling.tasks).toHaveLength(0);
    expect(fake.replicate.tasks).toHaveLength(0);
  });

  it('runs live keys on local when no upstream is configured, and says so', async () => {
    const t = await gateway({ REELAY_ROUTES: '{"kling-3.0-omni":["fal"]}' });
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('local');
    expect(done.json.warnings.map((w: { code: string }) => w.code)).toContain('no_upstream');
    expect(fake.kling.tasks).toHaveLength(0);
  });

  it('fails over to Replicate when Kling answers 5xx on submit, starting the work once', async () => {
    const t = await gateway();
    fake.kling.faults.push({ status: 500, body: { code: 5000, message: 'internal error', request_id: 'r' } });
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('replicate');
    expect(fake.kling.tasks).toHaveLength(0);
    expect(fake.replicate.tasks).toHaveLength(1);
    expect(fake.replicate.tasks[0]?.body).toEqual({
      input: {
        prompt: 'a fox at the forest edge at dawn',
        mode: 'standard',
        aspect_ratio: '16:9',
        duration: 3,
        generate_audio: false,
      },
    });
    expect(
      done.json.providerAttempts.map((a: { provider: string; outcome: string }) => [a.provider, a.outcome]),
    ).toEqual([
      ['kling', 'rejected'],
      ['replicate', 'succeeded'],
    ]);
    expect(done.json.providerAttempts[0].error.code).toBe('provider_unavailable');
  });

  it('retries a 5xx on submit with backoff when no other provider is routed, then runs there', async () => {
    const t = await gateway({ REELAY_ROUTES: '{"kling-3.0-omni":["kling"]}' });
    fake.kling.faults.push({ status: 503, body: { code: 5001, message: 'maintenance', request_id: 'r' } });
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('kling');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(done.json.providerAttempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      'deferred',
      'succeeded',
    ]);
    expect(done.json.providerAttempts[0].error.message).toContain('Kling 5001');
  });

  it('fails over on a balance error, but never to a provider dearer than the quote', async () => {
    const t = await gateway({ REELAY_PROVIDER_COSTS: '{"replicate":{"kling-3.0-omni":{"720p":1000}}}' });
    fake.kling.faults.push({
      status: 429,
      body: { code: 1102, message: 'resource pack exhausted', request_id: 'r' },
    });
    const done = await run(t);
    expect(done.json.status).toBe('failed');
    expect(done.json.error.code).toBe('provider_out_of_credit');
    expect(done.json.error.message).toContain('more than the quoted price');
    expect(fake.replicate.tasks).toHaveLength(0);
    const account = await t.api('GET', '/api/v1/account');
    expect(account.json.tokens.held).toBe(0);
  });

  it('waits out a Kling concurrency limit (1303, Retry-After) and then runs on Kling', async () => {
    const t = await gateway();
    fake.kling.faults.push({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { code: 1303, message: 'parallel task over resource pack limit', request_id: 'r' },
    });
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('kling');
    expect(fake.replicate.tasks).toHaveLength(0);
    expect(done.json.providerAttempts.map((a: { outcome: string }) => a.outcome)).toEqual([
      'deferred',
      'succeeded',
    ]);
  });

  it('fails clearly, as output_lost, when the result URL stays expired after asking the upstream again', async () => {
    const t = await gateway();
    fake.outputStatus = 403;
    const done = await run(t);
    expect(done.json.status).toBe('failed');
    expect(done.json.error.code).toBe('output_lost');
    expect(done.json.error.message).toContain('HTTP 403');
    expect(fake.kling.tasks).toHaveLength(1);
  });

  it('recovers a Kling start whose answer was lost by its external id, never creating a second task', async () => {
    const t = await gateway({ REELAY_UPSTREAM_TIMEOUT_MS: '300' });
    fake.kling.faults.push('hang-after-create');
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(done.json.providerAttempts.map((a: { outcome: string }) => a.outcome)).toEqual(['succeeded']);
  });

  it('adopts the Kling task a 5xx answer did create instead of failing over', async () => {
    const t = await gateway();
    fake.kling.faults.push({
      status: 500,
      body: { code: 5000, message: 'internal error', request_id: 'r' },
      created: true,
    });
    const done = await run(t);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.provider).toBe('kling');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(fake.replicate.tasks).toHaveLength(0);
    expect(done.json.providerAttempts.map((a: { outcome: string }) => a.outcome)).toEqual(['succeeded']);
  });

  it('fails a Replicate start whose answer was lost rather than risk running it twice', async () => {
    const t = await gateway({
      REELAY_ROUTES: '{"kling-3.0-omni":["replicate","kling"]}',
      REELAY_UPSTREAM_TIMEOUT_MS: '300',
    });
    fake.replicate.faults.push('hang-after-create');
    const done = await run(t);
    expect(done.json.status).toBe('failed');
    expect(done.json.error.code).toBe('upstream_outcome_unknown');
    expect(fake.replicate.tasks).toHaveLength(1);
    expect(fake.kling.tasks).toHaveLength(0);
  });

  it('finishes at once on a callback that arrives before the next poll', async () => {
    const t = await gateway({ REELAY_UPSTREAM_POLL_MS: '600000' });
    fake.pollsToFinish = 1;
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    let task = fake.kling.tasks[0];
    for (let i = 0; i < 200 && !task; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      task = fake.kling.tasks[0];
    }
    // Wait until the upstream id is recorded, then Kling's (unsigned) callback arrives.
    for (let i = 0; i < 200; i++) {
      const g = await t.api('GET', `/api/v1/generations/${created.json.id}`);
      if (g.json.providerAttempts[0]?.upstreamId) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const callback = await fetch(`${t.baseUrl}/callbacks/kling`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        task_id: task?.id,
        task_status: 'succeed',
        task_info: { external_task_id: created.json.id },
      }),
    });
    expect(callback.status).toBe(200);
    expect(await callback.json()).toEqual({ received: true, matched: true });
    const done = await waitForFinal(t, created.json.id, {}, 20_000);
    expect(done.json.status).toBe('succeeded');
  });

  it('refuses callbacks for providers without a receiver and unsigned Replicate webhooks', async () => {
    const t = await gateway();
    const unknown = await fetch(`${t.baseUrl}/callbacks/nobody`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    const unsigned = await fetch(`${t.baseUrl}/callbacks/replicate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":"x","status":"succeeded"}',
    });
    expect(unsigned.status).toBe(401);
  });
});
