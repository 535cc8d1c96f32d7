import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { startLoopbackGateway, videoRequest } from './loopback-gateway.ts';
import type { LoopbackUpstream } from './loopback-upstream.ts';

const REQUEST = videoRequest('lifecycle test');

async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T,
): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The ledger entries of one generation, as kinds and amounts. */
async function ledgerOf(t: TestGateway, id: string) {
  return t.gateway.db.query<{ kind: string; amount_milli: number }>(
    'SELECT kind, amount_milli FROM ledger_entries WHERE generation_id = $1 ORDER BY id',
    [id],
  );
}

describe.each(DATABASES)('cancel, deadlines and sync mode on %s', (kind) => {
  let t: TestGateway;
  let upstream: LoopbackUpstream;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, upstream, stop } = await startLoopbackGateway(kind, {
      name: 'lifecycle',
      upstream: { taskMs: 400 },
      env: { REELAY_MODEL_DEADLINES: JSON.stringify({ 'kling-3.0-omni': 3 }), REELAY_WORKER_POLL_MS: '100' },
    }));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('answers with the final generation when Prefer: wait=N covers it, the usual 202 when not', async () => {
    const quick = await t.api('POST', '/api/v1/generations', REQUEST, { prefer: 'wait=30' });
    expect(quick.status).toBe(200);
    expect(quick.headers.get('preference-applied')).toBe('wait=30');
    expect(quick.json).toMatchObject({ status: 'succeeded', chargedTokens: 25.5 });
    expect(quick.json.outputs).toHaveLength(1);

    upstream.finishTasks = false;
    try {
      const slow = await t.api('POST', '/api/v1/generations', REQUEST, { prefer: 'wait=1' });
      expect(slow.status).toBe(202);
      expect(slow.headers.get('preference-applied')).toBe('wait=1');
      expect(['queued', 'running']).toContain(slow.json.status);
      await t.api('POST', `/api/v1/generations/${slow.json.id}/cancel`);
    } finally {
      upstream.finishTasks = true;
    }

    const plain = await t.api('POST', '/api/v1/generations', REQUEST);
    expect(plain.status).toBe(202);
    expect(plain.headers.get('preference-applied')).toBeNull();
    const tooLong = await t.api('POST', '/api/v1/generations', REQUEST, { prefer: 'wait=61' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.param).toBe('Prefer');
    await waitForFinal(t, plain.json.id);
  });

  it('cancels a running generation upstream and releases its hold', async () => {
    const before = (await t.api('GET', '/api/v1/account')).json.tokens;
    upstream.finishTasks = false;
    let id = '';
    try {
      id = (await t.api('POST', '/api/v1/generations', REQUEST)).json.id;
      const task = await eventually('the upstream task', () =>
        upstream.tasks.find((c) => c.generationId === id),
      );
      await eventually(
        'running',
        async () => (await t.api('GET', `/api/v1/generations/${id}`)).json.status === 'running',
      );
      const canceled = await t.api('POST', `/api/v1/generations/${id}/cancel`);
      expect(canceled.status).toBe(200);
      expect(canceled.json).toMatchObject({ status: 'canceled', chargedTokens: null });
      await eventually('the upstream cancel', () => upstream.cancels.includes(task?.id ?? ''));
      expect(task?.state).toBe('canceled');
    } finally {
      upstream.finishTasks = true;
    }
    await eventually('the job to go', async () => {
      return (await t.gateway.db.query('SELECT 1 FROM jobs WHERE generation_id = $1', [id])).length === 0;
    });
    expect((await ledgerOf(t, id)).map((e) => e.kind)).toEqual(['hold', 'release']);
    expect((await t.api('GET', '/api/v1/account')).json.tokens).toEqual(before);
    expect((await t.api('POST', `/api/v1/generations/${id}/cancel`)).status).toBe(409);
  });

  it('discards, uncharged, a result that arrives after the cancel', async () => {
    const before = (await t.api('GET', '/api/v1/account')).json.tokens;
    upstream.finishTasks = false;
    const hold = upstream.holdStatus();
    let id = '';
    try {
      id = (await t.api('POST', '/api/v1/generations', REQUEST)).json.id;
      // The worker is now waiting on a status answer the upstream holds back.
      await hold.held;
      const canceled = await t.api('POST', `/api/v1/generations/${id}/cancel`);
      expect(canceled.json.status).toBe('canceled');
      // The held answer now says the work succeeded: too late, it must be discarded.
      hold.release();
    } finally {
      upstream.finishTasks = true;
    }
    await eventually('the job to go', async () => {
      return (await t.gateway.db.query('SELECT 1 FROM jobs WHERE generation_id = $1', [id])).length === 0;
    });
    const final = await t.api('GET', `/api/v1/generations/${id}`);
    expect(final.json).toMatchObject({ status: 'canceled', chargedTokens: null, outputs: [] });
    expect((await ledgerOf(t, id)).map((e) => e.kind)).toEqual(['hold', 'release']);
    expect((await t.api('GET', '/api/v1/account')).json.tokens).toEqual(before);
  });

  it('fails a generation past its model deadline with deadline_exceeded, releases the hold, cancels upstream', async () => {
    upstream.finishTasks = false;
    let id = '';
    try {
      id = (await t.api('POST', '/api/v1/generations', REQUEST)).json.id;
      const final = await waitForFinal(t, id, {}, 20_000);
      expect(final.json.status).toBe('failed');
      expect(final.json.error.code).toBe('deadline_exceeded');
      expect(final.json.error.message).toMatch(/3 seconds allowed for kling-3\.0-omni/);
      expect(final.json.chargedTokens).toBeNull();
    } finally {
      upstream.finishTasks = true;
    }
    expect((await ledgerOf(t, id)).map((e) => e.kind)).toEqual(['hold', 'release']);
    const task = upstream.tasks.find((candidate) => candidate.generationId === id);
    await eventually('the upstream cancel', () => task && upstream.cancels.includes(task.id));
  });
});

describe.each(DATABASES)('a queued generation on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    // No worker claims anything here, so the generation stays queued until it is canceled.
    t = await startGateway(kind, { REELAY_WORKER_CONCURRENCY: '0' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is canceled at once and never charged', async () => {
    const before = (await t.api('GET', '/api/v1/account')).json.tokens;
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    expect(created.json.status).toBe('queued');
    expect((await t.api('GET', '/api/v1/account')).json.tokens.held).toBe(before.held + 25.5);
    const canceled = await t.api('POST', `/api/v1/generations/${created.json.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.json).toMatchObject({ status: 'canceled', chargedTokens: null, startedAt: null });
    expect((await ledgerOf(t, created.json.id)).map((e) => e.kind)).toEqual(['hold', 'release']);
    expect((await t.api('GET', '/api/v1/account')).json.tokens).toEqual(before);
  });
});
