import { join } from 'node:path';
import type { Json } from '@reelay/catalog';
import type pg from 'pg';
import { renderImage } from '../../packages/server/src/providers/local/render-image.ts';
import { renderSpecFor } from '../../packages/server/src/providers/local/render-spec.ts';
import { makeAccounts } from '../lib/accounts.ts';
import { type Child, libFile, startChild } from '../lib/child.ts';
import { backendCpu, backendCpuSpent, cpuMsOf } from '../lib/cpu.ts';
import { createGenerations } from '../lib/create-ids.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import {
  authHeaders,
  BENCH_KEY,
  CREATE_BODY,
  type GatewayInfo,
  gatewayEnv,
  startGateway,
} from '../lib/gateway-env.ts';
import { imageRequest } from '../lib/image-request.ts';
import { hammer } from '../lib/load.ts';

const ACCOUNTS = 16;

import { benchPool, createDatabase } from '../lib/postgres.ts';
import { quantile, sleep } from '../lib/stats.ts';

const UPSTREAM = libFile('upstream-main.ts');
/** Pause between the creates of the latency phase: one at a time, well below the drain rate. */
const GAP_MS = 50;

/** Polls `sql` (a count) until it reaches `n`; throws after `timeoutMs`. */
async function waitForCount(db: pg.Pool, sql: string, n: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(sql);
    if ((rows[0]?.n ?? 0) >= n) return;
    if (Date.now() > until) throw new Error(`only ${rows[0]?.n} of ${n} done after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function createMany(port: number, amount: number, connections: number, keys: string[]): Promise<void> {
  const r = await hammer({
    keys,
    url: `http://127.0.0.1:${port}/api/v1/generations`,
    method: 'POST',
    headers: authHeaders(BENCH_KEY),
    body: CREATE_BODY,
    connections,
    amount,
  });
  if (r.failures > 0) throw new Error(`${r.failures} of ${amount} creates failed (${r.detail})`);
}

interface Phase {
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU ms per generation of the throughput phase: the worker processes, and the database backends. */
  workerCpuMs: number;
  dbCpuMs: number;
}

/** CPU readings of the worker processes and of the database's backends, taken around a drain. */
async function cpuReading(db: pg.Pool, pids: number[]) {
  return { workers: pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0), db: await backendCpu(db) };
}

/** One run's Reelay side: a database, an API process and accounts, shared by the worker counts in turn. */
interface ReelaySide {
  env: Record<string, string>;
  port: number;
  keys: string[];
  db: pg.Pool;
}

/**
 * With no worker running, `n` creates leave `n` queued generations; then `workers` worker processes start
 * and drain them; then `m` more creates, one at a time, measure create→succeeded. Counts only this
 * phase's generations (created after its first timestamp).
 */
