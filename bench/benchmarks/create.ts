import { join } from 'node:path';
import type pg from 'pg';
import { makeAccounts } from '../lib/accounts.ts';
import { libFile, startChild } from '../lib/child.ts';
import { cpuMeter } from '../lib/cpu.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { authHeaders, BENCH_KEY, CREATE_BODY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { hammer, type LoadResult } from '../lib/load.ts';
import { benchPool, createDatabase } from '../lib/postgres.ts';

const CONNECTIONS = 64;
/** Measured seconds per figure (after a 1 s warm-up). */
const SECONDS = 8;

const ACCOUNTS = 16;

/** A load's result with the CPU ms per answered request of the server process and of the database backends. */
type Measured = LoadResult & { processCpuMs: number; databaseCpuMs: number };

async function measure(
  server: { port: number; pid: number },
  db: pg.Pool | null,
  seconds: number,
  keys?: string[],
): Promise<Measured> {
  const meter = cpuMeter(server.pid, db);
  const port = server.port;
  const r = await hammer({
    measuring: meter.measuring,
    ...(keys ? { keys } : {}),
    url: `http://127.0.0.1:${port}/api/v1/generations`,
    method: 'POST',
    headers: authHeaders(BENCH_KEY),
    body: CREATE_BODY,
    connections: CONNECTIONS,
    seconds,
    warmupSeconds: 1,
  });
  const n = Math.max(r.total, 1);
  return { ...r, processCpuMs: meter.spent.processMs / n, databaseCpuMs: meter.spent.databaseMs / n };
}

async function oneRun(ctx: BenchContext, db: 'PGlite' | 'PostgreSQL', run: number): Promise<Figure[]> {
  const seconds = ctx.quick ? 2 : SECONDS;
  const pg = db === 'PostgreSQL' && ctx.postgresUrl ? await createDatabase(ctx.postgresUrl) : null;
  const env = gatewayEnv(join(ctx.tmp, `create-${db}-${run}`), pg?.url ?? null);
  const pool = pg ? benchPool(pg.url, 1) : null;
  try {
    const gateway = await startGateway(env, 'api');
    let reelay: Measured;
    let spread: Measured;
    const server = { port: gateway.info.port, pid: gateway.pid };
    try {
      reelay = await measure(server, pool, seconds);
      spread = await measure(server, pool, seconds, await makeAccounts(gateway.info.port, ACCOUNTS));
    } finally {
      await gateway.stop();
    }
    const bare = await startChild<{ port: number }>(libFile('bare-insert-main.ts'), env);
    const baseline = await measure({ port: bare.info.port, pid: bare.pid }, pool, seconds).finally(() =>
      bare.stop(),
    );
    const cpu = (m: Measured) =>
      `${m.processCpuMs.toFixed(3)} ms process${pool ? ` + ${m.databaseCpuMs.toFixed(3)} ms database` : ''}`;
    ctx.log(
      `  ${db} run ${run}: Reelay ${reelay.rps.toFixed(0)} req/s p99 ${reelay.p99} ms (${reelay.failures} failed); bare ${baseline.rps.toFixed(0)} req/s p99 ${baseline.p99} ms`,
    );
    ctx.log(`  ${db} run ${run}, CPU per create: Reelay ${cpu(reelay)}; bare ${cpu(baseline)}`);
    ctx.log(`  ${db} run ${run}, ${ACCOUNTS} accounts: ${spread.rps.toFixed(0)} req/s p99 ${spread.p99} ms`);
    if (reelay.failures > 0 || baseline.failures > 0 || spread.failures > 0)
      throw new Error(`${db}: requests failed: Reelay ${reelay.detail}; bare ${baseline.detail}`);
    const b = 'bare node:http + one INSERT';
    const at = `${db}, ${CONNECTIONS} connections`;
    return [
      {
        name: `create req/s, ${at}`,
        unit: 'req/s',
        value: reelay.rps,
        baseline: baseline.rps,
        baselineName: b,
      },
      { name: `create p50, ${at}`, unit: 'ms', value: reelay.p50, baseline: baseline.p50, baselineName: b },
      { name: `create p99, ${at}`, unit: 'ms', value: reelay.p99, baseline: baseline.p99, baselineName: b },
      {
        name: `create req/s, ${at}, ${ACCOUNTS} accounts`,
        unit: 'req/s',
        value: spread.rps,
        baseline: baseline.rps,
        baselineName: b,
      },
      {
        name: `create p99, ${at}, ${ACCOUNTS} accounts`,
        unit: 'ms',
        value: spread.p99,
        baseline: baseline.p99,
        baselineName: b,
      },
      {
        name: `server process CPU ms per create, ${at}`,
        unit: 'ms',
        value: reelay.processCpuMs,
        baseline: baseline.processCpuMs,
        baselineName: b,
      },
      ...(pool
        ? [
            {
              name: `database CPU ms per create, ${at}`,
              unit: 'ms',
              value: reelay.databaseCpuMs,
              baseline: baseline.databaseCpuMs,
              baselineName: b,
            },
          ]
        : []),
    ];
  } finally {
    await pool?.end();
    await pg?.drop();
  }
}

