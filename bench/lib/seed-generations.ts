import type pg from 'pg';

/**
 * Clones the first generation in the database into `n` more with ids `gen_<prefix>00000001`… (queued like
 * it, no idempotency key, nothing else changed), so thousands of generations exist without spending the run
 * on creates; returns their ids. They have no jobs: no worker takes them up.
 */
export async function seedGenerations(db: pg.Pool, n: number, prefix: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO generations
     SELECT (jsonb_populate_record(NULL::generations, to_jsonb(g) || jsonb_build_object(
       'id', $2::text || lpad(i::text, 8, '0'),
       'idempotency_key', NULL,
       'created_at', clock_timestamp()))).*
     FROM (SELECT * FROM generations ORDER BY created_at LIMIT 1) g, generate_series(1, $1::int) i
     RETURNING id`,
    [n, `gen_${prefix}`],
  );
  if (rows.length !== n) throw new Error(`seeded ${rows.length} of ${n} generations`);
  return rows.map((r) => r.id);
}