async function reelayPhase(side: ReelaySide, workers: number, n: number, m: number): Promise<Phase> {
  const { db } = side;
  const since = (await db.query<{ t: Date }>('SELECT clock_timestamp() AS t')).rows[0]?.t;
  const count = (status: string) =>
    `SELECT count(*)::int AS n FROM generations WHERE created_at > '${since?.toISOString()}' AND status ${status}`;
  const procs: Child<GatewayInfo>[] = [];
  try {
    await createMany(side.port, n, 32, side.keys);
    procs.push(
      ...(await Promise.all(Array.from({ length: workers }, () => startGateway(side.env, 'worker')))),
    );
    const cpuBefore = await cpuReading(
      db,
      procs.map((p) => p.pid),
    );
    await waitForCount(db, count(`= 'succeeded'`), n, 300_000);
    const cpuAfter = await cpuReading(
      db,
      procs.map((p) => p.pid),
    );
    const failed = await db.query<{ n: number }>(count(`<> 'succeeded'`));
    if ((failed.rows[0]?.n ?? 0) > 0) throw new Error(`${failed.rows[0]?.n} generations did not succeed`);
    const drain = await db.query<{ s: number }>(
      `SELECT EXTRACT(EPOCH FROM max(completed_at) - min(started_at))::float8 AS s FROM generations
       WHERE created_at > $1`,
      [since],
    );
    const marker = await db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
    for (let i = 0; i < m; i++) {
      const r = await fetch(`http://127.0.0.1:${side.port}/api/v1/generations`, {
        method: 'POST',
        headers: authHeaders(side.keys[i % side.keys.length] ?? BENCH_KEY),
        body: CREATE_BODY,
      });
      if (r.status !== 202) throw new Error(`create answered ${r.status}: ${await r.text()}`);
      await sleep(GAP_MS);
    }
    await waitForCount(db, count(`= 'succeeded'`), n + m, 120_000);
    const lat = await db.query<{ ms: number }>(
      `SELECT EXTRACT(EPOCH FROM completed_at - created_at)::float8 * 1000 AS ms FROM generations WHERE created_at > $1`,
      [marker.rows[0]?.t],
    );
    const ms = lat.rows.map((r) => r.ms);
    return {
      perSecond: n / (drain.rows[0]?.s || 1),
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
      workerCpuMs: (cpuAfter.workers - cpuBefore.workers) / n,
      dbCpuMs: backendCpuSpent(cpuBefore.db, cpuAfter.db) / n,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}

/** The same phases for bare worker processes, on their own tables (emptied before each phase). */
async function barePhase(
  db: pg.Pool,
  url: string,
  upstream: string,
  workers: number,
  n: number,
  m: number,
): Promise<Phase> {
  const procs: Child<object>[] = [];
  try {
    await db.query('TRUNCATE bench_jobs, bench_done');
    await db.query(
      'INSERT INTO bench_jobs (created_at) SELECT clock_timestamp() FROM generate_series(1, $1)',
      [n],
    );
    const env = { BENCH_DATABASE_URL: url, BENCH_UPSTREAM: upstream, BENCH_LOOPS: '4' };
    const script = libFile('bare-queue-worker-main.ts');
    procs.push(
      ...(await Promise.all(Array.from({ length: workers }, () => startChild<object>(script, env)))),
    );
    const cpuBefore = await cpuReading(
      db,
      procs.map((p) => p.pid),
    );
    const done = 'SELECT count(*)::int AS n FROM bench_done';
    await waitForCount(db, done, n, 300_000);
    const cpuAfter = await cpuReading(
      db,
      procs.map((p) => p.pid),
    );
    const drain = await db.query<{ s: number }>(
      'SELECT EXTRACT(EPOCH FROM max(done_at) - min(done_at))::float8 AS s FROM bench_done',
    );
    const marker = await db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
    for (let i = 0; i < m; i++) {
      await db.query(
        `WITH j AS (INSERT INTO bench_jobs DEFAULT VALUES RETURNING id) SELECT pg_notify('bench_jobs', '')`,
      );
      await sleep(GAP_MS);
    }
    await waitForCount(db, done, n + m, 120_000);
    const lat = await db.query<{ ms: number }>(
      'SELECT EXTRACT(EPOCH FROM done_at - created_at)::float8 * 1000 AS ms FROM bench_done WHERE created_at > $1',
      [marker.rows[0]?.t],
    );
    const ms = lat.rows.map((r) => r.ms);
    return {
      perSecond: (n - 1) / (drain.rows[0]?.s || 1),
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
      workerCpuMs: (cpuAfter.workers - cpuBefore.workers) / n,
      dbCpuMs: backendCpuSpent(cpuBefore.db, cpuAfter.db) / n,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}

/** One run: Reelay and bare phases for 1, 2 and 4 worker processes, each side on its own fresh database. */
async function oneRun(
  ctx: BenchContext,
  postgresUrl: string,
  upstream: string,
  run: number,
  n: number,
  m: number,
): Promise<Figure[]> {
  const a = await createDatabase(postgresUrl);
  const b = await createDatabase(postgresUrl);
  const env = gatewayEnv(join(ctx.tmp, `pipeline-${run}`), a.url, {
    BENCH_UPSTREAM: upstream,
    BENCH_PROTOCOL: 'tasks',
    BENCH_POLL_MS: '1000',
  });
  const reelayDb = benchPool(a.url, 2);
  const bareDb = benchPool(b.url, 5);
  let api: Child<GatewayInfo> | null = null;
  const figures: Figure[] = [];
  try {
    api = await startGateway(env, 'api');
    const side = {
      env,
      port: api.info.port,
      keys: await makeAccounts(api.info.port, ACCOUNTS),
      db: reelayDb,
    };
    await bareDb.query(`CREATE TABLE bench_jobs (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT clock_timestamp());
      CREATE TABLE bench_done (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, done_at timestamptz NOT NULL)`);
    for (const workers of [1, 2, 4]) {
      const r = await reelayPhase(side, workers, n, m);
      const base = await barePhase(bareDb, b.url, upstream, workers, n, m);
      ctx.log(
        `  run ${run}, ${workers} worker process(es): ${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms; bare ${base.perSecond.toFixed(0)}/s p50 ${base.p50.toFixed(1)} ms; CPU per generation: workers ${r.workerCpuMs.toFixed(2)} ms (bare ${base.workerCpuMs.toFixed(2)}), database ${r.dbCpuMs.toFixed(2)} ms (bare ${base.dbCpuMs.toFixed(2)})`,
      );
      const bn = `bare SKIP LOCKED worker, ${workers} proc.`;
      const w = `${workers} worker process${workers > 1 ? 'es' : ''}`;
      figures.push(
        {
          name: `completed/s, ${w}`,
          unit: '/s',
          value: r.perSecond,
          baseline: base.perSecond,
          baselineName: bn,
        },
        {
          name: `create→succeeded p50, ${w}`,
          unit: 'ms',
          value: r.p50,
          baseline: base.p50,
          baselineName: bn,
        },
        {
          name: `create→succeeded p99, ${w}`,
          unit: 'ms',
          value: r.p99,
          baseline: base.p99,
          baselineName: bn,
        },
        {
          name: `worker CPU ms per generation, ${w}`,
          unit: 'ms',
          value: r.workerCpuMs,
          baseline: base.workerCpuMs,
          baselineName: bn,
        },
        {
          name: `database CPU ms per generation, ${w}`,
          unit: 'ms',
          value: r.dbCpuMs,
          baseline: base.dbCpuMs,
          baselineName: bn,
        },
      );
    }
    return figures;
  } finally {
    await api?.stop();
    await reelayDb.end();
    await bareDb.end();
    await a.drop();
    await b.drop();
  }
}

interface GenerationTimes {
  id: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  error: unknown;
}

/**
 * Waits until every one of `ids` has ended and returns their JSON: the list of the key's generations is read every
 * `everyMs` (one request for all of them, so the waiting adds little load to the process it measures; the times
 * come from the generations' own timestamps, not from when they were seen).
 */
async function waitEnded(
  port: number,
  ids: string[],
  timeoutMs: number,
  everyMs = 200,
): Promise<GenerationTimes[]> {
  const until = Date.now() + timeoutMs;
  const wanted = new Set(ids);
  for (;;) {
    const seen = new Map<string, GenerationTimes>();
    let cursor: string | null = null;
    do {
      const r = await fetch(
        `http://127.0.0.1:${port}/api/v1/generations?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: authHeaders(BENCH_KEY) },
      );
      const page = (await r.json()) as { data: GenerationTimes[]; nextCursor: string | null };
      for (const g of page.data) if (wanted.has(g.id)) seen.set(g.id, g);
      cursor = page.nextCursor;
    } while (cursor);
    const ended = ids
      .map((id) => seen.get(id))
      .filter((g) => g && g.status !== 'queued' && g.status !== 'running');
    if (ended.length === ids.length) {
      const failed = ended.find((g) => g?.status !== 'succeeded');
      if (failed) throw new Error(`generation ${failed.status}: ${JSON.stringify(failed.error)}`);
      return ended as GenerationTimes[];
    }
    if (Date.now() > until) throw new Error(`${ids.length - ended.length} still going after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : 0);

/**
 * The embedded default, as `npm start` runs it: one process (API and worker) on PGlite with the local
 * renderer. `n` image creates at once (8 connections), then `m` one at a time; against the same sharp render
 * (renderImage with the spec the local renderer makes of the same request) called directly in a loop.
 */
async function localRun(ctx: BenchContext, run: number, n: number, m: number): Promise<Figure[]> {
  const request = imageRequest();
  const renderSlots = 2; // REELAY_RENDER_CONCURRENCY's default
  const gateway = await startGateway(gatewayEnv(join(ctx.tmp, `pipeline-local-${run}`), null), 'all');
  let perSecond: number;
  let latencies: number[];
  try {
    const ids = await createGenerations(gateway.info.port, n, { concurrency: 8, body: request.body });
    const all = await waitEnded(gateway.info.port, ids, 300_000);
    const first = Math.min(...all.map((g) => ms(g.startedAt)));
    const last = Math.max(...all.map((g) => ms(g.completedAt)));
    perSecond = n / ((last - first) / 1000 || 1);
    latencies = [];
    for (let i = 0; i < m; i++) {
      const r = await fetch(`http://127.0.0.1:${gateway.info.port}/api/v1/generations`, {
        method: 'POST',
        headers: authHeaders(BENCH_KEY),
        body: request.body,
      });
      const g = (await r.json()) as { id: string };
      if (r.status >= 300) throw new Error(`create answered ${r.status}: ${JSON.stringify(g)}`);
      const [done] = await waitEnded(gateway.info.port, [g.id], 60_000, 50);
      latencies.push(ms(done?.completedAt ?? null) - ms(done?.createdAt ?? null));
      await sleep(GAP_MS);
    }
  } finally {
    await gateway.stop();
  }
  const body = JSON.parse(request.body) as { input: Record<string, Json> };
  const spec = renderSpecFor({ model: request.model, type: 'image', input: body.input, media: [] });
  if (spec.kind !== 'image') throw new Error(`${request.model} is not rendered as an image`);
  const dir = join(ctx.tmp, `pipeline-local-bare-${run}`);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: renderSlots }, async () => {
      while (next < n) await renderImage(spec, join(dir, String(next++)));
    }),
  );
  const barePerSecond = n / ((performance.now() - t0) / 1000);
  const bareLatencies: number[] = [];
  for (let i = 0; i < m; i++) {
    const t = performance.now();
    await renderImage(spec, join(dir, `one-${i}`));
    bareLatencies.push(performance.now() - t);
  }
  const p50 = quantile(latencies, 0.5);
  const bareP50 = quantile(bareLatencies, 0.5);
  ctx.log(
    `  PGlite run ${run}, ${request.model} (local renderer): ${perSecond.toFixed(1)}/s p50 ${p50.toFixed(0)} ms; bare renderImage ${barePerSecond.toFixed(1)}/s p50 ${bareP50.toFixed(0)} ms`,
  );
  const bn = `sharp render (renderImage) in a loop, ${renderSlots} at a time`;
  return [
    {
      name: `completed/s, PGlite, local renderer, ${request.model}`,
      unit: '/s',
      value: perSecond,
      baseline: barePerSecond,
      baselineName: bn,
    },
    {
      name: `create→succeeded p50, PGlite, local renderer, ${request.model}`,
      unit: 'ms',
      value: p50,
      baseline: bareP50,
      baselineName: 'the same sharp render alone, one at a time',
    },
  ];
}

/** 2. Generations through the whole pipeline against an upstream that completes at once. */
export const pipelineBenchmark: Benchmark = {
  name: 'pipeline',
  title:
    'Pipeline (create → worker → succeeded): PostgreSQL with a loopback upstream, PGlite with the local renderer',
  async run(ctx) {
    const n = ctx.quick ? 100 : 300;
    const m = ctx.quick ? 20 : 60;
    const localN = ctx.quick ? 10 : 40;
    const localM = ctx.quick ? 5 : 15;
    const runs: Figure[][] = [];
    if (ctx.postgresUrl) {
      const upstream = await startChild<{ port: number }>(UPSTREAM, { BENCH_TASK_MS: '0' });
      const upstreamUrl = `http://127.0.0.1:${upstream.info.port}/v1`;
      try {
        for (let run = 1; run <= ctx.runs; run++)
          runs.push(await oneRun(ctx, ctx.postgresUrl, upstreamUrl, run, n, m));
      } finally {
        await upstream.stop();
      }
    }
    for (let run = 1; run <= ctx.runs; run++) runs.push(await localRun(ctx, run, localN, localM));
    const goals: Record<string, (f: Figure) => boolean> = {};
    const goalText = new Map<string, string>();
    const goal = (name: string, text: string, check: (f: Figure) => boolean) => {
      goals[name] = check;
      goalText.set(name, text);
    };
    for (const w of ['1 worker process', '2 worker processes'])
      goal(`completed/s, ${w}`, '≥ 0.6× baseline', (f) => (f.ratio ?? 0) >= 0.6);
    for (const w of ['1 worker process', '2 worker processes', '4 worker processes'])
      goal(`create→succeeded p50, ${w}`, '< 15 ms', (f) => f.value < 15);
    const model = imageRequest().model;
    goal(`completed/s, PGlite, local renderer, ${model}`, '≥ 0.5× baseline', (f) => (f.ratio ?? 0) >= 0.5);
    goal(
      `create→succeeded p50, PGlite, local renderer, ${model}`,
      '≤ 2× baseline (0.5× its speed)',
      (f) => (f.ratio ?? Number.POSITIVE_INFINITY) <= 2,
    );
    const figures = medianFigures(runs, goals);
    for (const f of figures) {
      const text = goalText.get(f.name);
      if (text) f.goal = text;
    }
    const image = imageRequest();
    const imageInput = (JSON.parse(image.body) as { input: Record<string, Json> }).input;
    return {
      figures,
      notes: [
        `Creates go through ${ACCOUNTS} accounts' keys in turn (made through the admin API): one account's creates and captures share its balance row, each held through a commit, so a single account is bounded by commit latency (see the create figures); the pipeline figures measure the workers.`,
        `Each run has one fresh database and one API process for Reelay (and another fresh database for the baseline), used by the 1, 2 and 4 worker phases in turn. Throughput: ${n} generations created over HTTP while no worker runs, then the worker processes (4 loops each) started; completed/s = ${n} ÷ (last completed_at − first started_at), from the database's own timestamps.`,
        `Latency: with the workers running and idle, ${m} more creates one at a time, ${GAP_MS} ms apart (well below the drain rate, so no queue builds up); create→succeeded = completed_at − created_at of each (server clock, no client polling).`,
        'Upstream: bench/lib/upstream-main.ts in its own process, a task API that is done at once. Reelay reaches it through the bench-only LoopbackProvider (bench/lib/loopback-provider.ts), registered through createGateway({ providers }) under the id `local` because test keys always route to `local`; it hands back the output URL (a 64×64 PNG), which the worker downloads with its guarded fetch (hashed as it streams), sniffs, decodes in full with sharp and moves into storage as an asset, as it does any upstream output.',
        'CPU per generation (where the time goes, read from /proc while the throughput phase drains): the worker processes’ user + system time, and that of the PostgreSQL backends connected to the side’s database (the server runs on this machine), each divided by the generations drained; the bare side’s the same way.',
        'Baseline: the same number of bare worker processes (4 loops each, LISTEN/NOTIFY wake-ups) on their own tables in the same server doing only claim (DELETE … FOR UPDATE SKIP LOCKED), start, status, download and one INSERT per job.',
        `Embedded default (PGlite, local renderer): one process with API and worker as \`npm start\` runs it, on a fresh data folder, rendering ${image.model} (the catalog's first image model, its example input: ${String(imageInput.imageSize ?? '')} ${String(imageInput.aspectRatio ?? '')}) with the real local renderer (sharp). Throughput: ${localN} creates at once (8 connections), completed/s = ${localN} ÷ (last completedAt − first startedAt); latency: ${localM} creates one at a time, each followed to the end by reading the generations list every 50 ms (every 200 ms while the throughput creates drain: one request for all, so the waiting takes little from the process measured), create→succeeded = completedAt − createdAt of the generation. Baseline: the renderer's own renderImage with the spec it makes of the same request, called directly in a loop, 2 at a time (REELAY_RENDER_CONCURRENCY's default) for throughput and one at a time for latency; Reelay adds the create, queue, claim, storing the output as an asset (sniffed, probed with sharp, hashed, moved) and the capture.`,
      ],
    };
  },
};
