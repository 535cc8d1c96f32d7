import { join } from 'node:path';
import pg from 'pg';
import { makeAccounts } from '../lib/accounts.ts';
import { libFile, startChild } from '../lib/child.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { authHeaders, BENCH_KEY, CREATE_BODY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { hammer } from '../lib/load.ts';
import { benchPool, createDatabase } from '../lib/postgres.ts';
import { sleep } from '../lib/stats.ts';

/** Generations created through the API (and started by the worker) before the rest are cloned in SQL. */
const VIA_HTTP = 200;
/** Worker loops (REELAY_WORKER_CONCURRENCY): the default 4 cannot follow 10,000 ÷ 60 s on a loaded 2-core machine. */
const WORKER_LOOPS = 16;

async function upstreamStats(port: number): Promise<{ statusCalls: number; starts: number }> {
  return (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as {
    statusCalls: number;
    starts: number;
  };
}

async function rowsWritten(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (tup_inserted + tup_updated + tup_deleted)::float8 AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Brings `n` generations into flight: the first `viaHttp` through POST /api/v1/generations and the worker's
 * real start call, the rest cloned from one of those in SQL (new id and upstream task, status running); then
 * every job is made due at a random moment of the next poll interval, as in the steady state. Creating 10,000
 * through the API one by one would take most of the run on this machine; the create benchmark measures that.
 */
async function bringIntoFlight(
  databaseUrl: string,
  apiPort: number,
  upstreamPort: number,
  n: number,
  viaHttp: number,
  pollMs: number,
): Promise<void> {
  const r = await hammer({
    keys: await makeAccounts(apiPort, 16),
    url: `http://127.0.0.1:${apiPort}/api/v1/generations`,
    method: 'POST',
    headers: authHeaders(BENCH_KEY),
    body: CREATE_BODY,
    connections: 32,
    amount: viaHttp,
  });
  if (r.failures > 0) throw new Error(`${r.failures} of ${viaHttp} creates failed (${r.detail})`);
  const until = Date.now() + 300_000;
  for (;;) {
    const s = await upstreamStats(upstreamPort);
    if (s.starts >= viaHttp) break;
    if (Date.now() > until) throw new Error(`only ${s.starts} of ${viaHttp} started upstream`);
    await sleep(250);
  }
  // Its own connection, closed afterwards: a backend reports its row counts to pg_stat_database when it
  // exits, whereas an idle one may hold them back for seconds and spill them into the measured window.
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('BEGIN');
    const seeded = await client.query<{ id: string }>(
      `INSERT INTO generations
       SELECT (jsonb_populate_record(NULL::generations, to_jsonb(g) || jsonb_build_object(
         'id', 'gen_seed' || lpad(i::text, 8, '0'),
         'operation', jsonb_build_object('task', 'seed_' || i),
         'provider_attempts', '[]'::jsonb,
         'idempotency_key', NULL,
         'created_at', clock_timestamp()))).*
       FROM (SELECT * FROM generations WHERE status = 'running' AND operation IS NOT NULL LIMIT 1) g,
         generate_series(1, $1::int) i
       RETURNING id`,
      [n - viaHttp],
    );
    if (seeded.rowCount !== n - viaHttp) throw new Error(`seeded ${seeded.rowCount} of ${n - viaHttp}`);
    // Every job, the API-created ones included, is next due at a random moment of the coming poll interval.
    await client.query(
      `INSERT INTO jobs (generation_id) SELECT id FROM generations WHERE id LIKE 'gen_seed%'`,
    );
    await client.query(
      'UPDATE jobs SET run_at = clock_timestamp() + random() * make_interval(secs => $1::float8)',
      [pollMs / 1000],
    );
    // The seeded generations hold their tokens like the ones created through the API.
    await client.query(
      `UPDATE token_balances b SET held_milli = b.held_milli + s.held
       FROM (SELECT account_id, run_mode, sum(hold_milli)::bigint AS held FROM generations
             WHERE id LIKE 'gen_seed%' GROUP BY 1, 2) s
       WHERE b.account_id = s.account_id AND b.mode = s.run_mode`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    await client.end();
  }
}

async function oneRun(
  ctx: BenchContext,
  run: number,
  n: number,
  pollMs: number,
  windowMs: number,
): Promise<Figure[]> {
  const upstream = await startChild<{ port: number }>(libFile('upstream-main.ts'), {
    BENCH_TASK_MS: String(3_600_000),
    BENCH_ADOPT_TASKS: '1',
  });
  const database = await createDatabase(ctx.postgresUrl as string);
  const env = gatewayEnv(join(ctx.tmp, `in-flight-${run}`), database.url, {
    BENCH_UPSTREAM: `http://127.0.0.1:${upstream.info.port}/v1`,
    BENCH_PROTOCOL: 'tasks',
    BENCH_POLL_MS: String(pollMs),
  });
  const db = benchPool(database.url, 2);
  const api = await startGateway(env, 'api');
  const worker = await startGateway(
    { ...env, REELAY_WORKER_CONCURRENCY: String(WORKER_LOOPS) },
    'worker',
  ).catch(async (e) => {
    await api.stop();
    throw e;
  });
  try {
    await sleep(2000);
    const idle = { api: api.rssMb(), worker: worker.rssMb() };
    await bringIntoFlight(database.url, api.info.port, upstream.info.port, n, Math.min(n, VIA_HTTP), pollMs);
    await sleep(5000);
    const peak = { api: 0, worker: 0 };
    const s0 = await upstreamStats(upstream.info.port);
    const w0 = await rowsWritten(db);
    const t0 = performance.now();
    const tw0 = t0;
    while (performance.now() - t0 < windowMs) {
      peak.api = Math.max(peak.api, api.rssMb());
      peak.worker = Math.max(peak.worker, worker.rssMb());
      await sleep(500);
    }
    const s1 = await upstreamStats(upstream.info.port);
    const seconds = (performance.now() - t0) / 1000;
    await sleep(1500); // statistics reach pg_stat_database within about a second
    const w1 = await rowsWritten(db);
    // pg_stat_database lags by about a second at both reads: rows per second between the two reads.
    const rowsPerSecond = (w1 - w0) / ((performance.now() - tw0) / 1000);
    const running = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM generations WHERE status = 'running'`,
    );
    const statusPerSecond = (s1.statusCalls - s0.statusCalls) / seconds;
    const expected = n / (pollMs / 1000);
    ctx.log(
      `  run ${run}: ${running.rows[0]?.n} running; status calls ${statusPerSecond.toFixed(0)}/s (schedule ${expected.toFixed(0)}/s); rows ${rowsPerSecond.toFixed(0)}/s; RSS api ${peak.api.toFixed(0)} MB (idle ${idle.api.toFixed(0)}), worker ${peak.worker.toFixed(0)} MB (idle ${idle.worker.toFixed(0)})`,
    );
    const at = `${n} in flight`;
    return [
      {
        name: `API process RSS, ${at}`,
        unit: 'MB',
        value: peak.api,
        baseline: idle.api,
        baselineName: 'same process idle',
      },
      {
        name: `worker process RSS, ${at}`,
        unit: 'MB',
        value: peak.worker,
        baseline: idle.worker,
        baselineName: 'same process idle',
      },
      {
        name: `upstream status calls/s, ${at}`,
        unit: '/s',
        value: statusPerSecond,
        baseline: expected,
        baselineName: `schedule: ${n} ÷ ${pollMs / 1000} s`,
      },
      {
        name: `database rows written/s, ${at}`,
        unit: '/s',
        value: rowsPerSecond,
        baseline: statusPerSecond,
        baselineName: 'status calls/s',
      },
    ];
  } finally {
    await worker.stop();
    await api.stop();
    await upstream.stop();
    await db.end();
    await database.drop();
  }
}

/** 3. Many generations running at once against a slow upstream: memory, writes and polling. */
export const inFlightBenchmark: Benchmark = {
  name: 'in-flight',
  title: 'In flight (slow upstream), PostgreSQL',
  async run(ctx) {
    if (!ctx.postgresUrl)
      return { figures: [], notes: ['Skipped: needs PostgreSQL (separate API and worker processes).'] };
    const n = ctx.quick ? 1000 : 10_000;
    const pollMs = ctx.quick ? 10_000 : 60_000;
    const windowMs = ctx.quick ? 5000 : 20_000;
    const runs: Figure[][] = [];
    for (let run = 1; run <= ctx.runs; run++) runs.push(await oneRun(ctx, run, n, pollMs, windowMs));
    const figures = medianFigures(runs, {
      [`API process RSS, ${n} in flight`]: (f) => f.value < 300,
      [`worker process RSS, ${n} in flight`]: (f) => f.value < 300,
      [`upstream status calls/s, ${n} in flight`]: (f) => (f.ratio ?? 0) >= 0.9 && (f.ratio ?? 0) <= 1.1,
    });
    for (const f of figures) {
      if (f.name.includes('RSS')) f.goal = '< 300 MB';
      if (f.name.includes('status calls')) f.goal = '≈ 1× schedule';
    }
    return {
      figures,
      notes: [
        `${n} generations in flight against an upstream whose tasks take an hour, one API process and one worker process (REELAY_WORKER_CONCURRENCY=${WORKER_LOOPS}: each loop waits on the database and the upstream, and the default 4 fall behind 10,000 ÷ 60 s when the machine is busy) on a fresh PostgreSQL database, poll interval ${pollMs / 1000} s. The first ${VIA_HTTP} are created over HTTP (32 connections, 16 accounts' keys in turn) and started upstream by the worker; the other ${n - VIA_HTTP} are cloned from one of them in SQL (status running, their own upstream task ids, tokens held), then every job (those too) is made due at a random moment of the next poll interval: the steady state of ${n} in flight without spending the run on creating them (the create benchmark measures creates).`,
        `Then, after 5 s, a ${windowMs / 1000} s window: peak RSS sampled every 0.5 s from /proc, upstream status calls counted by the upstream itself, rows inserted+updated+deleted from pg_stat_database. Schedule = ${n} ÷ ${pollMs / 1000} s; a ratio below 1 means the worker could not keep up with the schedule, above 1 that it polls more often than configured.`,
      ],
    };
  },
};
