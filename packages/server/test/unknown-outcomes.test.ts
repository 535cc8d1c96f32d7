import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fake-upstreams.ts';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { makeTestVideo } from './loopback-fixture.ts';
import { freePort, startProcess } from './processes.ts';

/**
 * When the outcome of upstream work is unknown (a lost submit answer, a poll that times out, a process killed
 * between the submit and storing its answer, a deadline while the upstream still works, an expired output URL),
 * the gateway keeps asking the upstream and settles from its answer: the right status, exactly one upstream job,
 * and the ledger exact to the token. Every upstream is a loopback fake speaking its documented protocol.
 */

const KEY = 'rl_live_outcomesoutcomesout01';
const AK = 'ak_outcomes_test';
const SK = 'sk_outcomes_test_secret';
const R8 = 'r8_outcomes_test_token';

const REQUEST = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a heron lifts off a misty lake', aspectRatio: '16:9', duration: 3, audioEnabled: false },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tokens {
  balance: number;
  held: number;
}

describe.each(DATABASES)('unknown upstream outcomes on %s', (kind) => {
  let dir = '';
  let video = '';
  let fake: FakeUpstreams;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-outcomes-'));
    video = await makeTestVideo(dir);
  });
  afterEach(async () => {
    for (const g of gateways.splice(0)) await g.stop();
    await fake?.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function gateway(env: Record<string, string> = {}) {
    fake = await startFakeUpstreams({ accessKey: AK, secretKey: SK, replicateToken: R8, videoFile: video });
    const t = await startGateway(kind, {
      REELAY_DEV_KEY: KEY,
      REELAY_KLING_ACCESS_KEY: AK,
      REELAY_KLING_SECRET_KEY: SK,
      REELAY_KLING_BASE_URL: fake.base,
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_ROUTES: '{"kling-3.0-omni":["kling"]}',
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_UPSTREAM_TIMEOUT_MS: '300',
      REELAY_WORKER_POLL_MS: '100',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      ...env,
    });
    gateways.push(t);
    return t;
  }

  const tokens = async (t: TestGateway): Promise<Tokens> =>
    (await t.api('GET', '/api/v1/account')).json.tokens as Tokens;

  /** Creates the request, watching the generation until it is final; the answers seen on the way, in order. */
  async function runWatching(t: TestGateway, body: unknown = REQUEST) {
    const created = await t.api('POST', '/api/v1/generations', body);
    expect(created.status, created.text).toBe(202);
    const seen: { status: string; reconciling: { code: string } | null }[] = [];
    for (let i = 0; i < 2000; i++) {
      const g = await t.api('GET', `/api/v1/generations/${created.json.id}`);
      seen.push({ status: g.json.status, reconciling: g.json.reconciling });
      if (['succeeded', 'failed', 'canceled'].includes(g.json.status)) return { done: g, seen };
      await sleep(25);
    }
    throw new Error(`generation ${created.json.id} never ended`);
  }

  /** The types of a generation's events, oldest first. */
  const eventTypes = async (t: TestGateway, id: string) =>
    (
      await t.gateway.db.query<{ type: string }>(
        'SELECT type FROM generation_events WHERE generation_id = $1 ORDER BY id',
        [id],
      )
    ).map((e) => e.type);

  /** The ledger of one generation: hold, then capture or release, each of the exact amount. */
  async function expectLedger(
    t: TestGateway,
    id: string,
    before: Tokens,
    settled: { capturedTokens: number } | 'released',
  ) {
    const entries = await t.gateway.db.query<{ kind: string; amount_milli: string }>(
      'SELECT kind, amount_milli::text FROM ledger_entries WHERE generation_id = $1 ORDER BY id',
      [id],
    );
    const hold = Number(entries[0]?.amount_milli);
    expect(entries[0]?.kind).toBe('hold');
    if (settled === 'released') {
      expect(entries.map((e) => [e.kind, Number(e.amount_milli)])).toEqual([
        ['hold', hold],
        ['release', hold],
      ]);
    } else {
      expect(entries.map((e) => [e.kind, Number(e.amount_milli)])).toEqual([
        ['hold', hold],
        ['capture', Math.round(settled.capturedTokens * 1000)],
      ]);
    }
    const after = await tokens(t);
    expect(after.held).toBe(0);
    expect(Math.round((before.balance - after.balance) * 1000)).toBe(
      settled === 'released' ? 0 : Math.round(settled.capturedTokens * 1000),
    );
  }

  it('a submit answer that is lost, and a lookup that times out too: keeps asking by the external id, one Kling job, charged once', async () => {
    const t = await gateway();
    fake.kling.faults.push('hang-after-create');
    // The first lookups by external_task_id time out as well: the outcome stays unknown a while longer.
    fake.hangingPolls = 2;
    const before = await tokens(t);
    const { done, seen } = await runWatching(t);
    expect(done.json.status).toBe('succeeded');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(seen.some((s) => s.status === 'running' && s.reconciling?.code === 'start_answer_lost')).toBe(
      true,
    );
    expect(done.json.reconciling).toBeNull();
    expect(done.json.providerAttempts).toEqual([
      {
        provider: 'kling',
        upstreamId: fake.kling.tasks[0]?.id,
        outcome: 'succeeded',
        error: expect.objectContaining({ code: 'provider_unavailable' }),
        at: expect.any(String),
      },
    ]);
    await expectLedger(t, done.json.id, before, { capturedTokens: done.json.chargedTokens });
  });

  it('a poll that times out: the generation stays running, reconciling, and is settled from the next answer', async () => {
    const t = await gateway();
    fake.hangingPolls = 2;
    const before = await tokens(t);
    const { done, seen } = await runWatching(t);
    expect(done.json.status).toBe('succeeded');
    expect(seen.some((s) => s.status === 'running' && s.reconciling?.code === 'upstream_unreachable')).toBe(
      true,
    );
    expect(fake.kling.tasks).toHaveLength(1);
    expect(done.json.providerAttempts.map((a: { outcome: string }) => a.outcome)).toEqual(['succeeded']);
    await expectLedger(t, done.json.id, before, { capturedTokens: done.json.chargedTokens });
  });

  it('an upstream that never answers again: after the reconcile window, upstream_outcome_unknown, released, recorded', async () => {
    const t = await gateway({ REELAY_RECONCILE_GIVE_UP_SECONDS: '1' });
    fake.hangingPolls = 1_000_000;
    const before = await tokens(t);
    const { done, seen } = await runWatching(t);
    expect(seen.some((s) => s.reconciling?.code === 'upstream_unreachable')).toBe(true);
    expect(done.json.status).toBe('failed');
    expect(done.json.error.code).toBe('upstream_outcome_unknown');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(done.json.providerAttempts).toEqual([
      expect.objectContaining({
        provider: 'kling',
        upstreamId: fake.kling.tasks[0]?.id,
        outcome: 'unknown',
        error: expect.objectContaining({ code: 'upstream_outcome_unknown' }),
      }),
    ]);
    await expectLedger(t, done.json.id, before, 'released');
  });

  it('a deadline that passes while Kling still works: running and reconciling until Kling succeeds, then stored and charged', async () => {
    const t = await gateway({ REELAY_MODEL_DEADLINES: '{"kling-3.0-omni":1}' });
    fake.pollsToFinish = Number.POSITIVE_INFINITY;
    const before = await tokens(t);
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    expect(created.status).toBe(202);
    let g = await t.api('GET', `/api/v1/generations/${created.json.id}`);
    for (let i = 0; i < 2000 && g.json.reconciling?.code !== 'deadline_exceeded'; i++) {
      await sleep(25);
      g = await t.api('GET', `/api/v1/generations/${created.json.id}`);
    }
    // The client is told of the deadline; nothing is settled on a guess while Kling (which has no cancel) works.
    expect(g.json.status).toBe('running');
    expect(g.json.reconciling.code).toBe('deadline_exceeded');
    expect(g.json.warnings.map((w: { code: string }) => w.code)).toContain('deadline_exceeded');
    expect((await tokens(t)).held).toBeGreaterThan(0);
    fake.pollsToFinish = 0;
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.outputs).toHaveLength(1);
    expect(done.json.reconciling).toBeNull();
    expect(done.json.chargedTokens).toBeGreaterThan(0);
    expect(fake.kling.tasks).toHaveLength(1);
    await expectLedger(t, done.json.id, before, { capturedTokens: done.json.chargedTokens });
  });

  it('a deadline on Replicate sends its cancel and settles from its answer: canceled upstream, released', async () => {
    const t = await gateway({
      REELAY_ROUTES: '{"kling-3.0-omni":["replicate"]}',
      REELAY_MODEL_DEADLINES: '{"kling-3.0-omni":1}',
    });
    fake.pollsToFinish = Number.POSITIVE_INFINITY;
    const before = await tokens(t);
    const { done } = await runWatching(t);
    expect(done.json.status).toBe('failed');
    expect(done.json.error.code).toBe('deadline_exceeded');
    expect(done.json.error.message).toContain('Replicate reports the prediction canceled');
    expect(fake.replicate.tasks).toHaveLength(1);
    expect(fake.replicate.cancels).toEqual([fake.replicate.tasks[0]?.id]);
    await expectLedger(t, done.json.id, before, 'released');
  });

  /** Creates the request and waits until the upstream's id of its work is recorded. */
  async function startedUpstream(t: TestGateway) {
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    expect(created.status).toBe(202);
    let g = await t.api('GET', `/api/v1/generations/${created.json.id}`);
    for (let i = 0; i < 2000 && !g.json.providerAttempts[0]?.upstreamId; i++) {
      await sleep(25);
      g = await t.api('GET', `/api/v1/generations/${created.json.id}`);
    }
    expect(g.json.providerAttempts[0]?.upstreamId).toBeTruthy();
    return created.json.id as string;
  }

  it('a cancel while Replicate works sends its cancel and releases once the prediction is canceled', async () => {
    const t = await gateway({ REELAY_ROUTES: '{"kling-3.0-omni":["replicate"]}' });
    fake.pollsToFinish = Number.POSITIVE_INFINITY;
    const before = await tokens(t);
    const id = await startedUpstream(t);
    const canceled = await t.api('POST', `/api/v1/generations/${id}/cancel`);
    expect(canceled.json.status).toBe('canceled');
    expect(canceled.json.reconciling.code).toBe('cancel_requested');
    let g = canceled;
    for (let i = 0; i < 2000 && g.json.reconciling !== null; i++) {
      await sleep(25);
      g = await t.api('GET', `/api/v1/generations/${id}`);
    }
    expect(g.json.status).toBe('canceled');
    expect(g.json.chargedTokens).toBeNull();
    expect(g.json.outputs).toEqual([]);
    expect(fake.replicate.tasks).toHaveLength(1);
    expect(fake.replicate.cancels).toEqual([fake.replicate.tasks[0]?.id]);
    await expectLedger(t, id, before, 'released');
    // The release after the upstream's answer is an event of its own, after `canceled`.
    expect((await eventTypes(t, id)).slice(-2)).toEqual(['generation.canceled', 'generation.settled']);
  });

  it('a cancel that reaches Replicate after the prediction finished is charged, the outputs kept, and says why', async () => {
    // No poll of its own before the cancel: the prediction finishes upstream unseen.
    const t = await gateway({
      REELAY_ROUTES: '{"kling-3.0-omni":["replicate"]}',
      REELAY_UPSTREAM_POLL_MS: '600000',
    });
    fake.pollsToFinish = Number.POSITIVE_INFINITY;
    const before = await tokens(t);
    const id = await startedUpstream(t);
    const task = fake.replicate.tasks[0];
    if (task) task.done = true;
    // A receiver on a closed port: the deliveries are recorded whether or not they get through.
    await t.gateway.db.query('UPDATE generations SET webhook_url = $2 WHERE id = $1', [
      id,
      'http://127.0.0.1:9/hook',
    ]);
    const canceled = await t.api('POST', `/api/v1/generations/${id}/cancel`);
    expect(canceled.json.status).toBe('canceled');
    let g = canceled;
    for (let i = 0; i < 2000 && g.json.reconciling !== null; i++) {
      await sleep(25);
      g = await t.api('GET', `/api/v1/generations/${id}`);
    }
    expect(g.json.status).toBe('canceled');
    expect(g.json.chargedTokens).toBeGreaterThan(0);
    expect(g.json.outputs).toHaveLength(1);
    expect(g.json.error.message).toContain('had already finished the work when the cancel reached it');
    expect(fake.replicate.tasks).toHaveLength(1);
    expect(fake.replicate.cancels).toHaveLength(1);
    await expectLedger(t, id, before, { capturedTokens: g.json.chargedTokens });
    // The receiver was told `canceled` before the money moved, then `settled` with the charge and the outputs.
    expect((await eventTypes(t, id)).slice(-2)).toEqual(['generation.canceled', 'generation.settled']);
    const sent = await t.gateway.db.query<{ event_type: string; charged: string | null }>(
      `SELECT event_type, snapshot->>'charged_milli' AS charged FROM webhook_deliveries
       WHERE generation_id = $1 ORDER BY created_at, id`,
      [id],
    );
    expect(sent.map((d) => d.event_type)).toEqual(['generation.canceled', 'generation.settled']);
    expect(sent[0]?.charged).toBeNull();
    expect(Number(sent[1]?.charged)).toBe(Math.round(g.json.chargedTokens * 1000));
  });

  it('an output URL that expired once: the upstream is asked again and the output stored, one job, charged once', async () => {
    const t = await gateway();
    fake.expiringOutputs = 1;
    const before = await tokens(t);
    const { done } = await runWatching(t);
    expect(done.json.status).toBe('succeeded');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(fake.outputDownloads).toBe(1);
    await expectLedger(t, done.json.id, before, { capturedTokens: done.json.chargedTokens });
  });

  it('an output URL that stays expired: output_lost, released, the attempt log says so, never a second job', async () => {
    const t = await gateway();
    fake.outputStatus = 410;
    const before = await tokens(t);
    const { done } = await runWatching(t);
    expect(done.json.status).toBe('failed');
    expect(done.json.error.code).toBe('output_lost');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(done.json.providerAttempts).toEqual([
      expect.objectContaining({
        outcome: 'succeeded',
        error: expect.objectContaining({ code: 'output_lost' }),
      }),
    ]);
    await expectLedger(t, done.json.id, before, 'released');
  });
});

