import { join } from 'node:path';
import pg from 'pg';
import { makeAccounts } from '../lib/accounts.ts';
import { type Child, libFile, startChild } from '../lib/child.ts';
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
import { hammer } from '../lib/load.ts';

const ACCOUNTS = 16;

import { createDatabase } from '../lib/postgres.ts';
import { quantile, sleep } from '../lib/stats.ts';

const UPSTREAM = libFile('upstream-main.ts');

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
}

async function reelayRun(
  ctx: BenchContext,
  url: string,
  upstream: string,
  workers: number,
  n: number,
  m: number,
) {
  const env = gatewayEnv(join(ctx.tmp, `pipeline-${workers}-${Date.now()}`), url, {
    BENCH_UPSTREAM: upstream,
    BENCH_PROTOCOL: 'tasks',
    BENCH_POLL_MS: '1000',
  });
  const api = await startGateway(env, 'api');
  const db = new pg.Pool({ connectionString: url, max: 2 });
  const procs: Child<GatewayInfo>[] = [];
  try {
    const keys = await makeAccounts(api.info.port, ACCOUNTS);
    await createMany(api.info.port, n, 32, keys);
    procs.push(...(await Promise.all(Array.from({ length: workers }, () => startGateway(env, 'worker')))));
    const done = `SELECT count(*)::int AS n FROM generations WHERE status = 'succeeded'`;
    await waitForCount(db, done, n, 300_000);
    const failed = await db.query(`SELECT count(*)::int AS n FROM generations WHERE status <> 'succeeded'`);
    if ((failed.rows[0]?.n ?? 0) > 0) throw new Error(`${failed.rows[0]?.n} generations did not succeed`);
    const drain = await db.query<{ s: number }>(
      `SELECT EXTRACT(EPOCH FROM max(completed_at) - min(started_at))::float8 AS s FROM generations`,
    );
    const marker = await db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
    await createMany(api.info.port, m, 4, keys);
    await waitForCount(db, done, n + m, 120_000);
    const lat = await db.query<{ ms: number }>(
      `SELECT EXTRACT(EPOCH FROM completed_at - created_at)::float8 * 1000 AS ms FROM generations WHERE created_at > $1`,
      [marker.rows[0]?.t],
    );
    const ms = lat.rows.map((r) => r.ms);
    return { perSecond: n / (drain.rows[0]?.s ?? 1), p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await api.stop();
    await db.end();
  }
}

async function bareRun(url: string, upstream: string, workers: number, n: number, m: number): Promise<Phase> {
  const db = new pg.Pool({ connectionString: url, max: 5 });
  const procs: Child<object>[] = [];
  try {
    await db.query(`CREATE TABLE bench_jobs (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT clock_timestamp());
      CREATE TABLE bench_done (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, done_at timestamptz NOT NULL)`);
    await db.query(
      'INSERT INTO bench_jobs (created_at) SELECT clock_timestamp() FROM generate_series(1, $1)',
      [n],
    );
    const env = { BENCH_DATABASE_URL: url, BENCH_UPSTREAM: upstream, BENCH_LOOPS: '4' };
    const script = libFile('bare-queue-worker-main.ts');
    procs.push(
      ...(await Promise.all(Array.from({ length: workers }, () => startChild<object>(script, env)))),
    );
    const done = 'SELECT count(*)::int AS n FROM bench_done';
    await waitForCount(db, done, n, 300_000);
    const drain = await db.query<{ s: number }>(
      'SELECT EXTRACT(EPOCH FROM max(done_at) - min(done_at))::float8 AS s FROM bench_done',
    );
    const marker = await db.query<{ t: Date }>('SELECT clock_timestamp() AS t');
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next++ < m)
          await db.query(
            `WITH j AS (INSERT INTO bench_jobs DEFAULT VALUES RETURNING id) SELECT pg_notify('bench_jobs', '')`,
          );
      }),
    );
    await waitForCount(db, done, n + m, 120_000);
    const lat = await db.query<{ ms: number }>(
      'SELECT EXTRACT(EPOCH FROM done_at - created_at)::float8 * 1000 AS ms FROM bench_done WHERE created_at > $1',
      [marker.rows[0]?.t],
    );
    const ms = lat.rows.map((r) => r.ms);
    return { perSecond: (n - 1) / (drain.rows[0]?.s || 1), p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await db.end();
  }
}

/** 2. Generations through the whole pipeline against an upstream that completes at once. */
export const pipelineBenchmark: Benchmark = {
  name: 'pipeline',
  title: 'Pipeline (create → worker → upstream → succeeded), PostgreSQL',
  async run(ctx) {
    if (!ctx.postgresUrl)
      return { figures: [], notes: ['Skipped: needs PostgreSQL (several worker processes).'] };
    const n = ctx.quick ? 100 : 300;
    const m = ctx.quick ? 20 : 60;
    const upstream = await startChild<{ port: number }>(UPSTREAM, { BENCH_TASK_MS: '0' });
    const upstreamUrl = `http://127.0.0.1:${upstream.info.port}/v1`;
    const runs: Figure[][] = [];
    try {
      for (let run = 1; run <= ctx.runs; run++) {
        const figures: Figure[] = [];
        for (const workers of [1, 2, 4]) {
          const a = await createDatabase(ctx.postgresUrl);
          const r = await reelayRun(ctx, a.url, upstreamUrl, workers, n, m).finally(() => a.drop());
          const b = await createDatabase(ctx.postgresUrl);
          const base = await bareRun(b.url, upstreamUrl, workers, n, m).finally(() => b.drop());
          ctx.log(
            `  run ${run}, ${workers} worker process(es): ${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms; bare ${base.perSecond.toFixed(0)}/s p50 ${base.p50.toFixed(1)} ms`,
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
          );
        }
        runs.push(figures);
      }
    } finally {
      await upstream.stop();
    }
    const goals: Record<string, (f: Figure) => boolean> = {};
    for (const w of ['1 worker process', '2 worker processes', '4 worker processes']) {
      goals[`completed/s, ${w}`] = (f) => f.value >= 300;
      goals[`create→succeeded p50, ${w}`] = (f) => f.value < 50;
    }
    const figures = medianFigures(runs, goals);
    for (const f of figures) {
      if (f.name.startsWith('completed/s')) f.goal = '≥ 300/s';
      if (f.name.includes('p50')) f.goal = '< 50 ms';
    }
    return {
      figures,
      notes: [
        `Creates go through ${ACCOUNTS} accounts' keys in turn (made through the admin API): one account's creates and captures share its balance row, each held through a commit, so a single account is bounded by commit latency (see the create figures); the pipeline figures measure the workers.`,
        `Throughput: ${n} generations created over HTTP first, then the worker processes (4 loops each) started; completed/s = ${n} ÷ (last completed_at − first started_at), from the database's own timestamps.`,
        `Latency: with the workers running, ${m} more creates at 4 connections; create→succeeded = completed_at − created_at of each (server clock, no client polling).`,
        'Upstream: bench/lib/upstream-main.ts in its own process, a task API that is done at once. Reelay reaches it through the bench-only LoopbackProvider (bench/lib/loopback-provider.ts), registered through createGateway({ providers }) under the id `local` because test keys always route to `local`; it downloads the output (a 64×64 PNG) into the work folder, the only outputs the worker accepts today, and the worker then stores it as an asset (sniffed, probed with sharp, hashed, moved).',
        'Baseline: the same number of bare worker processes (4 loops each, LISTEN/NOTIFY wake-ups) on a fresh database of the same server doing only claim (DELETE … FOR UPDATE SKIP LOCKED), start, status, download and one INSERT per job.',
      ],
    };
  },
};
