import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from './fake-upstreams.ts';
import { startGateway, type TestGateway, waitForFinal } from './harness.ts';
import { makeTestVideo } from './loopback-fixture.ts';
import { startProcess } from './processes.ts';

const KEY = 'rl_live_processesprocesses0001';
const AK = 'ak_processes';
const SK = 'sk_processes_secret';
const R8 = 'r8_processes_token';
const CAP = 2;
const COUNT = 6;

describe('upstream capacity and failover across two worker processes on PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let dir = '';
  let fake: FakeUpstreams | null = null;
  let t: TestGateway | null = null;
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await t?.stop();
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps at most the cap running on Kling, queues the rest, fails over once, starts each generation once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-upstream-procs-'));
    fake = await startFakeUpstreams({
      accessKey: AK,
      secretKey: SK,
      replicateToken: R8,
      videoFile: await makeTestVideo(dir),
    });
    fake.pollsToFinish = 4;
    // The first two creates on Kling find it down: those two generations move to Replicate.
    for (let i = 0; i < 2; i++)
      fake.kling.faults.push({ status: 503, body: { code: 5001, message: 'maintenance', request_id: 'r' } });
    const env = {
      REELAY_DEV_KEY: KEY,
      REELAY_KLING_ACCESS_KEY: AK,
      REELAY_KLING_SECRET_KEY: SK,
      REELAY_KLING_BASE_URL: fake.base,
      REELAY_KLING_MAX_CONCURRENT: String(CAP),
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_ROUTES: '{"kling-3.0-omni":["kling","replicate"]}',
      REELAY_UPSTREAM_POLL_MS: '100',
      REELAY_WORKER_POLL_MS: '100',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    };
    // The API in this process claims nothing; two worker processes do all the work.
    t = await startGateway('postgres', { ...env, REELAY_WORKER_CONCURRENCY: '0' });
    const workerEnv = {
      ...env,
      DATABASE_URL: (t.gateway.config.database as { url: string }).url,
      REELAY_DATA_DIR: t.dataDir,
      REELAY_WORKER_CONCURRENCY: '4',
    };
    for (let i = 0; i < 2; i++) children.push(await startProcess(workerEnv, 'Reelay worker', ['worker']));

    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const created = await t.api('POST', '/api/v1/generations', {
        type: 'video',
        model: 'kling-3.0-omni',
        input: { prompt: `scene ${i}`, aspectRatio: '1:1', duration: 3, audioEnabled: false },
      });
      expect(created.status).toBe(202);
      ids.push(created.json.id);
    }
    // While Kling holds its cap, the others wait queued (not failed). Each look is one list read, a snapshot
    // of all six; a generation runs on Kling while its last attempt there is live (a rejected one is waiting to
    // move on, its slot given back).
    type Listed = { status: string; providerAttempts: { provider: string; outcome: string }[] };
    const liveOnKling = (g: Listed) => {
      const last = g.providerAttempts.at(-1);
      return (
        g.status === 'running' &&
        last?.provider === 'kling' &&
        ['requested', 'accepted', 'unknown', 'succeeded'].includes(last.outcome)
      );
    };
    let sawQueuedWhileFull = false;
    for (let i = 0; i < 400 && !sawQueuedWhileFull; i++) {
      const statuses: Listed[] = (await t.api('GET', '/api/v1/generations?limit=100')).json.data;
      expect(statuses).toHaveLength(COUNT);
      const runningOnKling = statuses.filter(liveOnKling).length;
      expect(runningOnKling).toBeLessThanOrEqual(CAP);
      expect(statuses.filter((g) => g.status === 'failed')).toEqual([]);
      sawQueuedWhileFull = runningOnKling === CAP && statuses.some((g) => g.status === 'queued');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(sawQueuedWhileFull).toBe(true);

    const finals = [];
    for (const id of ids) finals.push((await waitForFinal(t, id, {}, 120_000)).json);
    expect(finals.map((g) => g.status)).toEqual(Array(COUNT).fill('succeeded'));
    expect(fake.kling.maxActive).toBeLessThanOrEqual(CAP);
    // Every generation was started upstream exactly once, on one provider.
    const started = [
      ...fake.kling.tasks.map((task) => task.externalId),
      ...fake.replicate.tasks.map((task) => task.id),
    ];
    expect(started).toHaveLength(COUNT);
    expect(new Set(fake.kling.tasks.map((task) => task.externalId)).size).toBe(fake.kling.tasks.length);
    const onReplicate = finals.filter((g) => g.provider === 'replicate');
    expect(onReplicate).toHaveLength(2);
    for (const g of onReplicate) {
      expect(
        g.providerAttempts.map((a: { provider: string; outcome: string }) => `${a.provider}:${a.outcome}`),
      ).toEqual(['kling:rejected', 'replicate:succeeded']);
    }
    const onKling = finals.filter((g) => g.provider === 'kling');
    expect(onKling.map((g) => g.id).sort()).toEqual(fake.kling.tasks.map((task) => task.externalId).sort());
  });
});
