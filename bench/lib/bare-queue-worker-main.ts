/**
 * The pipeline benchmark's baseline: the least a queue-driven worker must do per generation, on the same
 * PostgreSQL database and loopback upstream — claim a row with FOR UPDATE SKIP LOCKED, start the task,
 * read its status, download the output, record it done — in BENCH_LOOPS loops woken by LISTEN/NOTIFY.
 * Env: BENCH_DATABASE_URL, BENCH_UPSTREAM. Sends `{ ready: {} }`.
 */
import pg from 'pg';

const upstream = process.env.BENCH_UPSTREAM as string;
const loops = Number(process.env.BENCH_LOOPS ?? 4);
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: loops + 1 });
pool.on('error', () => {});
const listener = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
await listener.connect();
let wake: (() => void)[] = [];
listener.on('notification', () => {
  const w = wake;
  wake = [];
  for (const f of w) f();
});
await listener.query('LISTEN bench_jobs');
let stopping = false;

async function loop(): Promise<void> {
  while (!stopping) {
    const claimed = await pool.query<{ id: string }>(
      `DELETE FROM bench_jobs WHERE id = (SELECT id FROM bench_jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id, created_at`,
    );
    const job = claimed.rows[0];
    if (!job) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      continue;
    }
    const started = (await (
      await fetch(`${upstream}/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { id: string };
    const status = (await (await fetch(`${upstream}/tasks/${started.id}`)).json()) as { output_url: string };
    await (await fetch(status.output_url)).arrayBuffer();
    await pool.query(
      `INSERT INTO bench_done (id, created_at, done_at)
       SELECT $1, created_at, clock_timestamp() FROM (SELECT $2::timestamptz AS created_at) c`,
      [job.id, (claimed.rows[0] as unknown as { created_at: Date }).created_at],
    );
  }
}

const running = Array.from({ length: loops }, loop);
process.on('SIGTERM', async () => {
  stopping = true;
  for (const f of wake) f();
  await Promise.allSettled(running);
  await listener.end();
  await pool.end();
  process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: {} });
