import { join } from 'node:path';
import { libFile, startChild } from '../lib/child.ts';
import { createGenerations } from '../lib/create-ids.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { authHeaders, BENCH_KEY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { hammer, type LoadResult } from '../lib/load.ts';
import { createDatabase } from '../lib/postgres.ts';

const CONNECTIONS = 64;
/** Measured seconds per figure (after a 1 s warm-up). */
const SECONDS = 8;
/** Generations created before the load, whose ids the requests go through in turn. */
const GENERATIONS = 1000;

type Db = 'PGlite' | 'PostgreSQL';

function poll(port: number, ids: string[], seconds: number): Promise<LoadResult> {
  return hammer({
    url: `http://127.0.0.1:${port}/api/v1/generations/${ids[0]}`,
    paths: ids.map((id) => `/api/v1/generations/${id}`),
    headers: authHeaders(BENCH_KEY),
    connections: CONNECTIONS,
    seconds,
    warmupSeconds: 1,
  });
}

async function oneRun(ctx: BenchContext, db: Db, run: number): Promise<Figure[]> {
  const seconds = ctx.quick ? 3 : SECONDS;
  const n = ctx.quick ? 200 : GENERATIONS;
  const pg = db === 'PostgreSQL' && ctx.postgresUrl ? await createDatabase(ctx.postgresUrl) : null;
  const env = gatewayEnv(join(ctx.tmp, `status-${db}-${run}`), pg?.url ?? null);
  try {
    const gateway = await startGateway(env, 'api');
    let ids: string[];
    let reelay: LoadResult;
    try {
      ids = await createGenerations(gateway.info.port, n);
      reelay = await poll(gateway.info.port, ids, seconds);
    } finally {
      await gateway.stop();
    }
    const bare = await startChild<{ port: number }>(libFile('bare-select-main.ts'), env);
    const baseline = await poll(bare.info.port, ids, seconds).finally(() => bare.stop());
    ctx.log(
      `  ${db} run ${run}: Reelay ${reelay.rps.toFixed(0)} req/s p99 ${reelay.p99} ms (${reelay.failures} failed); bare ${baseline.rps.toFixed(0)} req/s p99 ${baseline.p99} ms`,
    );
    if (reelay.failures > 0 || baseline.failures > 0)
      throw new Error(`${db}: requests failed: Reelay ${reelay.detail}; bare ${baseline.detail}`);
    const b = 'bare node:http + the same SELECT';
    const at = `${db}, ${CONNECTIONS} connections`;
    return [
      {
        name: `GET /api/v1/generations/{id} req/s, ${at}`,
        unit: 'req/s',
        value: reelay.rps,
        baseline: baseline.rps,
        baselineName: b,
      },
      {
        name: `GET /api/v1/generations/{id} p99, ${at}`,
        unit: 'ms',
        value: reelay.p99,
        baseline: baseline.p99,
        baselineName: b,
      },
    ];
  } finally {
    await pg?.drop();
  }
}

/** Status polling: GET /api/v1/generations/{id} against a bare server doing the same SELECT by id. */
export const statusBenchmark: Benchmark = {
  name: 'status',
  title: 'Status polling (GET /api/v1/generations/{id})',
  async run(ctx) {
    const runs: Figure[][] = [];
    const dbs: Db[] = ctx.postgresUrl ? ['PostgreSQL', 'PGlite'] : ['PGlite'];
    for (const db of dbs) for (let i = 1; i <= ctx.runs; i++) runs.push(await oneRun(ctx, db, i));
    const goalName = `GET /api/v1/generations/{id} req/s, PostgreSQL, ${CONNECTIONS} connections`;
    const figures = medianFigures(runs, { [goalName]: (f) => (f.ratio ?? 0) >= 0.8 });
    for (const f of figures) if (f.name === goalName) f.goal = '≥ 0.8× baseline';
    return {
      figures,
      notes: [
        `${ctx.quick ? 200 : GENERATIONS} generations created through the API (an API-only process, so they stay queued), then autocannon, ${CONNECTIONS} connections, ${ctx.quick ? 3 : SECONDS} s after a 1 s warm-up, the requests going through their ids in turn, with the development key as Bearer; a fresh database per run.`,
        'Baseline: bare node:http doing the same one indexed SELECT by id (`SELECT * FROM generations WHERE id = $1`) on the same database after the gateway stopped (bench/lib/bare-select-main.ts), a pg.Pool of 10 (the gateway’s pool size) on PostgreSQL, the PGlite instance on its folder on PGlite, answering the row as JSON; no authentication.',
      ],
    };
  },
};
