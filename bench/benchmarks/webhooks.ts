import { join } from 'node:path';
import type pg from 'pg';
import { type Child, libFile, startChild } from '../lib/child.ts';
import { createGenerations } from '../lib/create-ids.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { CREATE_BODY, type GatewayInfo, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { benchPool, createDatabase } from '../lib/postgres.ts';
import { seedGenerations } from '../lib/seed-generations.ts';
import { sleep } from '../lib/stats.ts';

/** Deliveries drained per phase. */
const DELIVERIES = 1000;
/** Sending loops: the default REELAY_WEBHOOK_CONCURRENCY, then more. */
const CONCURRENCIES = [4, 16];

async function now(db: pg.Pool): Promise<string> {
  const { rows } = await db.query<{ t: string }>('SELECT clock_timestamp()::text AS t');
  return rows[0]?.t as string;
}

/**
 * `n` pending deliveries made after `since`: the first time by the events trigger itself (the seeded
 * generations, which carry the webhook URL, are set running: one `generation.running` delivery each), later
 * as copies of those rows under new ids, as the trigger inserts them.
 */
async function makeDeliveries(db: pg.Pool, n: number, first: boolean): Promise<string> {
  const since = await now(db);
  if (first) {
    await seedGenerations(db, n, 'wh');
    await db.query(
      `UPDATE generations SET status = 'running', started_at = clock_timestamp() WHERE id LIKE 'gen_wh%'`,
    );
  } else {
    await db.query(
      `INSERT INTO webhook_deliveries (id, account_id, mode, generation_id, event_id, event_type, url, snapshot)
       SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), account_id, mode, generation_id, event_id,
         event_type, url, snapshot
       FROM webhook_deliveries WHERE generation_id LIKE 'gen_wh%' ORDER BY created_at LIMIT $1`,
      [n],
    );
  }
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM webhook_deliveries WHERE created_at > $1 AND state = 'pending'`,
    [since],
  );
  if (rows[0]?.n !== n) throw new Error(`made ${rows[0]?.n} of ${n} deliveries`);
  return since;
}

/** Starts a worker process that only sends webhooks (no generation loops) and waits for the drain. */
async function reelayDrain(
  env: Record<string, string>,
  db: pg.Pool,
  since: string,
  n: number,
  loops: number,
) {
  let worker: Child<GatewayInfo> | null = null;
  try {
    worker = await startGateway(
      { ...env, REELAY_WORKER_CONCURRENCY: '0', REELAY_WEBHOOK_CONCURRENCY: String(loops) },
      'worker',
    );
    const until = Date.now() + 300_000;
    for (;;) {
      const { rows } = await db.query<{ done: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE state = 'succeeded')::int AS done,
                count(*) FILTER (WHERE state = 'failed' OR attempts > 0 AND state = 'pending')::int AS failed
         FROM webhook_deliveries WHERE created_at > $1`,
        [since],
      );
      if ((rows[0]?.failed ?? 0) > 0) throw new Error(`${rows[0]?.failed} deliveries failed`);
      if ((rows[0]?.done ?? 0) >= n) break;
      if (Date.now() > until) throw new Error(`only ${rows[0]?.done} of ${n} delivered`);
      await sleep(100);
    }
  } finally {
    await worker?.stop();
  }
  const { rows } = await db.query<{ s: number }>(
    `SELECT EXTRACT(EPOCH FROM max(delivered_at) - min(delivered_at))::float8 AS s FROM webhook_deliveries
     WHERE created_at > $1`,
    [since],
  );
  return (n - 1) / (rows[0]?.s || 1);
}