/** 1. POST /api/v1/generations against a bare server doing the same INSERT, on PGlite and PostgreSQL. */
export const createBenchmark: Benchmark = {
  name: 'create',
  title: 'Create overhead (POST /api/v1/generations)',
  async run(ctx) {
    const runs: Figure[][] = [];
    const dbs: ('PGlite' | 'PostgreSQL')[] = ctx.postgresUrl ? ['PGlite', 'PostgreSQL'] : ['PGlite'];
    for (const db of dbs) for (let i = 1; i <= ctx.runs; i++) runs.push(await oneRun(ctx, db, i));
    const goals: Record<string, (f: Figure) => boolean> = {};
    const goalText = new Map<string, string>();
    const goal = (name: string, text: string, check: (f: Figure) => boolean) => {
      goals[name] = check;
      goalText.set(name, text);
    };
    const pgAt = `PostgreSQL, ${CONNECTIONS} connections`;
    goal(`create req/s, ${pgAt}`, '≥ 0.7× baseline', (f) => (f.ratio ?? 0) >= 0.7);
    goal(`create req/s, ${pgAt}, ${ACCOUNTS} accounts`, '≥ 0.8× baseline', (f) => (f.ratio ?? 0) >= 0.8);
    for (const name of [`create p99, ${pgAt}`, `create p99, ${pgAt}, ${ACCOUNTS} accounts`])
      goal(name, '≤ 2× baseline p99', (f) => (f.ratio ?? Number.POSITIVE_INFINITY) <= 2);
    const liteAt = `PGlite, ${CONNECTIONS} connections`;
    for (const name of [`create req/s, ${liteAt}`, `create req/s, ${liteAt}, ${ACCOUNTS} accounts`])
      goal(name, '≥ 0.5× baseline', (f) => (f.ratio ?? 0) >= 0.5);
    const figures = medianFigures(runs, goals);
    for (const f of figures) {
      const text = goalText.get(f.name);
      if (text) f.goal = text;
    }
    return {
      figures,
      notes: [
        `autocannon, ${CONNECTIONS} connections, ${ctx.quick ? 2 : SECONDS} s after a 1 s warm-up, load generator on the same machine; a fresh database per run (PGlite folder or PostgreSQL database).`,
        `Single account: every connection uses the development key, so all creates contend for one account's row lock and balance row, each held through its transaction's commit (WAL flush); the gateway decides the creates that arrive while a batch is in the database together as the next batch (one transaction, one commit), so an account's creates go one batch after another. "${ACCOUNTS} accounts": the same load spread over ${ACCOUNTS} accounts made through the admin API (connections take their keys in turn).`,
        "Baseline: the simplest correct server, bare node:http reading the body and doing ONE INSERT of (id, account, model, input) into a table of those four columns per create (bench/lib/bare-insert-main.ts), through a pg.Pool of 10 connections (the gateway's pool size) on PostgreSQL, or a PGlite instance in its own folder on PGlite; the 16-accounts figures stand beside the same baseline.",
        'CPU per create (where the time goes, read from /proc over the measured requests): the server process’s user + system time (on PGlite the database runs inside it), and on PostgreSQL that of the server’s backends connected to the run’s database, each divided by the requests answered; the baseline’s the same way.',
        'Reelay runs as an API-only process (no worker), so every create leaves a queued generation and its job behind, as a burst of creates does.',
        "The development account's limits are lifted (10⁹ tokens, 10⁷ requests/min per key, 10⁷ generations in flight) so none is reached; the key's rate count, the concurrency check (against the account's open-generation counts) and the hold still run on every request.",
      ],
    };
  },
};
