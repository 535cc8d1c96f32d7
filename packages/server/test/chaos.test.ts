import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPostgresDatabase } from './databases.ts';
import { makeTestVideo } from './loopback-fixture.ts';
import { type LoopbackUpstream, seeded, startLoopbackUpstream } from './loopback-upstream.ts';

const WORKER = fileURLToPath(new URL('./loopback-worker.ts', import.meta.url));
const KEY = 'rl_test_chaoschaoschaoschaos01';
const GENERATIONS = 300;
const REQUEST = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'chaos', resolution: '720p', duration: 3 },
};

/** Starts a loopback worker process and resolves once it is ready. */
async function startWorker(env: Record<string, string>, upstream: LoopbackUpstream, video: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, upstream.url, video], {
    env: { ...process.env, ...env, LOG_LEVEL: 'fatal' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('loopback worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('chaos on PostgreSQL', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  });

  it(`drives ${GENERATIONS} generations to success exactly once while workers are killed with SIGKILL`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'reelay-chaos-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const video = await makeTestVideo(dataDir);
    const upstream = await startLoopbackUpstream({ taskMs: 1500 });
    cleanup.push(() => upstream.close());
    const pgdb = await createPostgresDatabase();
    cleanup.push(() => pgdb.drop());
    const env = {
      DATABASE_URL: pgdb.url,
      REELAY_DATA_DIR: dataDir,
      REELAY_DEV_KEY: KEY,
      REELAY_DEV_TOKENS: '100000',
      REELAY_MAX_CONCURRENT_GENERATIONS: '100000',
      REELAY_KEY_RATE_PER_MINUTE: '100000',
      REELAY_LEASE_SECONDS: '5',
      REELAY_WORKER_POLL_MS: '200',
      REELAY_WORKER_CONCURRENCY: '8',
    };
    const api: Gateway = await createGateway(loadConfig({ ...env, PORT: '0' }), { role: 'api' });
    cleanup.push(() => api.close());
    await api.http.listen({ port: 0, host: '127.0.0.1' });
    const address = api.http.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const base = `http://127.0.0.1:${address.port}`;

    const workerEnv = { ...env, REELAY_DEV_ACCOUNT: 'off' };
    const workers: ChildProcess[] = await Promise.all(
      [0, 1, 2].map(() => startWorker(workerEnv, upstream, video)),
    );
    cleanup.push(async () => {
      for (const w of workers) w.kill('SIGKILL');
    });

    const random = seeded(7);
    let kills = 0;
    const finalCount = async () =>
      (
        await api.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM generations WHERE status IN ('succeeded', 'failed', 'canceled')`,
        )
      )[0]?.n ?? 0;
    let creating = true;
    const ready = new Set<ChildProcess>(workers);
    const restarts: Promise<void>[] = [];
    // Every ~2 s a ready worker dies with SIGKILL and a new one starts in its place, from the first create
    // to the last result; the replacements boot while the others go on killing and working.
    const chaos = (async () => {
      for (let round = 0; round < 60 && (creating || (await finalCount()) < GENERATIONS); round++) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const candidates = [...ready];
        const child = candidates[Math.floor(random() * candidates.length)];
        if (!child || candidates.length < 2) continue;
        ready.delete(child);
        child.kill('SIGKILL');
        await exited(child);
        kills++;
        const slot = workers.indexOf(child);
        restarts.push(
          startWorker(workerEnv, upstream, video).then((replacement) => {
            workers[slot] = replacement;
            ready.add(replacement);
          }),
        );
      }
      await Promise.all(restarts);
    })();

    const ids: string[] = [];
    try {
      for (let batch = 0; batch < GENERATIONS / 20; batch++) {
        const created = await Promise.all(
          Array.from({ length: 20 }, async () => {
            const r = await fetch(`${base}/api/v1/generations`, {
              method: 'POST',
              headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
              body: JSON.stringify(REQUEST),
            });
            expect(r.status).toBe(202);
            return ((await r.json()) as { id: string }).id;
          }),
        );
        ids.push(...created);
      }
    } finally {
      creating = false;
    }
    await chaos;
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));

    const statuses = await api.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM generations GROUP BY status',
    );
    expect(statuses).toEqual([{ status: 'succeeded', n: GENERATIONS }]);
    expect(kills).toBeGreaterThanOrEqual(5);

    // The upstream saw one start per generation: no generation ran twice, none was lost.
    expect(upstream.tasks).toHaveLength(GENERATIONS);
    expect(new Set(upstream.tasks.map((t) => t.generationId))).toEqual(new Set(ids));

    // The ledger: one hold and one capture per generation, no release, and the balance agrees to the token.
    const entries = await api.db.query<{ kind: string; n: number; generations: number; milli: number }>(
      `SELECT kind, count(*)::int AS n, count(DISTINCT generation_id)::int AS generations,
              sum(amount_milli)::float8 AS milli
       FROM ledger_entries WHERE generation_id IS NOT NULL GROUP BY kind ORDER BY kind`,
    );
    expect(entries.map((e) => [e.kind, e.n, e.generations])).toEqual([
      ['capture', GENERATIONS, GENERATIONS],
      ['hold', GENERATIONS, GENERATIONS],
    ]);
    const captured = entries.find((e) => e.kind === 'capture')?.milli ?? 0;
    const charged = await api.db.query<{ milli: number }>(
      'SELECT sum(charged_milli)::float8 AS milli FROM generations',
    );
    expect(charged[0]?.milli).toBe(captured);
    expect(captured).toBe(GENERATIONS * 25_500);
    const balance = await fetch(`${base}/api/v1/account`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(((await balance.json()) as { tokens: unknown }).tokens).toEqual({
      balance: 100_000 - captured / 1000,
      held: 0,
      available: 100_000 - captured / 1000,
    });
    expect(await api.db.query('SELECT generation_id FROM jobs')).toEqual([]);
  }, 180_000);
});