async function oneRun(ctx: BenchContext, postgresUrl: string, run: number): Promise<Figure[]> {
  const n = ctx.quick ? 500 : DELIVERIES;
  const database = await createDatabase(postgresUrl);
  const db = benchPool(database.url, 2);
  const receiver = await startChild<{ port: number }>(libFile('webhook-receiver-main.ts'), {});
  const env = gatewayEnv(join(ctx.tmp, `webhooks-${run}`), database.url, {
    REELAY_FETCH_ALLOW_HTTP: 'on',
    REELAY_FETCH_ALLOW_PRIVATE: 'on',
  });
  const figures: Figure[] = [];
  try {
    const api = await startGateway(env, 'api');
    try {
      const body = JSON.parse(CREATE_BODY) as Record<string, unknown>;
      body.webhookUrl = `http://127.0.0.1:${receiver.info.port}/hooks/reelay`;
      await createGenerations(api.info.port, 1, { body: JSON.stringify(body) });
    } finally {
      await api.stop();
    }
    for (const [i, loops] of CONCURRENCIES.entries()) {
      const since = await makeDeliveries(db, n, i === 0);
      const reelay = await reelayDrain(env, db, since, n, loops);
      const bare = await startChild<{ sent: number; seconds: number }>(
        libFile('bare-webhook-sender-main.ts'),
        { BENCH_DATABASE_URL: database.url, BENCH_SINCE: since, BENCH_CONCURRENCY: String(loops) },
        { timeoutMs: 300_000 },
      );
      await bare.stop();
      if (bare.info.sent !== n) throw new Error(`the bare sender sent ${bare.info.sent} of ${n}`);
      const baseline = (n - 1) / (bare.info.seconds || 1);
      ctx.log(
        `  run ${run}, ${loops} loops: Reelay ${reelay.toFixed(0)} deliveries/s; bare ${baseline.toFixed(0)}/s`,
      );
      figures.push({
        name: `webhook deliveries/s, ${loops} sending loops`,
        unit: '/s',
        value: reelay,
        baseline,
        baselineName: `bare fetch sender, ${loops} at a time`,
      });
    }
    return figures;
  } finally {
    await receiver.stop();
    await db.end();
    await database.drop();
  }
}

/** Webhook deliveries drained by a worker to a loopback receiver, against a bare fetch sender. */
export const webhooksBenchmark: Benchmark = {
  name: 'webhooks',
  title: 'Webhook deliveries, PostgreSQL',
  async run(ctx) {
    if (!ctx.postgresUrl) return { figures: [], notes: ['Skipped: needs PostgreSQL.'] };
    const runs: Figure[][] = [];
    for (let run = 1; run <= ctx.runs; run++) runs.push(await oneRun(ctx, ctx.postgresUrl, run));
    const n = ctx.quick ? 500 : DELIVERIES;
    return {
      figures: medianFigures(runs),
      notes: [
        `${n} pending deliveries to a loopback receiver (bench/lib/webhook-receiver-main.ts, its own process, 204 to every POST): one generation with a webhookUrl created through the API, cloned in SQL into ${n}, which are then set running, so the events trigger inserts one generation.running delivery each and NOTIFYs; for the next phase the same rows are copied under new ids. Then one worker process started with REELAY_WORKER_CONCURRENCY=0 (it only sends webhooks) and REELAY_WEBHOOK_CONCURRENCY = the loops, until all are delivered; deliveries/s = (${n} − 1) ÷ (last delivered_at − first), from the database's timestamps.`,
        'Loopback receivers are allowed as the tests allow them: REELAY_FETCH_ALLOW_HTTP=on and REELAY_FETCH_ALLOW_PRIVATE=on (outbound fetches are SSRF-guarded and refuse private addresses and plain http otherwise). Each delivery is claimed under a lease, its body rendered, the secret read, signed, sent through the guarded fetch and its attempt recorded in a transaction.',
        'Baseline: bench/lib/bare-webhook-sender-main.ts reads the same deliveries’ bodies (type, timestamp and stored snapshot) before it starts, then posts them with node’s fetch, as many at a time as the worker’s loops, signed the same way (Standard Webhooks headers, HMAC-SHA256), with no database work while sending; rate = (n − 1) ÷ (last answer − first).',
      ],
    };
  },
};
