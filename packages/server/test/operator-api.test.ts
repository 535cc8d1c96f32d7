import { wire } from '@reelay/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { startReceiver } from './webhook-receiver.ts';

const ADMIN = 'admin-key-for-operator-tests-0123';
const admin = { authorization: `Bearer ${ADMIN}` };
const cheap = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a paper boat', audioEnabled: false, duration: 3 },
};

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(DATABASES)('the operator API on %s', (kind) => {
  let t: TestGateway;
  /** A gateway whose workers claim nothing, so what is created stays queued. */
  let idle: TestGateway;
  beforeAll(async () => {
    [t, idle] = await Promise.all([
      startGateway(kind, {
        REELAY_ADMIN_KEY: ADMIN,
        REELAY_FETCH_ALLOW_HTTP: 'on',
        REELAY_FETCH_ALLOW_PRIVATE: 'on',
        REELAY_WEBHOOK_BACKOFF_MS: '50',
      }),
      startGateway(kind, { REELAY_ADMIN_KEY: ADMIN, REELAY_WORKER_CONCURRENCY: '0' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t?.stop(), idle?.stop()]);
  });

  it('takes only the admin key', async () => {
    for (const path of [
      '/api/v1/admin/accounts',
      '/api/v1/admin/providers',
      '/api/v1/admin/queue',
      '/api/v1/admin/webhooks/deliveries',
    ]) {
      expect((await t.api('GET', path)).status, path).toBe(401);
      expect((await t.api('GET', path, undefined, { authorization: 'Bearer wrong' })).status, path).toBe(401);
    }
    expect((await t.api('POST', '/api/v1/admin/webhooks/deliveries/whd_x/replay')).status).toBe(401);
  });

  it('lists accounts newest first with both balances, page by page', async () => {
    const first = await t.api('POST', '/api/v1/admin/accounts', { name: 'First' }, admin);
    const second = await t.api('POST', '/api/v1/admin/accounts', { name: 'Second' }, admin);
    await t.api(
      'POST',
      `/api/v1/admin/accounts/${first.json.id}/grants`,
      { mode: 'live', tokens: 12.5 },
      admin,
    );
    await t.api('POST', `/api/v1/admin/accounts/${first.json.id}/grants`, { mode: 'test', tokens: 3 }, admin);
    const page = await t.api('GET', '/api/v1/admin/accounts?limit=2', undefined, admin);
    expect(page.status, page.text).toBe(200);
    wire.AdminAccountPage.parse(page.json);
    expect(page.json.data.map((a: { name: string }) => a.name)).toEqual(['Second', 'First']);
    expect(page.json.data[1].tokens).toEqual({
      test: { balance: 3, held: 0 },
      live: { balance: 12.5, held: 0 },
    });
    expect(page.json.data[0].tokens.live).toEqual({ balance: 0, held: 0 });
    expect(page.json.data[0].id).toBe(second.json.id);
    // The next page starts after the last one shown: the dev account, made first.
    const next = await t.api(
      'GET',
      `/api/v1/admin/accounts?cursor=${page.json.nextCursor}`,
      undefined,
      admin,
    );
    expect(next.json.data.map((a: { id: string }) => a.id)).not.toContain(first.json.id);
    expect(next.json.data.length).toBeGreaterThanOrEqual(1);
    expect(next.json.nextCursor).toBeNull();

    for (const [query, param] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=acct_nope', 'cursor'],
    ]) {
      const bad = await t.api('GET', `/api/v1/admin/accounts?${query}`, undefined, admin);
      expect(bad.status, query).toBe(400);
      expect(bad.json.error.param).toBe(param);
    }
  });

  it('reports each provider: outcomes, failure rate, run times, slots and the latest errors', async () => {
    const made = await t.api('POST', '/api/v1/generations', cheap);
    expect(made.status, made.text).toBe(202);
    expect((await waitForFinal(t, made.json.id)).json.status).toBe('succeeded');
    // A second generation whose start call the log says fal refused (as a failed upstream start records it).
    const other = await t.api('POST', '/api/v1/generations', {
      ...cheap,
      input: { ...cheap.input, prompt: 'b' },
    });
    await waitForFinal(t, other.json.id);
    const refused = {
      seq: 2,
      provider: 'fal',
      upstreamId: null,
      outcome: 'rejected',
      error: { code: 'upstream_refused', message: 'fal refused the prompt' },
      at: new Date().toISOString(),
    };
    await t.gateway.db.query(
      'UPDATE generations SET provider_attempts = provider_attempts || $1::jsonb WHERE id = $2',
      [JSON.stringify([refused]), other.json.id],
    );

    const report = await t.api('GET', '/api/v1/admin/providers', undefined, admin);
    expect(report.status, report.text).toBe(200);
    wire.ProviderHealthReport.parse(report.json);
    const local = report.json.data.find((p: { provider: string }) => p.provider === 'local');
    expect(local).toMatchObject({
      configured: true,
      attempts: 2,
      outcomes: { succeeded: 2 },
      failureRate: 0,
      slots: { inUse: 0, cap: null },
      lastErrors: [],
    });
    expect(local.latencySeconds.samples).toBe(2);
    expect(local.latencySeconds.median).toBeGreaterThan(0);
    expect(local.latencySeconds.p95).toBeGreaterThanOrEqual(local.latencySeconds.median);
    const fal = report.json.data.find((p: { provider: string }) => p.provider === 'fal');
    expect(fal).toMatchObject({
      configured: false,
      attempts: 1,
      outcomes: { rejected: 1 },
      failureRate: 1,
      latencySeconds: null,
      lastErrors: [
        {
          generationId: other.json.id,
          outcome: 'rejected',
          code: 'upstream_refused',
          message: 'fal refused the prompt',
          at: refused.at,
        },
      ],
    });
    const bad = await t.api('GET', '/api/v1/admin/providers?hours=0', undefined, admin);
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('hours');
  });

  it('counts the queue over every account, with the oldest waiting', async () => {
    const empty = await idle.api('GET', '/api/v1/admin/queue', undefined, admin);
    expect(empty.json).toEqual({
      queued: 0,
      running: 0,
      oldestQueuedAt: null,
      oldestQueuedSeconds: null,
      oldestRunningAt: null,
      dueJobs: 0,
    });
    const a = await idle.api('POST', '/api/v1/generations', cheap);
    const b = await idle.api('POST', '/api/v1/generations', {
      ...cheap,
      input: { ...cheap.input, prompt: 'c' },
    });
    expect([a.status, b.status]).toEqual([202, 202]);
    const queue = await idle.api('GET', '/api/v1/admin/queue', undefined, admin);
    expect(queue.status, queue.text).toBe(200);
    wire.QueueStatus.parse(queue.json);
    expect(queue.json).toMatchObject({ queued: 2, running: 0, oldestRunningAt: null, dueJobs: 2 });
    expect(queue.json.oldestQueuedAt).toBe(a.json.createdAt);
    expect(queue.json.oldestQueuedSeconds).toBeGreaterThanOrEqual(0);
    // A slot held by a queued generation counts against its provider.
    await idle.gateway.db.query("INSERT INTO provider_slots (provider, generation_id) VALUES ('kling', $1)", [
      a.json.id,
    ]);
    const report = await idle.api('GET', '/api/v1/admin/providers', undefined, admin);
    expect(report.json.data.find((p: { provider: string }) => p.provider === 'kling')?.slots).toEqual({
      inUse: 1,
      cap: null,
    });
  });

  it('lists every account’s deliveries and replays one', async () => {
    const receiver = await startReceiver();
    try {
      const made = await t.api('POST', '/api/v1/generations', { ...cheap, webhookUrl: receiver.url });
      expect(made.status, made.text).toBe(202);
      await waitForFinal(t, made.json.id);
      const list = await eventually('a sent delivery', async () => {
        const r = await t.api('GET', '/api/v1/admin/webhooks/deliveries?state=succeeded', undefined, admin);
        return r.json.data.some((d: { generationId: string }) => d.generationId === made.json.id) && r;
      });
      wire.AdminWebhookDeliveryPage.parse(list.json);
      const delivery = list.json.data.find((d: { generationId: string }) => d.generationId === made.json.id);
      const account = await t.api('GET', '/api/v1/account');
      expect(delivery).toMatchObject({ accountId: account.json.id, mode: 'test', state: 'succeeded' });

      const before = receiver.received.length;
      const replayed = await t.api(
        'POST',
        `/api/v1/admin/webhooks/deliveries/${delivery.id}/replay`,
        undefined,
        admin,
      );
      expect(replayed.status, replayed.text).toBe(202);
      wire.AdminWebhookDelivery.parse(replayed.json);
      expect(replayed.json.state).toBe('pending');
      const again = await eventually('the replayed message', async () => receiver.received[before]);
      expect(again.headers['webhook-id']).toBe(delivery.id);

      const missing = await t.api(
        'POST',
        '/api/v1/admin/webhooks/deliveries/whd_nope/replay',
        undefined,
        admin,
      );
      expect(missing.status).toBe(404);
      for (const [query, param] of [
        ['state=done', 'state'],
        ['limit=101', 'limit'],
        ['cursor=whd_nope', 'cursor'],
      ]) {
        const bad = await t.api('GET', `/api/v1/admin/webhooks/deliveries?${query}`, undefined, admin);
        expect(bad.status, query).toBe(400);
        expect(bad.json.error.param).toBe(param);
      }
    } finally {
      await receiver.close();
    }
  });
});