describe('a gateway process killed between the submit answer and storing it', () => {
  const children: ChildProcess[] = [];
  let dataDir = '';
  let fake: FakeUpstreams | undefined;
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await fake?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('finds the Kling job by its external id after a restart: one job, succeeded, charged exactly once', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reelay-killed-'));
    fake = await startFakeUpstreams({
      accessKey: AK,
      secretKey: SK,
      replicateToken: R8,
      videoFile: await makeTestVideo(dataDir),
    });
    const port = await freePort();
    const env = {
      REELAY_DATA_DIR: join(dataDir, 'gateway'),
      PORT: String(port),
      REELAY_DEV_KEY: KEY,
      REELAY_LEASE_SECONDS: '5',
      REELAY_WORKER_POLL_MS: '100',
      REELAY_KLING_ACCESS_KEY: AK,
      REELAY_KLING_SECRET_KEY: SK,
      REELAY_KLING_BASE_URL: fake.base,
      REELAY_ROUTES: '{"kling-3.0-omni":["kling"]}',
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    };
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers.
      const json: any = await r.json();
      return { status: r.status, json };
    };

    const first = await startProcess({ ...env, REELAY_TEST_FAULTS: 'exit-after-start-answer' }, KEY);
    children.push(first);
    const before = (await call('GET', '/api/v1/account')).json.tokens as Tokens;
    const created = await call('POST', '/api/v1/generations', REQUEST);
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    await new Promise<void>((resolve) =>
      first.exitCode !== null || first.signalCode !== null ? resolve() : first.once('exit', () => resolve()),
    );
    expect(first.signalCode).toBe('SIGKILL');
    // Kling took the job; its answer died with the process.
    expect(fake.kling.tasks).toHaveLength(1);

    const second = await startProcess(env, KEY);
    children.push(second);
    let g = await call('GET', `/api/v1/generations/${id}`);
    expect(g.json.status).toBe('running');
    for (let i = 0; i < 600 && !['succeeded', 'failed'].includes(g.json.status); i++) {
      await sleep(100);
      g = await call('GET', `/api/v1/generations/${id}`);
    }
    expect(g.json.status).toBe('succeeded');
    expect(fake.kling.tasks).toHaveLength(1);
    expect(g.json.providerAttempts).toEqual([
      expect.objectContaining({
        provider: 'kling',
        upstreamId: fake.kling.tasks[0]?.id,
        outcome: 'succeeded',
      }),
    ]);
    const after = (await call('GET', '/api/v1/account')).json.tokens as Tokens;
    expect(after.held).toBe(0);
    expect(Math.round((before.balance - after.balance) * 1000)).toBe(Math.round(g.json.chargedTokens * 1000));
  }, 120_000);
});
