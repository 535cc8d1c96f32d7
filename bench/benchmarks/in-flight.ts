import { join } from 'node:path';
import pg from 'pg';
import { makeAccounts } from '../lib/accounts.ts';
import { libFile, startChild } from '../lib/child.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { authHeaders, BENCH_KEY, CREATE_BODY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { hammer } from '../lib/load.ts';
import { createDatabase } from '../lib/postgres.ts';
import { sleep } from '../lib/stats.ts';

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

async function oneRun(
  ctx: BenchContext,
  run: number,
  n: number,
  pollMs: number,
  windowMs: number,
): Promise<Figure[]> {
  const upstream = await startChild<{ port: number }>(libFile('upstream-main.ts'), {
    BENCH_TASK_MS: String(3_600_000),
  });
  const database = await createDatabase(ctx.postgresUrl as string);
  const env = gatewayEnv(join(ctx.tmp, `in-flight-${run}`), database.url, {
    BENCH_UPSTREAM: `http://127.0.0.1:${upstream.info.port}/v1`,
    BENCH_PROTOCOL: 'tasks',
    BENCH_POLL_MS: String(pollMs),
  });
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  const api = await startGateway(env, 'api');
  const worker = await startGateway(env, 'worker').catch(async (e) => {
    await api.stop();
    throw e;
  });
  try {
    await sleep(2000);
    const idle = { api: api.rssMb(), worker: worker.rssMb() };
    const r = await hammer({
      keys: await makeAccounts(api.info.port, 16),
      url: `http://127.0.0.1:${api.info.port}/api/v1/generations`,
      method: 'POST',
      headers: authHeaders(BENCH_KEY),
      body: CREATE_BODY,
      connections: 32,
      amount: n,
    });
    if (r.failures > 0) throw new Error(`${r.failures} of ${n} creates failed (${r.detail})`);
    const until = Date.now() + 600_000;
    for (;;) {
      const s = await upstreamStats(upstream.info.port);
      if (s.starts >= n) break;
      if (Date.now() > until) throw new Error(`only ${s.starts} of ${n} started upstream`);
      await sleep(500);
    }
    // One whole poll cycle so every generation is on the schedule, then the measured window.
    await sleep(pollMs);
    const peak = { api: 0, worker: 0 };
    const s0 = await upstreamStats(upstream.info.port);
    const w0 = await rowsWritten(db);
    const t0 = performance.now();
    while (performance.now() - t0 < windowMs) {
      peak.api = Math.max(peak.api, api.rssMb());
      peak.worker = Math.max(peak.worker, worker.rssMb());
      await sleep(500);
    }
    const seconds = (performance.now() - t0) / 1000;
    await sleep(1500); // statistics reach pg_stat_database within about a second
    const s1 = await upstreamStats(upstream.info.port);
    const w1 = await rowsWritten(db);
    const running = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM generations WHERE status = 'running'`,
    );
    const statusPerSecond = (s1.statusCalls - s0.statusCalls) / seconds;
    const expected = n / (pollMs / 1000);
    ctx.log(
      `  run ${run}: ${running.rows[0]?.n} running; status calls ${statusPerSecond.toFixed(0)}/s (schedule ${expected.toFixed(0)}/s); rows ${((w1 - w0) / seconds).toFixed(0)}/s; RSS api ${peak.api.toFixed(0)} MB (idle ${idle.api.toFixed(0)}), worker ${peak.worker.toFixed(0)} MB (idle ${idle.worker.toFixed(0)})`,
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
        value: (w1 - w0) / seconds,
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
    const n = ctx.quick ? 300 : 10_000;
    const pollMs = ctx.quick ? 3000 : 30_000;
    const windowMs = ctx.quick ? 4000 : 60_000;
    const runs: Figure[][] = [];
    const count = 1;
    for (let run = 1; run <= count; run++) runs.push(await oneRun(ctx, run, n, pollMs, windowMs));
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
        `${n} generations created over HTTP (32 connections, 16 accounts' keys in turn) against an upstream whose tasks take an hour, one API process and one worker process (4 loops) on a fresh PostgreSQL database, poll interval ${pollMs / 1000} s. Once all were started upstream and one poll cycle passed, a ${windowMs / 1000} s window: peak RSS sampled every 0.5 s from /proc, upstream status calls counted by the upstream, rows inserted+updated+deleted from pg_stat_database.`,
        'One run (it takes minutes); these figures are memory and counts, less noisy than timings.',
      ],
    };
  },
};
