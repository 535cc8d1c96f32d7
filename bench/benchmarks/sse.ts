import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { type Child, libFile, startChild } from '../lib/child.ts';
import { createGenerations } from '../lib/create-ids.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { BENCH_KEY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { benchPool, createDatabase } from '../lib/postgres.ts';
import { seedGenerations } from '../lib/seed-generations.ts';
import { openStreams } from '../lib/sse-clients.ts';
import { quantile, sleep } from '../lib/stats.ts';

/** Streams open at once on one process. */
const STREAMS = 10_000;
/** Status changes timed per side, one at a time. */
const CHANGES = 200;
/** Pause between two timed changes. */
const GAP_MS = 20;

/** This process's soft limit on open files (children inherit it), from /proc; null when unknown. */
function openFilesLimit(): number | null {
  try {
    const line = /Max open files\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return line === undefined || line === 'unlimited' ? null : Number(line);
  } catch {
    return null;
  }
}

interface Side {
  rssMb: number;
  latencies: number[];
}

/**
 * With streams open on `ids` (every one answered), waits 2 s and reads the server's RSS, then sets
 * `changed` to running one at a time, `GAP_MS` apart: each latency runs from just before the UPDATE is sent
 * to the first bytes of the stream carrying the marker.
 */
async function measureSide(
  server: Child<unknown>,
  db: pg.Pool,
  open: () => ReturnType<typeof openStreams>,
  changed: string[],
): Promise<Side> {
  const streams = await open();
  try {
    await sleep(2000);
    const rssMb = server.rssMb();
    const sentAt = new Map<string, number>();
    for (const id of changed) {
      sentAt.set(id, performance.now());
      await db.query(
        `UPDATE generations SET status = 'running', started_at = clock_timestamp() WHERE id = $1`,
        [id],
      );
      await sleep(GAP_MS);
    }
    const until = Date.now() + 10_000;
    while (changed.some((id) => !streams.receivedAt.has(id)) && Date.now() < until) await sleep(50);
    const missing = changed.filter((id) => !streams.receivedAt.has(id));
    if (missing.length > 0) throw new Error(`${missing.length} of ${changed.length} changes never arrived`);
    return {
      rssMb,
      latencies: changed.map((id) => (streams.receivedAt.get(id) ?? 0) - (sentAt.get(id) ?? 0)),
    };
  } finally {
    streams.close();
  }
}

async function oneRun(ctx: BenchContext, postgresUrl: string, run: number): Promise<Figure[]> {
  const n = ctx.quick ? 2000 : STREAMS;
  const m = ctx.quick ? 50 : CHANGES;
  const database = await createDatabase(postgresUrl);
  const db = benchPool(database.url, 2);
  const env = gatewayEnv(join(ctx.tmp, `sse-${run}`), database.url);
  try {
    const api = await startGateway(env, 'api');
    let reelay: Side;
    let ids: string[];
    try {
      ids = [...(await createGenerations(api.info.port, 1)), ...(await seedGenerations(db, n - 1, 'sse'))];
      reelay = await measureSide(
        api,
        db,
        () =>
          openStreams({
            port: api.info.port,
            ids,
            path: (id) => `/api/v1/generations/${id}/events`,
            headers: { authorization: `Bearer ${BENCH_KEY}` },
            marker: 'event: generation.running',
          }),
        ids.slice(0, m),
      );
    } finally {
      await api.stop();
    }
    const bare = await startChild<{ port: number }>(libFile('bare-sse-main.ts'), {
      BENCH_DATABASE_URL: database.url,
    });
    const base = await measureSide(
      bare,
      db,
      () =>
        openStreams({
          port: bare.info.port,
          ids,
          path: (id) => `/events/${id}`,
          headers: {},
          marker: 'event: change',
        }),
      ids.slice(m, 2 * m),
    ).finally(() => bare.stop());
    const p = (side: Side, q: number) => quantile(side.latencies, q);
    ctx.log(
      `  run ${run}, ${n} streams: Reelay RSS ${reelay.rssMb.toFixed(0)} MB, p50 ${p(reelay, 0.5).toFixed(1)} ms p99 ${p(reelay, 0.99).toFixed(1)} ms; bare RSS ${base.rssMb.toFixed(0)} MB, p50 ${p(base, 0.5).toFixed(1)} ms p99 ${p(base, 0.99).toFixed(1)} ms`,
    );
    const bn = 'bare LISTEN/NOTIFY fan-out, node:http';
    return [
      {
        name: `API process RSS, ${n} SSE streams`,
        unit: 'MB',
        value: reelay.rssMb,
        baseline: base.rssMb,
        baselineName: bn,
      },
      {
        name: `status change → SSE event p50, ${n} streams`,
        unit: 'ms',
        value: p(reelay, 0.5),
        baseline: p(base, 0.5),
        baselineName: bn,
      },
      {
        name: `status change → SSE event p99, ${n} streams`,
        unit: 'ms',
        value: p(reelay, 0.99),
        baseline: p(base, 0.99),
        baselineName: bn,
      },
    ];
  } finally {
    await db.end();
    await database.drop();
  }
}

/** 10,000 concurrent SSE streams on one API process against a bare LISTEN/NOTIFY fan-out server. */
export const sseBenchmark: Benchmark = {
  name: 'sse',
  title: 'Event streams (GET /api/v1/generations/{id}/events), PostgreSQL',
  async run(ctx) {
    if (!ctx.postgresUrl) return { figures: [], notes: ['Skipped: needs PostgreSQL.'] };
    // The load generator holds one socket per stream and the server one more each, plus their own files.
    const limit = openFilesLimit();
    const needed = (ctx.quick ? 2000 : STREAMS) + 1000;
    if (limit !== null && limit < needed)
      throw new Error(
        `open files are limited to ${limit}; raise it to at least ${needed} (ulimit -n ${needed})`,
      );
    const runs: Figure[][] = [];
    for (let run = 1; run <= ctx.runs; run++) runs.push(await oneRun(ctx, ctx.postgresUrl, run));
    const n = ctx.quick ? 2000 : STREAMS;
    const m = ctx.quick ? 50 : CHANGES;
    return {
      figures: medianFigures(runs),
      notes: [
        `One generation created through an API-only process, cloned in SQL into ${n} queued generations on a fresh PostgreSQL database; one SSE stream per generation (${n} sockets from 16 loopback source addresses, opened 100 at a time, each counted once it answered 200). RSS of the server process from /proc 2 s after the last stream opened.`,
        `Latency: ${m} status changes one at a time, ${GAP_MS} ms apart, each an UPDATE of one generation to running (the events trigger writes the event and sends the NOTIFY the servers listen to), timed from just before the UPDATE is sent to the first bytes of that stream carrying the event, on the load generator's clock; the other streams stay open and idle (Reelay's send a heartbeat and catch up every 15 s, the default).`,
        'Baseline: bench/lib/bare-sse-main.ts, node:http keeping the responses and one pg connection LISTENing on the same channel of the same database, writing each notification to its generation’s streams with no lookup; Reelay also authenticates each stream, reads the generation and reads each event from the database before sending it. Each side changes its own generations.',
      ],
    };
  },
};
