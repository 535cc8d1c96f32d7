import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPostgresDatabase } from './databases.ts';
import { seeded } from './loopback-upstream.ts';
import { startProcess } from './processes.ts';

const KEY = 'rl_test_renderchaosrenderchaos01';
const GENERATIONS = 24;
/** Kills, one every ~2 s from the first create on; the burst outlasts them. */
const KILLS = 5;
/** The bound: every generation has finished this long after the last kill. */
const FINISHED_WITHIN_MS = 60_000;
/** One video (a few seconds of ffmpeg) to every two images (sharp alone). */
const requestOf = (i: number) =>
  i % 3 === 0
    ? {
        type: 'video',
        model: 'kling-3.0-omni',
        input: { prompt: 'rendered once', resolution: '720p', duration: 3 },
      }
    : { type: 'image', model: 'nano-banana', input: { prompt: 'rendered once' } };

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Every file under `dir` (relative paths), skipping dot folders; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((path) => !path.split('/').some((part) => part.startsWith('.')))
    .sort();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the local renderer on three worker processes killed with SIGKILL', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  });

  it(`renders each of ${GENERATIONS} generations once, leaves nothing on disk and finishes soon after the last kill`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'reelay-render-chaos-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
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
      REELAY_WORKER_CONCURRENCY: '4',
      REELAY_RENDER_CONCURRENCY: '1',
      REELAY_ORPHAN_GRACE_SECONDS: '10',
      REELAY_ASSET_SWEEP_SECONDS: '1',
      REELAY_SHUTDOWN_SECONDS: '5',
    };
    const api: Gateway = await createGateway(loadConfig({ ...env, PORT: '0' }), { role: 'api' });
    cleanup.push(() => api.close());
    await api.http.listen({ port: 0, host: '127.0.0.1' });
    const address = api.http.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const base = `http://127.0.0.1:${address.port}`;

    const workerEnv = { ...env, REELAY_DEV_ACCOUNT: 'off', PORT: '0' };
    const startWorker = () => startProcess(workerEnv, 'Reelay worker', ['worker']);
    const workers: ChildProcess[] = await Promise.all([0, 1, 2].map(startWorker));
    cleanup.push(async () => {
      for (const w of workers) w.kill('SIGKILL');
    });

    const unfinished = async () =>
      (
        await api.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM generations WHERE status NOT IN ('succeeded', 'failed', 'canceled')`,
        )
      )[0]?.n ?? 0;

    const random = seeded(11);
    const killed = new Set<number>();
    let lastKillAt = 0;
    let creating = true;
    const ready = new Set<ChildProcess>(workers);
    const restarts: Promise<void>[] = [];
    // Every ~2 s a ready worker dies with SIGKILL and a new one starts in its place; the replacements boot while
    // the others go on working.
    const chaos = (async () => {
      while (killed.size < KILLS) {
        await sleep(2000);
        if (!creating && (await unfinished()) === 0) break;
        const candidates = [...ready];
        const child = candidates[Math.floor(random() * candidates.length)];
        if (!child || candidates.length < 2) continue;
        ready.delete(child);
        child.kill('SIGKILL');
        await exited(child);
        killed.add(child.pid ?? -1);
        lastKillAt = Date.now();
        const slot = workers.indexOf(child);
        restarts.push(
          startWorker().then((replacement) => {
            workers[slot] = replacement;
            ready.add(replacement);
          }),
        );
      }
      await Promise.all(restarts);
    })();

    const created = await Promise.all(
      Array.from({ length: GENERATIONS }, async (_, i) => {
        const r = await fetch(`${base}/api/v1/generations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify(requestOf(i)),
        });
        expect(r.status).toBe(202);
        return ((await r.json()) as { id: string }).id;
      }),
    ).finally(() => {
      creating = false;
    });
    await chaos;
    expect(killed.size).toBeGreaterThanOrEqual(4);
    expect(lastKillAt).toBeGreaterThan(0);

    // All finished within the bound after the last kill.
    while ((await unfinished()) > 0 && Date.now() - lastKillAt < FINISHED_WITHIN_MS) await sleep(250);
    expect(await unfinished()).toBe(0);
    const finishedAt = (
      await api.db.query<{ at: Date }>(
        `SELECT max(completed_at) AS at FROM generations WHERE status IN ('succeeded', 'failed', 'canceled')`,
      )
    )[0]?.at;
    expect(new Date(finishedAt ?? 0).getTime() - lastKillAt).toBeLessThan(FINISHED_WITHIN_MS);

    // Unreferenced output files (a worker killed between storing and recording) are swept; what is left in storage
    // is exactly the files the asset rows name (each output's file, its thumbnail and its sidecar manifest). Bounded
    // like the generations.
    const storage = join(dataDir, 'storage');
    const keys = async () =>
      (
        await api.db.query<{ storage_key: string | null }>(
          `SELECT storage_key FROM assets UNION ALL SELECT thumbnail_key FROM assets WHERE thumbnail_key IS NOT NULL
           UNION ALL SELECT manifest_key FROM assets WHERE manifest_key IS NOT NULL`,
        )
      )
        .map((r) => r.storage_key ?? '')
        .sort();
    while (
      JSON.stringify(await filesUnder(storage)) !== JSON.stringify(await keys()) &&
      Date.now() - lastKillAt < FINISHED_WITHIN_MS
    )
      await sleep(250);
    expect(await filesUnder(storage)).toEqual(await keys());

    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));

    // Nothing left in the renders folder.
    expect(await readdir(join(dataDir, 'renders')).catch(() => [])).toEqual([]);

    // Every generation succeeded exactly once, with one output.
    const statuses = await api.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM generations GROUP BY status',
    );
    expect(statuses).toEqual([{ status: 'succeeded', n: GENERATIONS }]);
    const outputs = await api.db.query<{ generation_id: string; n: number }>(
      `SELECT generation_id, count(*)::int AS n FROM assets WHERE source = 'output' GROUP BY generation_id`,
    );
    expect(new Set(outputs.map((o) => o.generation_id))).toEqual(new Set(created));
    expect(outputs.every((o) => o.n === 1)).toBe(true);

    // One render per generation, as the renderer counts them: each generation's one finished run, and runs lost only
    // with a killed process, each taken over once (at most one per killed process: it had one render slot).
    const runs = await api.db.query<{ generation_id: string; run: number; state: string; owner: string }>(
      'SELECT generation_id, run, state, owner FROM local_renders ORDER BY generation_id, run',
    );
    const done = runs.filter((r) => r.state === 'done');
    expect(done.map((r) => r.generation_id).sort()).toEqual([...created].sort());
    const lost = runs.filter((r) => r.state !== 'done');
    for (const r of lost) {
      expect(r.state).toBe('lost');
      expect(killed).toContain(Number(/:(\d+):[^:]+$/.exec(r.owner)?.[1]));
    }
    const lostByOwner = new Map<string, number>();
    for (const r of lost) lostByOwner.set(r.owner, (lostByOwner.get(r.owner) ?? 0) + 1);
    for (const n of lostByOwner.values()) expect(n).toBe(1);
    for (const id of created) {
      const mine = runs.filter((r) => r.generation_id === id);
      expect(mine.map((r) => r.run)).toEqual(mine.map((_, i) => i + 1));
      expect(mine.at(-1)?.state).toBe('done');
    }
    process.stdout.write(
      `render chaos: ${killed.size} kills, ${runs.length} runs for ${GENERATIONS} generations (${lost.length} lost with a killed process), all finished ${new Date(finishedAt ?? 0).getTime() - lastKillAt} ms after the last kill\n`,
    );

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
    const balance = await fetch(`${base}/api/v1/account`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(((await balance.json()) as { tokens: unknown }).tokens).toEqual({
      balance: 100_000 - captured / 1000,
      held: 0,
      available: 100_000 - captured / 1000,
    });
    expect(await api.db.query('SELECT generation_id FROM jobs')).toEqual([]);
  }, 150_000);
});
